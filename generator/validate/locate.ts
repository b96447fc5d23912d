import type { Finding } from '../findings.js';
import { formatPath } from '../findings.js';
import type { SourcePosition } from '../spec/types.js';
import type { SourceEntry } from './files.js';
import type { BuiltObject } from './types.js';

type Origin = NonNullable<Finding['origin']>;

const entries = new WeakMap<BuiltObject, SourceEntry>();
const origins = new WeakMap<BuiltObject, Origin>();

/** Remembers where a built object is declared so findings can point at the field, not just the object. */
export function attachSource(built: BuiltObject, entry: SourceEntry | undefined): void {
  if (entry) entries.set(built, entry);
}

/** For generated files: the spec field that produced the object. */
export function attachOrigin(built: BuiltObject, origin: Origin | undefined): void {
  if (origin) origins.set(built, origin);
}

/**
 * The location fields of a finding about `built`, at `path` inside it: the field's own line when the
 * source file writes it, else the object's line; for objects not found in any file, the folder built.
 */
export function at(built: BuiltObject, path: readonly (string | number)[] = []): Pick<Finding, 'file' | 'position' | 'path' | 'origin'> {
  const entry = entries.get(built);
  const origin = origins.get(built);
  const field = path.length > 0 ? formatPath(path) : undefined;
  const base = { ...(field ? { path: field } : {}), ...(origin ? { origin } : {}) };
  if (!entry) return built.source ? { file: built.source.file, ...(built.source.position ? { position: built.source.position } : {}), ...base } : { file: built.fluxPath || '.', ...base };
  let position: SourcePosition | undefined;
  for (let n = path.length; n > 0 && !position; n--) {
    const p = entry.locate(path.slice(0, n));
    if (p && p.line >= entry.position.line) position = p;
  }
  return { file: entry.file, position: position ?? entry.position, ...base };
}

/** `Kind namespace/name` as people say it. */
export function describe(object: Record<string, unknown>): string {
  const m = (object.metadata ?? {}) as { name?: string; namespace?: string };
  return `${String(object.kind)} ${m.namespace ? `${m.namespace}/` : ''}${m.name ?? ''}`;
}

/** `spec.containers[0]["app.kubernetes.io/name"]` → ['spec', 'containers', 0, 'app.kubernetes.io/name'] (formatPath's inverse). */
export function parsePath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of path.matchAll(/\.?([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[3] !== undefined) out.push(JSON.parse(m[3]) as string);
  }
  return out;
}

/**
 * Findings from checks that know only the object (schemas, budget) carry the object's line and a
 * field path; where the source file writes that field, point at its line instead.
 */
export function refineFindings(findings: readonly Finding[], sources: readonly SourceEntry[]): Finding[] {
  const byLine = new Map(sources.map((e) => [`${e.file}:${e.position.line}`, e]));
  return findings.map((f) => {
    const entry = f.file && f.position && f.path ? byLine.get(`${f.file}:${f.position.line}`) : undefined;
    if (!entry || !f.path) return f;
    const position = entry.locate(parsePath(f.path));
    return position && position.line > entry.position.line ? { ...f, position } : f;
  });
}
