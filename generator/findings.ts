import type { SourcePosition } from './spec/types.js';
import { byCodeUnit } from './order.js';

export type Severity = 'error' | 'warning' | 'info';

/** Named stages, in the order validate runs them. */
export type Stage = 'spec' | 'drift' | 'files' | 'build' | 'schemas' | 'references' | 'policy' | 'budget';

/**
 * One thing a person should look at. Library code returns findings; only the CLI prints them.
 * `code` is stable (tests and suppressions rely on it), e.g. E_SPEC_SCHEMA, E_BUDGET_MEMORY.
 */
export interface Finding {
  readonly stage: Stage;
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  /** Repository-relative file the finding is about. */
  readonly file?: string;
  readonly position?: SourcePosition;
  /** Field path inside the file or object, e.g. spec.nodes[2].memoryGiB */
  readonly path?: string;
  readonly expected?: string;
  readonly found?: string;
  readonly hint?: string;
  /** For findings in generated files: the spec field that produced the object. */
  readonly origin?: { readonly file: string; readonly path: string; readonly position?: SourcePosition };
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}

/** Formats a field path as people write it: spec.nodes[2].memoryGiB */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

/** Stable order: file, line, column, code, message. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      byCodeUnit(a.file ?? '', b.file ?? '') ||
      (a.position?.line ?? 0) - (b.position?.line ?? 0) ||
      (a.position?.column ?? 0) - (b.position?.column ?? 0) ||
      byCodeUnit(a.code, b.code) ||
      byCodeUnit(a.message, b.message),
  );
}
