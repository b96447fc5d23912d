import type { Finding } from '../findings.js';
import type { LoadedSpec } from '../spec/types.js';
import type { RepoFs } from './fs.js';

export interface SpecStageResult {
  readonly specs: LoadedSpec[];
  readonly findings: Finding[];
  /** Cluster folders (clusters/<name>) whose cluster.yaml exists, loaded or not. */
  readonly specFolders: string[];
  /** Every folder under clusters/. */
  readonly clusterFolders: string[];
}

/** Spec stage: the same loading as `generate` (loadSpec per clusters/<name>/cluster.yaml), through the injected filesystem. */
export async function specStage(fs: RepoFs, only?: string): Promise<SpecStageResult> {
  const folders = await clusterFolders(fs, only);
  const specs: LoadedSpec[] = [];
  const findings: Finding[] = [];
  const specFolders: string[] = [];
  const { loadSpec } = await import('../spec/load.js'); // the spec validator loads while kustomize runs
  for (const folder of folders) {
    const bytes = await fs.readFile(`${folder}/cluster.yaml`);
    if (bytes === undefined) continue;
    specFolders.push(folder);
    const result = loadSpec(`${folder}/cluster.yaml`, bytes);
    findings.push(...result.findings);
    if (result.spec) specs.push(result.spec);
  }
  return { specs, findings, specFolders, clusterFolders: folders };
}

/** The entry points: every folder under clusters/ (or only the named one). */
export async function clusterFolders(fs: RepoFs, only?: string): Promise<string[]> {
  return ((await fs.list('clusters')) ?? []).filter((e) => e.type === 'dir' && (only === undefined || e.name === only)).map((e) => `clusters/${e.name}`);
}
