import { headerLine, type GeneratedFile } from './files.js';
import { yaml } from '../spec/yaml-source.js';
import { emitYaml, type EmitOptions } from './yaml-emit.js';
import { byCodeUnit } from '../order.js';

/**
 * yaml's stringify for what emitYaml leaves to it, loaded on first use: every document the renderers
 * make today is written by emitYaml (test/render/yaml-emit.test.ts), byte for byte as yaml would.
 */
function stringify(value: unknown, options: EmitOptions): string {
  const fast = emitYaml(value, options);
  if (fast !== undefined) return fast;
  return yaml().stringify(value, { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false, ...options });
}

/**
 * The one YAML serializer. Keys in a fixed order (apiVersion, kind, metadata, name first, then
 * alphabetical), undefined dropped, no line wrapping, `---` before every document, and documents in
 * kustomize's kind order, so the bytes depend on nothing but the objects.
 */
export function toYaml(objects: readonly object[]): string {
  return documentsYaml(sortByKind(objects).map(normalize));
}

function documentsYaml(documents: readonly unknown[]): string {
  return documents.map((document) => `---\n${stringify(document, { singleQuote: false })}`).join('');
}

/** The documents a yamlFile serialized, in file order (see renderedDocuments). */
const serialized = new WeakMap<GeneratedFile, readonly unknown[]>();

/** A generated YAML file: header, then the documents. */
export function yamlFile(path: string, source: string, objects: readonly object[]): GeneratedFile {
  const documents = sortByKind(objects).map(normalize);
  const file = { path, content: `${headerLine(source)}\n${documentsYaml(documents)}` };
  serialized.set(file, documents);
  return file;
}

/**
 * For a file made by yamlFile: the plain values of its documents, in file order, equal to what parsing
 * its content gives back (test/validate/files-rendered.test.ts proves it for every rendered file).
 * validate uses them to skip re-parsing files whose bytes are exactly what the generator renders.
 */
export function renderedDocuments(file: GeneratedFile): readonly unknown[] | undefined {
  return serialized.get(file);
}

/** A YAML file holding one plain mapping (kustomization.yaml, Helm values, K3s config), keys ordered the same way, no `---`. */
export function yamlDocument(value: object): string {
  return stringify(normalize(value), {});
}

const firstKeys = ['apiVersion', 'kind', 'metadata', 'name', 'namespace'];

function keyRank(key: string): number {
  const rank = firstKeys.indexOf(key);
  return rank === -1 ? firstKeys.length : rank;
}

/** Deep copy with ordered keys and without undefined values. */
export function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((item) => item !== undefined).map(normalize);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  entries.sort(([a], [b]) => keyRank(a) - keyRank(b) || byCodeUnit(a, b));
  return Object.fromEntries(entries.map(([k, v]) => [k, normalize(v)]));
}

/** kustomize's legacy order (api/resid `SortOrderTransformer`): these first, webhooks last, others by kind between. */
const kindOrderFirst = [
  'Namespace', 'ResourceQuota', 'StorageClass', 'CustomResourceDefinition', 'ServiceAccount', 'PodSecurityPolicy',
  'Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'ConfigMap', 'Secret', 'Endpoints', 'Service',
  'LimitRange', 'PriorityClass', 'PersistentVolume', 'PersistentVolumeClaim', 'Deployment', 'StatefulSet',
  'CronJob', 'PodDisruptionBudget',
];
const kindOrderLast = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];

function kindRank(kind: string): number {
  const first = kindOrderFirst.indexOf(kind);
  if (first !== -1) return first;
  const last = kindOrderLast.indexOf(kind);
  return last === -1 ? kindOrderFirst.length : kindOrderFirst.length + 1 + last;
}

interface Identified {
  readonly kind?: string;
  readonly apiVersion?: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
}

export function sortByKind<T extends object>(objects: readonly T[]): T[] {
  const key = (o: Identified): string => `${o.kind ?? ''}|${o.apiVersion ?? ''}|${o.metadata?.namespace ?? ''}|${o.metadata?.name ?? ''}`;
  return [...objects].sort((a, b) => {
    const x = a as Identified;
    const y = b as Identified;
    const rank = kindRank(x.kind ?? '') - kindRank(y.kind ?? '');
    if (rank !== 0) return rank;
    const kx = key(x);
    const ky = key(y);
    return kx < ky ? -1 : kx > ky ? 1 : 0;
  });
}
