import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CODE_CACHE_DIR, cacheFileFor, probeCodeCache, requireWithCodeCache, writeCodeCaches } from '../../generator/io/code-cache.js';
import { REPO } from '../cli/_harness.js';

describe('requireWithCodeCache', () => {
  const root = mkdtempSync(join(tmpdir(), 'pi-gitops-code-cache-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const cacheDir = join(root, 'cache');
  const file = join(root, 'module.cjs');
  const source = (factor: string): string =>
    `'use strict';\nconst { basename } = require('node:path');\nfunction answer(x) { return x * ${factor}; }\nmodule.exports = { answer, name: basename(__filename), strict: (function () { return this === undefined; })() };\n`;
  // Each load in its own Node process: within one, V8 reuses what it compiled and never reads a cache.
  const load = (write = false): { cache: string; answer: number; name: string; strict: boolean } => {
    const program = `import { requireWithCodeCache } from ${JSON.stringify(join(REPO, 'generator/io/code-cache.ts'))};
      const { exports, cache } = requireWithCodeCache(${JSON.stringify(file)}, { cacheDir: ${JSON.stringify(cacheDir)}, write: ${write} });
      console.log(JSON.stringify({ cache, answer: exports.answer(5), name: exports.name, strict: exports.strict }));`;
    return JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', program], { cwd: REPO, encoding: 'utf8' })) as never;
  };

  it('runs the file as require would: exports, require, __filename, strict mode; reading never writes', () => {
    writeFileSync(file, source('2'));
    expect(load()).toEqual({ cache: 'miss', answer: 10, name: 'module.cjs', strict: true });
    expect(existsSync(cacheDir)).toBe(false);
  });

  it('writes a cache at exit in write mode, and the next run uses it', () => {
    expect(load(true).cache).toBe('miss');
    expect(readdirSync(cacheDir)).toEqual([cacheFileFor(file, source('2'), cacheDir).slice(cacheDir.length + 1)]);
    expect(load()).toEqual({ cache: 'hit', answer: 10, name: 'module.cjs', strict: true });
  });

  it('never applies a cache to other code of the same length (V8 checks only the length)', () => {
    writeFileSync(file, source('3'));
    expect(load()).toMatchObject({ cache: 'miss', answer: 15 });
  });

  it('compiles from source when V8 refuses a damaged cache', () => {
    writeFileSync(cacheFileFor(file, source('3'), cacheDir), Buffer.from('not a V8 code cache'));
    expect(load()).toMatchObject({ cache: 'rejected', answer: 15 });
  });

  it('writes the caches of this process on request (what the exit handler does)', () => {
    const other = join(root, 'other.cjs');
    writeFileSync(other, 'module.exports = 7;\n');
    expect(requireWithCodeCache(other, { cacheDir, write: true }).exports).toBe(7);
    writeCodeCaches();
    expect(probeCodeCache(other, { cacheDir })).not.toBe('miss');
  });

  it('reports, without throwing, a cache folder it cannot write', () => {
    const blocked = join(root, 'blocked');
    writeFileSync(blocked, 'a file where the cache folder should be\n');
    const other = join(root, 'third.cjs');
    writeFileSync(other, 'module.exports = 8;\n');
    requireWithCodeCache(other, { cacheDir: join(blocked, 'cache'), write: true });
    const written: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (written.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      expect(() => writeCodeCaches()).not.toThrow();
    } finally {
      process.stderr.write = write;
    }
    expect(written.join('')).toMatch(/^pi-gitops: could not write the code cache .*third\.cjs\..*\.bin: .*(EEXIST|ENOTDIR)/);
  });

  it('throws as require does when the file is missing', () => {
    expect(() => requireWithCodeCache(join(root, 'absent.cjs'), { cacheDir })).toThrow(/ENOENT/);
  });
});

// npm ci runs `npm run build`, which records the caches by running the CLI (scripts/build-dist.mjs).
describe('the build', () => {
  const cacheDir = join(REPO, CODE_CACHE_DIR);
  const built = ['dist/pi-gitops.cjs', 'schemas/k8s/validators/kubernetes.cjs', 'schemas/k8s/validators/flux.cjs', 'dist/spec/cluster-validator.cjs'];

  it.each(built)('recorded a code cache that V8 accepts for %s', (path) => {
    expect(probeCodeCache(join(REPO, path), { cacheDir })).toBe('hit');
  });

  it('runs the CLI from the bundle with its cache as it runs from the sources', () => {
    const viaBundle = execFileSync(process.execPath, [join(REPO, 'bin/pi-gitops.js'), 'budget', '--format', 'json'], { cwd: REPO, encoding: 'utf8' });
    const viaSources = execFileSync(process.execPath, ['--import', 'tsx', join(REPO, 'generator/cli/bin.ts'), 'budget', '--format', 'json'], { cwd: REPO, encoding: 'utf8' });
    expect(JSON.parse(viaBundle)).toEqual(JSON.parse(viaSources));
  });
});
