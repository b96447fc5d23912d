import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO } from './_harness.js';

// bin/pi-gitops.js runs the bundled build (dist/pi-gitops.cjs, through its code cache) when it is at least as new as every source under generator/, else tsx.
describe('bin/pi-gitops.js', () => {
  const root = mkdtempSync(join(tmpdir(), 'pi-gitops-bin-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'bin'));
  mkdirSync(join(root, 'dist/io'), { recursive: true });
  mkdirSync(join(root, 'generator/cli'), { recursive: true });
  cpSync(join(REPO, 'bin/pi-gitops.js'), join(root, 'bin/pi-gitops.js'));
  writeFileSync(join(root, 'package.json'), '{"type":"module"}\n');
  symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'));
  // The loader the bin uses is the build's (npm ci builds dist/ before the tests run).
  cpSync(join(REPO, 'dist/io/code-cache.js'), join(root, 'dist/io/code-cache.js'));
  writeFileSync(join(root, 'dist/pi-gitops.cjs'), "process.stdout.write('compiled from ' + require('node:path').basename(__filename));\n");
  writeFileSync(join(root, 'generator/cli/bin.ts'), "const how: string = 'sources';\nprocess.stdout.write(how);\n");
  const run = (): string => execFileSync(process.execPath, [join(root, 'bin/pi-gitops.js')], { encoding: 'utf8' });
  const at = (path: string, seconds: number): void => utimesSync(join(root, path), seconds, seconds);

  it('runs the compiled build when it is newer than the sources', () => {
    at('generator/cli/bin.ts', 1_000_000);
    at('dist/pi-gitops.cjs', 2_000_000);
    expect(run()).toBe('compiled from pi-gitops.cjs');
  });

  it('runs the TypeScript sources through tsx when one of them is newer than the build', () => {
    at('generator/cli/bin.ts', 3_000_000);
    expect(run()).toBe('sources');
  });

  it('runs the sources when an asset under generator/ (not only a .ts file) is newer than the build', () => {
    at('generator/cli/bin.ts', 1_000_000);
    at('dist/pi-gitops.cjs', 2_000_000);
    expect(run()).toBe('compiled from pi-gitops.cjs');
    writeFileSync(join(root, 'generator/cli/dashboard.json'), '{}\n');
    at('generator/cli/dashboard.json', 3_000_000);
    expect(run()).toBe('sources');
  });

  it('runs the sources when there is no build', () => {
    rmSync(join(root, 'dist'), { recursive: true });
    expect(run()).toBe('sources');
  });
});
