import type { LoadedSpec } from '../spec/types.js';
import type { GeneratedFile } from './files.js';

/** Renders one cluster's own files (overlays, Flux entry point, bootstrap). */
export type ClusterRenderer = (spec: LoadedSpec) => readonly GeneratedFile[];
/** Renders files shared by every cluster (bases); sees all specs. */
export type SharedRenderer = (specs: readonly LoadedSpec[]) => readonly GeneratedFile[];

export class PathConflictError extends Error {
  constructor(readonly path: string) {
    super(`two renderers produce ${path}; this is a bug in pi-gitops, please report it`);
  }
}

/** Joins renderers into one; refuses two owners of one path. Output is sorted by path. */
export function compose(shared: readonly SharedRenderer[], perCluster: readonly ClusterRenderer[]): (specs: readonly LoadedSpec[]) => GeneratedFile[] {
  return (specs) => {
    const byPath = new Map<string, GeneratedFile>();
    const add = (file: GeneratedFile): void => {
      if (byPath.has(file.path)) throw new PathConflictError(file.path);
      byPath.set(file.path, file);
    };
    for (const render of shared) render(specs).forEach(add);
    for (const spec of specs) for (const render of perCluster) render(spec).forEach(add);
    return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  };
}
