import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageCodeCache, requireWithCodeCache } from './io/code-cache.js';

/**
 * The pi-gitops package folder (package.json, schemas/, generator/, dist/). A module's own location
 * differs between the TypeScript sources, the compiled dist/ and the bundled CLI; this does not, so
 * every file the code reads from the package is named from here.
 */
export const packageRoot = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

/** `require` for files of the package (`./schemas/…`, `./package.json`) and its dependencies. */
export const packageRequire = createRequire(join(packageRoot, 'package.json'));

/**
 * `require` of a large generated CommonJS file (a precompiled validator) through its code cache
 * (io/code-cache.ts): V8 then neither parses it nor compiles the functions the build's runs used.
 */
export function requireCompiled(file: string): unknown {
  return requireWithCodeCache(file, packageCodeCache(packageRoot)).exports;
}

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'schemas', 'cluster.schema.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`pi-gitops: no package folder (package.json beside schemas/) above ${from}`);
  }
}
