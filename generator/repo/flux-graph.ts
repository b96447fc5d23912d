import { yaml as yamlLibrary } from '../spec/yaml-source.js';
import { readYamlSubset } from '../spec/yaml-subset.js';
import { kustomizeBuild, type BuildResult } from '../io/kustomize.js';

/** A Flux Kustomization found while walking a cluster's entry point. */
export interface FluxNode {
  readonly name: string;
  readonly namespace: string;
  /** Repository-relative path it builds, without a leading ./ */
  readonly path: string;
  readonly dependsOn: readonly { readonly name: string; readonly namespace: string }[];
  readonly sourceRef?: { readonly kind: string; readonly name: string; readonly namespace: string };
  /** The folder whose build declared this Kustomization. */
  readonly declaredIn: string;
}

export interface ClusterBuild {
  readonly entry: string;
  /** Every folder built, entry first, with kustomize's result and its objects parsed once. */
  readonly builds: readonly BuiltFolder[];
  readonly nodes: readonly FluxNode[];
}

/** A folder's build result with the objects of its output (empty when the build failed). */
export type BuiltFolder = BuildResult & { readonly objects: readonly Record<string, unknown>[] };

interface Doc {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  spec?: { path?: string; dependsOn?: { name: string; namespace?: string }[]; sourceRef?: { kind: string; name: string; namespace?: string } };
}

/**
 * Parses built YAML into plain objects. kustomize output is always valid YAML, but a folder Flux
 * builds without kustomization.yaml is raw files: documents that do not parse, or expand too many
 * aliases, are left out (validate's files stage reports them).
 */
export function parseBuiltObjects(yaml: string): Record<string, unknown>[] {
  const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
  const subset = readYamlSubset(yaml); // kustomize writes plain block YAML: the fast reader gives yaml's values
  if (subset) return subset.values.filter(isObject);
  const out: Record<string, unknown>[] = [];
  const { parseAllDocuments } = yamlLibrary(); // only for output the subset reader leaves
  for (const doc of parseAllDocuments(yaml)) {
    if (Array.isArray(doc) || doc.errors.length > 0) continue;
    try {
      const value: unknown = doc.toJS({ maxAliasCount: 100 });
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) out.push(value as Record<string, unknown>);
    } catch {
      // alias bomb
    }
  }
  return out;
}

export function normalizeFluxPath(path: string | undefined): string {
  return (path ?? '.').replace(/^\.\//, '').replace(/^\.$/, '').replace(/\/+$/, '');
}

/**
 * Starting at clusters/<name>, builds every folder a Flux Kustomization points at (following
 * Kustomizations declared inside those folders too), as Flux would, with real kustomize.
 * `build` replaces the kustomize call (validate checks a folder offline before building it).
 */
export async function buildCluster(root: string, entry: string, build: (path: string) => Promise<BuildResult> = (p) => kustomizeBuild(root, p)): Promise<ClusterBuild> {
  const builds: BuiltFolder[] = [];
  const nodes: FluxNode[] = [];
  const seen = new Set<string>();
  // Each output is parsed as its build ends, not once the slowest of its wave has.
  const parsed = (result: BuildResult): BuiltFolder => ({ ...result, objects: result.yaml ? parseBuiltObjects(result.yaml) : [] });
  let frontier = [entry];
  while (frontier.length > 0) {
    const results = await Promise.all(frontier.filter((p) => !seen.has(p)).map((p) => (seen.add(p), build(p).then(parsed))));
    const next: string[] = [];
    for (const result of results) {
      builds.push(result);
      for (const doc of result.objects as readonly Doc[]) {
        if (doc.kind !== 'Kustomization' || !doc.apiVersion?.startsWith('kustomize.toolkit.fluxcd.io/')) continue;
        const namespace = doc.metadata?.namespace ?? 'flux-system';
        const path = normalizeFluxPath(doc.spec?.path);
        nodes.push({
          name: doc.metadata?.name ?? '',
          namespace,
          path,
          dependsOn: (doc.spec?.dependsOn ?? []).map((d) => ({ name: d.name, namespace: d.namespace ?? namespace })),
          ...(doc.spec?.sourceRef ? { sourceRef: { kind: doc.spec.sourceRef.kind, name: doc.spec.sourceRef.name, namespace: doc.spec.sourceRef.namespace ?? namespace } } : {}),
          declaredIn: result.path,
        });
        if (!seen.has(path)) next.push(path);
      }
    }
    frontier = [...new Set(next)];
  }
  return { entry, builds, nodes };
}
