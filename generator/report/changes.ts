import { parseAllDocuments } from 'yaml';
import type { GeneratedFile } from '../render/files.js';
import { clusterOfPath } from '../render/layout.js';
import { byCodeUnit } from '../order.js';

/**
 * What a change to the specs (or the generator) does to the rendered repository, per cluster:
 * Kubernetes objects added, changed and removed, identified by kind/namespace/name. Pure: two
 * rendered file lists in, a summary out. Files shared by every cluster (apps/base, …) are grouped
 * under SHARED.
 */

export const SHARED = '(shared)';

export interface ObjectRef {
  readonly kind: string;
  /** Empty for cluster-scoped objects and for kustomize files. */
  readonly namespace: string;
  /** metadata.name, or the file path for documents without one (kustomization.yaml, values). */
  readonly name: string;
  readonly file: string;
}

export interface FieldChange {
  /** Dotted path inside the object, e.g. spec.replicas or replicas[0].count */
  readonly path: string;
  readonly before?: string;
  readonly after?: string;
}

export interface ChangedObject extends ObjectRef {
  /** The first fields that differ (at most MAX_FIELDS), in document order. */
  readonly fields: readonly FieldChange[];
  /** How many differing fields there are in all. */
  readonly fieldCount: number;
}

export interface ClusterChanges {
  readonly cluster: string;
  readonly added: readonly ObjectRef[];
  readonly changed: readonly ChangedObject[];
  readonly removed: readonly ObjectRef[];
}

export interface ChangeSummary {
  readonly version: 1;
  readonly base: string;
  /** files: objects per rendered file; build: objects per cluster as kustomize builds its Flux paths. */
  readonly mode: 'files' | 'build';
  /** Only clusters (and SHARED) with at least one change, in name order, SHARED last. */
  readonly clusters: readonly ClusterChanges[];
  /** Rendered files that do not parse as YAML on either side (never expected; reported, not thrown). */
  readonly unparsed: readonly string[];
  /** Builds that failed (build mode), as "<side> <cluster> <path>: <first line of the error>". */
  readonly buildErrors: readonly string[];
}

const MAX_FIELDS = 5;
const MAX_VALUE = 60;

interface Entry extends ObjectRef {
  readonly value: unknown;
}

/** Parses every rendered YAML file into objects keyed by file + kind/namespace/name (a patch file may repeat a base's identity). */
export function objectsOf(files: readonly GeneratedFile[], unparsed: string[] = []): Map<string, Entry> {
  const out = new Map<string, Entry>();
  for (const file of files) {
    if (!/\.ya?ml$/.test(file.path)) continue;
    let docs;
    try {
      docs = parseAllDocuments(file.content);
    } catch {
      unparsed.push(file.path);
      continue;
    }
    if (!Array.isArray(docs)) docs = [docs];
    let index = 0;
    for (const doc of docs) {
      if (doc.errors.length > 0) {
        unparsed.push(file.path);
        break;
      }
      const value = doc.toJS() as unknown;
      if (value === null || typeof value !== 'object' || Array.isArray(value)) continue;
      const object = value as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
      const kind = typeof object.kind === 'string' ? object.kind : 'YAML';
      const name = typeof object.metadata?.name === 'string' ? object.metadata.name : file.path;
      const namespace = typeof object.metadata?.namespace === 'string' ? object.metadata.namespace : '';
      const unnamed = name === file.path;
      const key = `${file.path}\u0000${kind}/${namespace}/${name}${unnamed ? `#${index}` : ''}`;
      out.set(key, { kind, namespace, name, file: file.path, value });
      index++;
    }
  }
  return out;
}

/** Compares the repository rendered at the base with the one rendered now, file by file. */
export function summariseChanges(before: readonly GeneratedFile[], after: readonly GeneratedFile[], clusters: readonly string[], base: string): ChangeSummary {
  const unparsed: string[] = [];
  const old = objectsOf(before, unparsed);
  const now = objectsOf(after, unparsed);
  return compareEntries(old, now, (entry) => clusterOfPath(entry.file, clusters) ?? SHARED, base, { unparsed });
}

/** A Kubernetes object as kustomize built it for one Flux Kustomization path of a cluster. */
export interface BuiltEntry {
  readonly cluster: string;
  /** The folder whose build produced it. */
  readonly fluxPath: string;
  readonly object: Record<string, unknown>;
}

/**
 * Compares what each cluster's Flux Kustomizations build to, at the base and now: the objects the
 * cluster would really run, shared bases resolved into every cluster that uses them.
 */
export function summariseBuilt(before: readonly BuiltEntry[], after: readonly BuiltEntry[], base: string, buildErrors: readonly string[] = []): ChangeSummary {
  const index = (entries: readonly BuiltEntry[]): Map<string, Entry & { cluster: string }> => {
    const out = new Map<string, Entry & { cluster: string }>();
    for (const { cluster, fluxPath, object } of entries) {
      const metadata = (object.metadata ?? {}) as { name?: unknown; namespace?: unknown };
      const kind = typeof object.kind === 'string' ? object.kind : 'Object';
      const name = typeof metadata.name === 'string' ? metadata.name : '';
      const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : '';
      out.set(`${cluster}\u0000${kind}/${namespace}/${name}`, { cluster, kind, namespace, name, file: fluxPath, value: object });
    }
    return out;
  };
  return compareEntries(index(before), index(after), (entry) => (entry as Entry & { cluster: string }).cluster, base, { mode: 'build', buildErrors });
}

function compareEntries(old: Map<string, Entry>, now: Map<string, Entry>, groupOf: (entry: Entry) => string, base: string, extra: { unparsed?: string[]; mode?: 'files' | 'build'; buildErrors?: readonly string[] }): ChangeSummary {
  const groups = new Map<string, { added: ObjectRef[]; changed: ChangedObject[]; removed: ObjectRef[] }>();
  const group = (entry: Entry): { added: ObjectRef[]; changed: ChangedObject[]; removed: ObjectRef[] } => {
    const cluster = groupOf(entry);
    let g = groups.get(cluster);
    if (!g) groups.set(cluster, (g = { added: [], changed: [], removed: [] }));
    return g;
  };
  for (const [key, entry] of now) {
    const previous = old.get(key);
    if (!previous) group(entry).added.push(ref(entry));
    else {
      const fields: FieldChange[] = [];
      diffValues(previous.value, entry.value, '', fields);
      if (fields.length > 0) group(entry).changed.push({ ...ref(entry), fields: fields.slice(0, MAX_FIELDS), fieldCount: fields.length });
    }
  }
  for (const [key, entry] of old) if (!now.has(key)) group(entry).removed.push(ref(entry));
  const order = (a: string, b: string): number => (a === SHARED ? 1 : b === SHARED ? -1 : byCodeUnit(a, b));
  const byRef = (a: ObjectRef, b: ObjectRef): number => byCodeUnit(a.kind, b.kind) || byCodeUnit(a.namespace, b.namespace) || byCodeUnit(a.name, b.name) || byCodeUnit(a.file, b.file);
  return {
    version: 1,
    base,
    mode: extra.mode ?? 'files',
    clusters: [...groups.keys()].sort(order).map((cluster) => {
      const g = groups.get(cluster)!;
      return { cluster, added: g.added.sort(byRef), changed: g.changed.sort(byRef), removed: g.removed.sort(byRef) };
    }),
    unparsed: [...new Set(extra.unparsed ?? [])].sort(),
    buildErrors: [...(extra.buildErrors ?? [])],
  };
}

function ref(entry: Entry): ObjectRef {
  return { kind: entry.kind, namespace: entry.namespace, name: entry.name, file: entry.file };
}

function diffValues(a: unknown, b: unknown, path: string, out: FieldChange[]): void {
  if (isRecord(a) && isRecord(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) diffValues(a[key], b[key], join(path, key), out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((item, i) => diffValues(item, b[i], `${path}[${i}]`, out));
    return;
  }
  if (JSON.stringify(a) === JSON.stringify(b)) return;
  out.push({ path: path || '(document)', ...(a === undefined ? {} : { before: show(a) }), ...(b === undefined ? {} : { after: show(b) }) });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function join(path: string, key: string): string {
  const part = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key);
  return path === '' ? part : /^"/.test(part) ? `${path}[${part}]` : `${path}.${part}`;
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

export function countChanges(summary: ChangeSummary): { added: number; changed: number; removed: number } {
  let added = 0;
  let changed = 0;
  let removed = 0;
  for (const c of summary.clusters) {
    added += c.added.length;
    changed += c.changed.length;
    removed += c.removed.length;
  }
  return { added, changed, removed };
}
