import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

/**
 * Runs a CommonJS file with a V8 code cache: the bytecode of every function a previous run compiled,
 * so Node neither parses the file nor compiles those functions again. A command runs each of its
 * functions about once, so compiling them is a large share of its CPU time (BENCHMARKS.md).
 *
 * `npm run build` writes the caches (scripts/build-dist.mjs runs the CLI once per command with
 * `write`); a run only reads them. A cache is named by a hash of the file's text and the Node
 * version, because V8 itself checks only the text's length: a cache never applies to other code.
 * V8 refuses a cache made by another V8 build or with other flags; the file then compiles as usual.
 */
export interface CodeCacheOptions {
  /** Folder of the cache files (dist/code-cache). */
  readonly cacheDir: string;
  /** Keep the script and write its cache when the process exits (what the build does). */
  readonly write?: boolean;
}

/** How the cache served a load: used, none for this text, or refused by V8. */
export type CacheUse = 'hit' | 'miss' | 'rejected';

export interface CachedLoad {
  readonly exports: unknown;
  readonly cache: CacheUse;
}

interface Compiled {
  readonly script: Script;
  readonly cacheFile: string;
  readonly cache: CacheUse;
}

const pending: Compiled[] = [];

/** Where `npm run build` keeps the caches of the bundle and the large generated validators, in the package folder. */
export const CODE_CACHE_DIR = 'dist/code-cache';

/** The package's caches: always read; recorded only when the build sets `PI_GITOPS_CODE_CACHE=write`. */
export function packageCodeCache(packageRoot: string): CodeCacheOptions {
  return { cacheDir: join(packageRoot, CODE_CACHE_DIR), write: process.env.PI_GITOPS_CODE_CACHE === 'write' };
}

/** The cache file for a script's text under the running Node. */
export function cacheFileFor(file: string, source: string, cacheDir: string): string {
  const key = createHash('sha256').update(`${process.version} ${process.arch}\0`).update(source).digest('hex').slice(0, 32);
  return join(cacheDir, `${basename(file)}.${key}.bin`);
}

function compile(file: string, options: CodeCacheOptions): Compiled {
  const source = readFileSync(file, 'utf8');
  const cacheFile = cacheFileFor(file, source, options.cacheDir);
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // no cache for this text: compile from source
  }
  const script = new Script(Module.wrap(source), { filename: file, ...(cachedData ? { cachedData } : {}) });
  const cache: CacheUse = cachedData === undefined ? 'miss' : script.cachedDataRejected ? 'rejected' : 'hit';
  return { script, cacheFile, cache };
}

/** Compiles a file against its cache without running it (tests and the build check that a cache applies). */
export function probeCodeCache(file: string, options: CodeCacheOptions): CacheUse {
  return compile(file, options).cache;
}

/** `require(file)` through the cache: the module's exports, as require would return them (not added to require.cache). */
export function requireWithCodeCache(file: string, options: CodeCacheOptions): CachedLoad {
  const compiled = compile(file, options);
  const module = new Module(file);
  module.filename = file;
  const wrapper = compiled.script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  if (options.write) remember(compiled);
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  module.loaded = true;
  return { exports: module.exports, cache: compiled.cache };
}

function remember(compiled: Compiled): void {
  // At exit, so the cache holds every function the whole run compiled, not only the top level.
  if (pending.length === 0) process.once('exit', writeCodeCaches);
  pending.push(compiled);
}

/** Writes the caches of the scripts loaded with `write` (at exit; tests call it directly). */
export function writeCodeCaches(): void {
  for (const { script, cacheFile } of pending.splice(0)) {
    try {
      mkdirSync(dirname(cacheFile), { recursive: true });
      writeFileSync(cacheFile, script.createCachedData());
    } catch (error) {
      // A cache only saves time: a folder that cannot be written must not fail the run that records it.
      process.stderr.write(`pi-gitops: could not write the code cache ${cacheFile}: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
}
