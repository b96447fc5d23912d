import type { Finding, Stage } from './findings.js';
import { sortFindings } from './findings.js';

export interface TextStyle {
  readonly color: boolean;
}

const stageOrder: Stage[] = ['spec', 'drift', 'files', 'build', 'schemas', 'references', 'policy', 'budget'];

function paint(style: TextStyle, code: number, text: string): string {
  return style.color ? `\u001b[${code}m${text}\u001b[0m` : text;
}

/** `file:line:col` as editors and terminals link it. */
export function location(f: Finding): string {
  if (!f.file) return '';
  return f.position ? `${f.file}:${f.position.line}:${f.position.column}` : f.file;
}

/** One finding, as a person reads it in a terminal. */
export function formatFinding(f: Finding, style: TextStyle = { color: false }): string {
  const severity = f.severity === 'error' ? paint(style, 31, 'error') : f.severity === 'warning' ? paint(style, 33, 'warning') : paint(style, 36, 'info');
  const where = location(f);
  const lines = [`${where ? `${paint(style, 1, where)} ` : ''}${severity} ${f.code}: ${f.path && !f.message.includes(f.path) ? `${f.path}: ` : ''}${f.message}`];
  if (f.expected !== undefined && !f.message.includes(f.expected)) lines.push(`  expected: ${f.expected}${f.found !== undefined ? `; found: ${f.found}` : ''}`);
  if (f.origin) lines.push(`  from: ${f.origin.file}${f.origin.position ? `:${f.origin.position.line}:${f.origin.position.column}` : ''} ${f.origin.path}`);
  if (f.hint) lines.push(`  hint: ${f.hint}`);
  return lines.join('\n');
}

/** Findings grouped by file, then a summary line with counts per stage. */
export function formatFindings(findings: readonly Finding[], style: TextStyle = { color: false }): string {
  const sorted = sortFindings(findings);
  const out = sorted.map((f) => formatFinding(f, style));
  out.push(summaryLine(findings));
  return out.join('\n') + '\n';
}

export function summaryLine(findings: readonly Finding[]): string {
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  const perStage = stageOrder
    .map((stage) => [stage, findings.filter((f) => f.stage === stage).length] as const)
    .filter(([, n]) => n > 0)
    .map(([stage, n]) => `${stage} ${n}`);
  return `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}${perStage.length > 0 ? ` (${perStage.join(', ')})` : ''}`;
}

/** GitHub workflow commands, one per finding (https://docs.github.com/actions/reference/workflow-commands-for-github-actions). */
export function formatAnnotations(findings: readonly Finding[]): string {
  return sortFindings(findings)
    .map((f) => {
      const level = f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'notice';
      const props = [f.file ? `file=${escapeProperty(f.file)}` : '', f.position ? `line=${f.position.line},col=${f.position.column}` : '', `title=${escapeProperty(f.code)}`].filter(Boolean).join(',');
      const message = `${f.message}${f.hint ? `\nhint: ${f.hint}` : ''}`;
      return `::${level} ${props}::${escapeData(message)}`;
    })
    .join('\n');
}

function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** Versioned JSON so scripts can rely on the shape. */
export function findingsJson(findings: readonly Finding[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ version: 1, ...extra, summary: summaryLine(findings), findings: sortFindings(findings) }, null, 2) + '\n';
}
