#!/usr/bin/env node
// Start-up (2026-11-26, /usr/bin/time, median of 5, Node 20.20 on 2 vCPUs):
//                                 via tsx (sources)            this bin (the bundle, dist/pi-gitops.mjs)
//   pi-gitops --version           190 ms wall / 210 ms user     90 ms wall /  70 ms user
//   pi-gitops generate --check    580 ms wall / 790 ms user    400 ms wall / 490 ms user
// The first build ran compiled dist/ module by module: 3.4x less CPU than tsx for --version; the
// precompiled spec validator (generator/spec/validator.ts) saved ~170 ms more; one bundled file
// (scripts/build-dist.mjs) spares Node reading and compiling a few hundred modules.
// So the bin runs the bundle, built by `npm run build` (which `npm ci` runs as `prepare`).
// Where a file under generator/ (a TypeScript source or an asset a renderer reads) is newer than that
// build, or there is no build, it runs the sources through tsx instead, so an edit is never hidden
// behind a stale dist/.
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = mtime(`${root}dist/pi-gitops.mjs`);

if (built !== undefined && newestSource(`${root}generator`) <= built) {
  await import('../dist/pi-gitops.mjs');
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
