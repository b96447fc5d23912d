#!/usr/bin/env node
// Start-up (2026-11-26, /usr/bin/time, median of 5, Node 20.20 on 2 vCPUs):
//                                 via tsx (sources)            this bin (the bundle, dist/pi-gitops.cjs)
//   pi-gitops --version           190 ms wall / 210 ms user     90 ms wall /  60 ms user
//   pi-gitops generate --check    580 ms wall / 790 ms user    380 ms wall / 490 ms user
//   pi-gitops validate --cluster pi5-lab, against the 5 kustomize builds alone (side by side, 15 alternated
//   runs, both with kubectl at Go's default GOGC): 1.49-1.51x with the code cache, 1.57-1.65x with the ES
//   module bundle before it. Today's figures, with kubectl at GOGC=400: BENCHMARKS.md
// The first build ran compiled dist/ module by module: 3.4x less CPU than tsx for --version; the
// precompiled spec validator (generator/spec/validator.ts) saved ~170 ms more; one bundled file
// (scripts/build-dist.mjs) spares Node reading and compiling a few hundred modules.
// So the bin runs the bundle, built by `npm run build` (which `npm ci` runs as `prepare`), through the
// V8 code cache the build records (generator/io/code-cache.ts): the functions a command runs are not
// compiled again on every run.
// Where a file under generator/ (a TypeScript source or an asset a renderer reads) is newer than that
// build, or there is no build, it runs the sources through tsx instead, so an edit is never hidden
// behind a stale dist/.
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = `${root}dist/pi-gitops.cjs`;
const built = mtime(bundle);

if (built !== undefined && newestSource(`${root}generator`) <= built) {
  const { packageCodeCache, requireWithCodeCache } = await import('../dist/io/code-cache.js');
  requireWithCodeCache(bundle, packageCodeCache(root));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../generator/cli/bin.ts');
}

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Newest modification time of the files under dir (0 when there are none, as in a published package). */
function newestSource(dir) {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return newest;
  }
  for (const entry of entries) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else newest = Math.max(newest, mtime(path) ?? 0);
  }
  return newest;
}
