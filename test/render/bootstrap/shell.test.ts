import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderNodeScript } from '../../../generator/render/bootstrap/node-script.js';
import { shq } from '../../../generator/render/bootstrap/shell.js';
import { loadSpec } from '../../../generator/spec/load.js';

/** What bash makes of `printf %s <word>`: the value back, or something else if the word escaped its quotes. */
function throughBash(word: string): string {
  const result = spawnSync('bash', ['-c', `printf '%s' ${word}`], { encoding: 'utf8' });
  expect(result.status).toBe(0);
  return result.stdout;
}

describe('shq, the one quoting helper for spec values in scripts', () => {
  it('keeps a hostile node name one literal word that runs nothing', () => {
    const hostile = `rpi'; touch /tmp/pi-gitops-owned; echo '$(id) \`id\` "$HOME" \\ ; | & > x`;
    expect(throughBash(shq(hostile))).toBe(hostile);
    expect(spawnSync('test', ['-e', '/tmp/pi-gitops-owned']).status).not.toBe(0);
  });

  it('round-trips any string without NUL through bash', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }).filter((s) => !s.includes('\0')), (value) => {
        expect(throughBash(shq(value))).toBe(value);
      }),
      { numRuns: 60 },
    );
  });

  it('refuses a NUL byte, which no shell word can carry', () => {
    expect(() => shq('a\0b')).toThrow(/NUL/);
  });
});

describe('a rendered script with hostile spec values (bypassing the schema)', () => {
  it('keeps them literal: the script runs, prints them, and nothing is executed', () => {
    const lab = loadSpec('clusters/pi5-lab/cluster.yaml', readFileSync('clusters/pi5-lab/cluster.yaml', 'utf8')).spec!;
    const dir = mkdtempSync(join(tmpdir(), 'pi-gitops-hostile-'));
    const marker = join(dir, 'owned');
    const hostile = `rpi'$(touch ${marker})'"\`touch ${marker}\`"; touch ${marker}; #`;
    const [first, ...rest] = lab.cluster.spec.nodes;
    const spec = { ...lab, cluster: { ...lab.cluster, metadata: { name: `lab$(touch ${marker})` }, spec: { ...lab.cluster.spec, nodes: [{ ...first!, name: hostile }, ...rest] } } };
    const script = renderNodeScript(spec, 'node.sh');
    writeFileSync(join(dir, 'node.sh'), script.content, { mode: 0o755 });
    try {
      const result = spawnSync('bash', [join(dir, 'node.sh'), '--help'], { encoding: 'utf8' });
      expect(result.status).toBe(0);
      expect(result.stdout).toContain(`it must be one of: ${hostile} rpi-worker-01`);
      expect(result.stdout).toContain(`cluster lab$(touch ${marker})`);
      expect(existsSync(marker)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
