import { posix } from 'node:path';
import type { Finding } from '../findings.js';
import { parseRepoYaml } from './_parsed.js';
import type { SourcePosition } from '../spec/types.js';
import type { RepoFs } from './fs.js';
import { checkApiVersion } from './_api-versions.js';
import { dirOf, isKustomizationFile, isYamlPath, listFiles } from './walk.js';
import { byCodeUnit } from '../order.js';

/** Where one object is declared in the repository, with a locator for fields inside it. */
export interface SourceEntry {
  readonly file: string;
  readonly position: SourcePosition;
  readonly object: Record<string, unknown>;
  /** Position of a field of this object in its file (undefined when the field is not written there). */
  readonly locate: (path: readonly (string | number)[]) => SourcePosition | undefined;
  /** Strategic-merge patch files are indexed too, behind the objects they patch. */
  readonly patch: boolean;
}

export interface FilesResult {
  readonly findings: Finding[];
  /** kind/namespace/name → declarations (objects first, patches after). */
  readonly index: SourceIndex;
  /** True when a syntax error makes a file unreadable (the CLI exits 2). */
  readonly unusable: boolean;
}

/** Syntax-level codes: the input cannot be read at all. */
export const UNUSABLE_CODES = new Set(['E_FILE_YAML', 'E_FILE_TAB', 'E_FILE_ENCODING', 'E_SPEC_YAML', 'E_SPEC_TAB', 'E_SPEC_ENCODING']);

/**
 * YAML that is not a Kubernetes manifest and is exempt from the one-object-per-document rule:
 * dotfiles and dot-folders (.sops.yaml, .github/workflows), the bootstrap (K3s config.yaml,
 * Ansible), cluster specs (the spec stage reads them), Helm values and charts.
 */
export function isExemptPath(path: string): boolean {
  const parts = path.split('/');
  const name = parts[parts.length - 1]!;
  if (parts.some((p) => p.startsWith('.'))) return true;
  if (parts[0] === 'bootstrap') return true;
  if (parts[0] === 'clusters' && parts.length === 3 && name === 'cluster.yaml') return true;
  return /(^|[-_.])values([-_.][\w-]+)?\.ya?ml$/i.test(name) || /^Chart\.ya?ml$/.test(name);
}

export class SourceIndex {
  private readonly byId = new Map<string, SourceEntry[]>();
  private readonly byKindName = new Map<string, SourceEntry[]>();

  add(entry: SourceEntry): void {
    const metadata = (entry.object.metadata ?? {}) as { name?: unknown; namespace?: unknown };
    const kind = String(entry.object.kind ?? '');
    const name = String(metadata.name ?? '');
    const id = `${kind}/${typeof metadata.namespace === 'string' ? metadata.namespace : ''}/${name}`;
    for (const [map, key] of [[this.byId, id], [this.byKindName, `${kind}/${name}`]] as const) {
      const list = map.get(key) ?? [];
      list.push(entry);
      list.sort((a, b) => Number(a.patch) - Number(b.patch));
      map.set(key, list);
    }
  }

  /**
   * The declaration of a built object: the exact kind/namespace/name first, then (overlays and
   * Flux targetNamespace change namespaces; namePrefix is rare) kind and name, preferring a file
   * in scope (under a folder, or among the folders a build read).
   */
  find(object: Record<string, unknown>, inScope?: string | ((file: string) => boolean), taken?: ReadonlySet<SourceEntry>): SourceEntry | undefined {
    const metadata = (object.metadata ?? {}) as { name?: unknown; namespace?: unknown };
    const kind = String(object.kind ?? '');
    const name = String(metadata.name ?? '');
    const exact = this.byId.get(`${kind}/${typeof metadata.namespace === 'string' ? metadata.namespace : ''}/${name}`);
    const all = exact ?? this.byKindName.get(`${kind}/${name}`) ?? [];
    // The same object declared twice: give each built copy its own declaration.
    const free = taken ? all.filter((c) => !taken.has(c)) : all;
    const candidates = free.length > 0 ? free : all;
    if (candidates.length <= 1 || inScope === undefined) return candidates[0];
    const scope = typeof inScope === 'string' ? (file: string) => file.startsWith(`${inScope}/`) : inScope;
    return candidates.find((c) => !c.patch && scope(c.file)) ?? candidates.find((c) => scope(c.file)) ?? candidates[0];
  }

  /** Every declared object (patches left out), in file order. */
  entries(): SourceEntry[] {
    const seen = new Set<SourceEntry>();
    for (const list of this.byId.values()) for (const e of list) if (!e.patch) seen.add(e);
    return [...seen].sort((a, b) => byCodeUnit(a.file, b.file) || a.position.line - b.position.line);
  }

  get size(): number {
    let n = 0;
    for (const list of this.byId.values()) n += list.length;
    return n;
  }
}

interface Parsed {
  readonly file: string;
  readonly values: readonly unknown[];
  /** Whether document i failed to parse. */
  readonly failed: (i: number) => boolean;
  /** Where document i's content starts. */
  readonly position: (i: number) => SourcePosition | undefined;
  readonly locate: (i: number, path: readonly (string | number)[]) => SourcePosition | undefined;
}

/** What the generator renders, by path: files whose bytes equal it need no parsing (see renderedDocuments). */
export type RenderedLookup = (path: string) => { readonly content: string; readonly documents: readonly unknown[] } | undefined;

/**
 * Files stage: every YAML file parses, each manifest document is one identifiable object; builds the source index.
 * With `rendered`, a file whose bytes are exactly the generator's serializer output (known to parse
 * cleanly, to the very values it serialized) takes those values instead of a parse; its field
 * positions are parsed only when a finding asks for one. Every other file is parsed and checked in full.
 * Files outside `inScope` (another cluster's folders, with --cluster) are not read.
 */
export async function checkFiles(fs: RepoFs, rendered?: Promise<RenderedLookup | undefined>, inScope: (file: string) => boolean = () => true): Promise<FilesResult> {
  const findings: Finding[] = [];
  const parsed: Parsed[] = [];
  const files = (await listFiles(fs)).filter((file) => isYamlPath(file) && inScope(file));
  const read = files.map((file) => fs.readFile(file)); // reads overlap; each is awaited in order below
  for (const r of read) r.catch(() => undefined);
  const lookup = await rendered;
  for (const [n, file] of files.entries()) {
    if (file.startsWith('clusters/') && file.split('/').length === 3 && file.endsWith('/cluster.yaml')) continue;
    const bytes = await read[n]!;
    if (bytes === undefined) continue;
    const generated = lookup?.(file);
    const fast = generated && !isKustomizationFile(file) ? asRendered(fs, file, bytes, generated) : undefined;
    if (fast) {
      parsed.push(fast);
      continue;
    }
    const result = parseRepoYaml(fs, file, bytes);
    findings.push(...result.findings);
    parsed.push({
      file, values: result.values,
      failed: (i) => result.failed(i),
      position: (i) => result.start(i),
      locate: (i, path) => result.locate(i, path, { key: true }),
    });
  }

  // Kustomization files tell which YAML is generator input (not manifests) and which are patches.
  const notManifests = new Set<string>();
  const patches = new Set<string>();
  const referenced = new Set<string>();
  for (const p of parsed.filter((x) => isKustomizationFile(x.file))) {
    const k = p.values[0] as Record<string, unknown> | undefined;
    if (!k || typeof k !== 'object') continue;
    const dir = dirOf(p.file);
    const rel = (ref: unknown): string | undefined => (typeof ref === 'string' && !ref.includes('://') ? posix.normalize(posix.join(dir, ref.replace(/^[^=]*=/, ''))) : undefined);
    for (const gen of [...asArray(k.configMapGenerator), ...asArray(k.secretGenerator)]) {
      for (const f of [...asArray((gen as { files?: unknown }).files), ...asArray((gen as { envs?: unknown }).envs)]) {
        const path = rel(f);
        if (path) notManifests.add(path);
      }
    }
    for (const f of [...asArray(k.configurations), ...asArray(k.openapi && (k.openapi as { path?: unknown }).path)]) {
      const path = rel(f);
      if (path) notManifests.add(path);
    }
    for (const f of [...asArray(k.resources), ...asArray(k.crds)]) {
      const path = rel(f);
      if (path) referenced.add(path);
    }
    for (const patch of [...asArray(k.patches), ...asArray(k.patchesStrategicMerge), ...asArray(k.patchesJson6902)]) {
      const path = rel(typeof patch === 'string' ? patch : (patch as { path?: unknown })?.path);
      if (path) (patches.add(path), referenced.add(path));
    }
  }

  const index = new SourceIndex();
  for (const p of parsed) {
    if (isKustomizationFile(p.file) || notManifests.has(p.file) || (isExemptPath(p.file) && !referenced.has(p.file))) continue;
    const patch = patches.has(p.file);
    p.values.forEach((value, i) => {
      if (value === undefined && p.failed(i)) return;
      if (value === null || value === undefined) return; // empty document (a trailing ---)
      const position = p.position(i) ?? { line: 1, column: 1 };
      if (Array.isArray(value) && patch) return; // a JSON 6902 patch: a list of operations
      if (typeof value !== 'object' || Array.isArray(value)) {
        findings.push({ stage: 'files', code: 'E_FILE_NOT_OBJECT', severity: 'error', file: p.file, position, message: 'document is not a Kubernetes object (a mapping with apiVersion, kind and metadata.name)', hint: 'if this file is not a manifest, move it out of the manifest folders or name it *values.yaml' });
        return;
      }
      const object = value as Record<string, unknown>;
      const locate = (path: readonly (string | number)[]): SourcePosition | undefined => p.locate(i, path);
      const missing = (['apiVersion', 'kind'] as const).filter((key) => typeof object[key] !== 'string' || object[key] === '');
      for (const key of missing) findings.push({ stage: 'files', code: key === 'kind' ? 'E_FILE_NO_KIND' : 'E_FILE_NO_API_VERSION', severity: 'error', file: p.file, position, path: key, message: `object has no ${key}`, hint: 'every Kubernetes object names its apiVersion and kind' });
      const metadata = object.metadata as { name?: unknown; generateName?: unknown } | undefined;
      const isList = typeof object.kind === 'string' && object.kind.endsWith('List') && Array.isArray(object.items);
      if (!isList && (typeof metadata?.name !== 'string' || metadata.name === '')) {
        findings.push({ stage: 'files', code: 'E_FILE_NO_NAME', severity: 'error', file: p.file, position: locate(['metadata']) ?? position, path: 'metadata.name', message: `${String(object.kind ?? 'object')} has no metadata.name`, hint: typeof metadata?.generateName === 'string' ? 'Flux cannot prune or track objects with generateName; give it a fixed name' : 'add metadata.name' });
      }
      if (missing.length === 0) {
        const wrong = checkApiVersion(String(object.apiVersion), String(object.kind));
        if (wrong) findings.push({ stage: 'files', code: 'E_FILE_API_VERSION', severity: 'error', file: p.file, position: locate(['apiVersion']) ?? position, path: 'apiVersion', message: `${String(object.kind)} is not served as ${String(object.apiVersion)}`, expected: wrong.join(' or '), found: String(object.apiVersion), hint: `use apiVersion: ${wrong[0]}` });
      }
      if (missing.length === 0 && !isList) index.add({ file: p.file, position, object, locate, patch });
    });
  }
  return { findings, index, unusable: findings.some((f) => UNUSABLE_CODES.has(f.code)) };
}

/**
 * A file that is byte for byte the generator's output: its documents are the values the serializer
 * wrote, each after its `---` line at column 1. Undefined when the file is not exactly that.
 */
function asRendered(fs: RepoFs, file: string, bytes: Uint8Array, generated: NonNullable<ReturnType<RenderedLookup>>): Parsed | undefined {
  if (bytes.byteLength !== Buffer.byteLength(generated.content) || !Buffer.from(generated.content).equals(bytes)) return undefined; // byte for byte: no BOM, no invalid UTF-8
  const starts: number[] = [];
  const lines = generated.content.split('\n');
  lines.forEach((line, i) => { if (line === '---') starts.push(i + 2); });
  if (starts.length !== generated.documents.length) return undefined;
  return {
    file, values: generated.documents,
    failed: () => false,
    position: (i) => ({ line: starts[i]!, column: 1 }),
    locate: (i, path) => parseRepoYaml(fs, file, bytes).locate(i, path, { key: true }), // positions only when a finding needs a field's line
  };
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}
