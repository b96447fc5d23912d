import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Finding } from '../findings.js';
import { loadSpec } from '../spec/load.js';
import type { LoadedSpec } from '../spec/types.js';

export interface LoadedSpecs {
  readonly specs: readonly LoadedSpec[];
  readonly findings: readonly Finding[];
}

/** Reads every clusters/<name>/cluster.yaml under root (or only the named cluster), in name order. */
export async function loadSpecs(root: string, only?: string): Promise<LoadedSpecs> {
  let names: string[];
  try {
    names = (await readdir(join(root, 'clusters'), { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  } catch {
    return { specs: [], findings: [{ stage: 'spec', code: 'E_SPEC_NONE', severity: 'error', file: 'clusters/', message: 'no clusters/ folder here', hint: 'run pi-gitops in the repository root, or create a cluster with `pi-gitops init NAME`' }] };
  }
  const specs: LoadedSpec[] = [];
  const findings: Finding[] = [];
  let found = 0;
  for (const name of names) {
    const file = `clusters/${name}/cluster.yaml`;
    let bytes: Buffer;
    try {
      bytes = await readFile(join(root, file));
    } catch {
      continue;
    }
    found++;
    const result = loadSpec(file, bytes);
    findings.push(...result.findings);
    if (result.spec) specs.push(result.spec);
  }
  if (only !== undefined && !specs.some((s) => s.cluster.metadata.name === only) && !findings.some((f) => f.file === `clusters/${only}/cluster.yaml`)) {
    findings.push({ stage: 'spec', code: 'E_SPEC_NONE', severity: 'error', file: `clusters/${only}/cluster.yaml`, message: `no cluster named ${only}`, hint: `clusters here: ${names.join(', ') || 'none'}` });
  } else if (found === 0) {
    findings.push({ stage: 'spec', code: 'E_SPEC_NONE', severity: 'error', file: 'clusters/', message: 'no clusters/<name>/cluster.yaml found', hint: 'create one with `pi-gitops init NAME`' });
  }
  return { specs, findings };
}
