/**
 * The whole `validate` of a repository against its kustomize builds alone, side by side in one run
 * (the issue asks for validate ≤ 1.25 × the builds). Run in a repository root:
 *   npx tsx bench/validate-run.ts [ROOT]
 */
import { performance } from 'node:perf_hooks';
import { kustomizeBuild } from '../generator/io/kustomize.js';
import { buildCluster } from '../generator/repo/flux-graph.js';
import { runValidation } from '../generator/validate/run.js';
import { diskFs } from '../generator/validate/fs.js';
import { specStage } from '../generator/validate/spec.js';

const root = process.argv[2] ?? '.';
const entries = (await specStage(diskFs(root))).clusterFolders;

async function timed<T>(run: () => Promise<T>): Promise<[number, T]> {
  const start = performance.now();
  const value = await run();
  return [(performance.now() - start) / 1000, value];
}

// Warm the file cache and the kubectl binary once, then alternate the two measurements.
await Promise.all(entries.map((e) => buildCluster(root, e)));
const rows: { builds: number; validate: number }[] = [];
for (let i = 0; i < 3; i++) {
  const [builds, clusters] = await timed(() => Promise.all(entries.map((e) => buildCluster(root, e, (p) => kustomizeBuild(root, p)))));
  const [validate] = await timed(() => runValidation(root));
  rows.push({ builds, validate });
  if (i === 0) process.stdout.write(`${clusters.reduce((n, c) => n + c.builds.length, 0)} kustomize builds over ${entries.length} cluster(s)\n`);
}
for (const r of rows) process.stdout.write(`builds alone ${r.builds.toFixed(2)} s, validate ${r.validate.toFixed(2)} s, ratio ${(r.validate / r.builds).toFixed(2)}\n`);
