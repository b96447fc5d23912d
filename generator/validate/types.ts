import type { Finding } from '../findings.js';
import type { SourcePosition } from '../spec/types.js';

/** A Kubernetes object as kustomize built it for one Flux path, with where it came from when known. */
export interface BuiltObject {
  readonly object: Record<string, unknown>;
  /** Repository-relative folder whose build produced it (a Flux Kustomization path). */
  readonly fluxPath: string;
  /** The source file (and position) that declares it, found by kind/namespace/name in the repository. */
  readonly source?: { readonly file: string; readonly position?: SourcePosition };
}

/** A check over every built object of a cluster (schemas, references, policy, budget). Pure: objects in, findings out. */
export type ObjectCheck = (objects: readonly BuiltObject[]) => Finding[];

/** `kind/namespace/name` (namespace empty for cluster-scoped objects). */
export function objectId(object: Record<string, unknown>): string {
  const metadata = (object.metadata ?? {}) as { name?: string; namespace?: string };
  return `${String(object.kind ?? '')}/${metadata.namespace ?? ''}/${metadata.name ?? ''}`;
}
