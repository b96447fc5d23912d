import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { GeneratedFile } from '../render/files.js';
import { layout } from '../render/layout.js';
import { buildCluster, parseBuiltObjects } from '../repo/flux-graph.js';
import { summariseBuilt, type BuiltEntry, type ChangeSummary } from '../report/changes.js';

/**
 * `pi-gitops diff --build`: writes both renderings to temporary folders, builds every cluster from
 * its Flux entry with real kustomize (as Flux would), and compares the objects per cluster.
 * Throws ToolMissingError when kubectl is absent.
 */
export async function buildChanges(before: readonly GeneratedFile[], after: readonly GeneratedFile[], clusters: readonly string[], base: string): Promise<ChangeSummary> {
  const work = await mkdtemp(join(tmpdir(), 'pi-gitops-diff-'));
  try {
    const failures = new Map<string, { sides: string[]; message: string }>();
    const sides = await Promise.all(
      ([['base', before], ['head', after]] as const).map(async ([side, files]) => {
        const root = join(work, side);
        for (const file of files) {
          await mkdir(dirname(join(root, file.path)), { recursive: true });
          await writeFile(join(root, file.path), file.content);
        }
        const entries: BuiltEntry[] = [];
        for (const cluster of clusters) {
          if (!files.some((f) => f.path.startsWith(`${layout.clusterDir(cluster)}/`))) continue;
          const build = await buildCluster(root, layout.clusterDir(cluster));
          for (const result of build.builds) {
            if (result.error !== undefined) {
              const key = `${cluster} ${result.path}`;
              const failure = failures.get(key) ?? { sides: [], message: conciseError(result.error, root) };
              failure.sides.push(side);
              failures.set(key, failure);
            }
            for (const object of parseBuiltObjects(result.yaml ?? '')) entries.push({ cluster, fluxPath: result.path, object });
          }
        }
        return entries;
      }),
    );
    const errors = [...failures.entries()].map(([key, f]) => `${key} (${f.sides.sort().join(' and ')}): ${f.message}`).sort();
    return summariseBuilt(sides[0]!, sides[1]!, base, errors);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** kubectl's error without the log prefix and the temporary folder. */
function conciseError(error: string, root: string): string {
  const line = error.split('\n').find((l) => l.trim() !== '') ?? error;
  const quoted = line.match(/err="(.*)"$/);
  const text = (quoted ? quoted[1]! : line).split(`${root}/`).join('').split(root).join('.');
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}
