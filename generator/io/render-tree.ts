import { formatFindings } from '../findings-format.js';
import { hasErrors } from '../findings.js';
import { renderRepository } from '../render/repository.js';
import type { RenderOutcome } from './git.js';
import { loadSpecs } from './specs.js';
import { applyPlan, plan } from './tree.js';

/** `pi-gitops generate` as a function for `ci commit`: load every spec, render, write what changed. */
export async function renderIntoTree(dir: string): Promise<RenderOutcome> {
  const loaded = await loadSpecs(dir);
  const clusters = loaded.specs.map((s) => s.cluster.metadata.name);
  if (hasErrors(loaded.findings)) {
    return { ok: false, generated: new Set(), clusters, message: `the specs do not load; nothing was committed\n${formatFindings(loaded.findings)}` };
  }
  const files = renderRepository(loaded.specs);
  const result = await plan(dir, files);
  if (result.conflicts.length > 0) {
    return { ok: false, generated: new Set(), clusters, message: `hand-written files stand where pi-gitops renders: ${result.conflicts.join(', ')}; nothing was committed` };
  }
  await applyPlan(dir, result.changes);
  return { ok: true, generated: new Set(files.map((f) => f.path)), clusters };
}
