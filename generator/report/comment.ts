import { diffLines } from 'diff';
import { location } from '../findings-format.js';
import type { Finding } from '../findings.js';

/**
 * The pull-request comment, composed from the parts the workflow produced: `pi-gitops validate
 * --format json`, `pi-gitops budget --format markdown` on the base and on the head, and
 * `pi-gitops diff --format markdown`. Pure: strings in, one markdown body out, never longer than
 * GitHub accepts.
 */

/** Hidden marker by which the comment is found again and updated in place. */
export const REPORT_MARKER = '<!-- pi-gitops-report -->';

/** GitHub rejects issue comment bodies longer than this (characters). */
export const GITHUB_COMMENT_LIMIT = 65_536;

export interface ReportParts {
  /** Text of `pi-gitops validate --format json` (findingsJson, version 1); undefined when validate did not run. */
  readonly validateJson?: string;
  /** Markdown of `pi-gitops budget --format markdown` run on the base checkout. */
  readonly budgetBefore?: string;
  /** Markdown of `pi-gitops budget --format markdown` run on the head. */
  readonly budgetAfter?: string;
  /** Markdown of `pi-gitops diff --base … --format markdown`. */
  readonly changes?: string;
  readonly context?: {
    readonly baseRef?: string;
    readonly headSha?: string;
    /** Link to the workflow run, for the full logs. */
    readonly runUrl?: string;
  };
}

export interface ComposeOptions {
  /** @default GITHUB_COMMENT_LIMIT */
  readonly limit?: number;
}

interface ParsedFindings {
  readonly findings: readonly Finding[];
  readonly summary: string;
  /** validate's own exit code when its JSON carries one (2: the input could not be checked fully). */
  readonly exitCode?: number;
}

/** Reads findingsJson output; anything else is reported as unreadable rather than thrown. */
export function parseFindingsJson(text: string): ParsedFindings | { readonly error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { error: `validate output is not JSON (${(error as Error).message})` };
  }
  const v = value as { version?: unknown; summary?: unknown; findings?: unknown; exitCode?: unknown };
  if (v === null || typeof v !== 'object' || v.version !== 1 || !Array.isArray(v.findings)) {
    return { error: `validate output is not findings JSON version 1 (found version ${JSON.stringify(v?.version)})` };
  }
  const findings = (v.findings as unknown[]).filter((f): f is Finding => f !== null && typeof f === 'object' && typeof (f as Finding).code === 'string' && typeof (f as Finding).message === 'string');
  return { findings, summary: typeof v.summary === 'string' ? v.summary : `${findings.length} finding(s)`, ...(typeof v.exitCode === 'number' ? { exitCode: v.exitCode } : {}) };
}

const icon = { error: '❌', warning: '⚠️', info: 'ℹ️' } as const;

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

function findingsSection(text: string | undefined): { title: string; body: string; errors: number | undefined; unusable: boolean } {
  const unavailable = (body: string): { title: string; body: string; errors: undefined; unusable: boolean } => ({ title: 'Findings', body, errors: undefined, unusable: false });
  if (text === undefined || text.trim() === '') return unavailable('_Validation did not run or produced no output; see the workflow log._');
  const parsed = parseFindingsJson(text);
  if ('error' in parsed) return unavailable(`_${parsed.error}; see the workflow log._`);
  const errors = parsed.findings.filter((f) => f.severity === 'error').length;
  const unusable = parsed.exitCode === 2;
  const actionable = parsed.findings.filter((f) => f.severity !== 'info');
  const notes = parsed.findings.filter((f) => f.severity === 'info');
  const out: string[] = [];
  if (actionable.length === 0) out.push(`✅ No errors or warnings (${parsed.summary}).`);
  else {
    const rank = (f: Finding): number => (f.severity === 'error' ? 0 : 1);
    out.push(`**${parsed.summary}**`, '', '| Severity | Code | Where | Message |', '| --- | --- | --- | --- |');
    for (const f of [...actionable].sort((a, b) => rank(a) - rank(b))) out.push(findingRow(f));
  }
  if (notes.length > 0) {
    out.push('', `<details><summary>${notes.length} note(s)</summary>`, '', ...notes.map((f) => `- \`${f.code}\` ${cell(f.message)}`), '', '</details>');
  }
  return { title: 'Findings', body: out.join('\n'), errors, unusable };
}

function findingRow(f: Finding): string {
  return `| ${icon[f.severity] ?? ''} ${f.severity} | \`${f.code}\` | ${cell(location(f) || '—')} | ${cell(f.message)}${f.hint ? `<br>_hint: ${cell(f.hint)}_` : ''} |`;
}

/** Budget markdown brings its own headings (###); nest them under ours. */
function nested(markdown: string): string {
  let fence = false;
  return markdown
    .split('\n')
    .map((line) => {
      if (line.startsWith('```')) fence = !fence;
      return !fence && /^#{1,4} /.test(line) ? `##${line}` : line;
    })
    .join('\n');
}

function budgetSection(before: string | undefined, after: string | undefined): string {
  const b = before?.trim() ? nested(before.trim()) : undefined;
  const a = after?.trim() ? nested(after.trim()) : undefined;
  if (!a && !b) return '_The budget did not run or produced no output; see the workflow log._';
  if (a && b && a === b) return ['Unchanged by this pull request.', '', a].join('\n');
  if (a && b) {
    // The lines that differ first (what a reviewer compares), then the full reports.
    return [
      '#### Before → after',
      '',
      '```diff',
      changedLines(b, a),
      '```',
      '',
      '#### After (this pull request)',
      '',
      a,
      '',
      '<details><summary><b>Before (base)</b></summary>',
      '',
      b,
      '',
      '</details>',
    ].join('\n');
  }
  return [
    '#### Before (base)',
    '',
    b ?? '_No budget for the base (it did not run there, or the base predates `pi-gitops budget`)._',
    '',
    '#### After (this pull request)',
    '',
    a ?? '_No budget for the head; see the workflow log._',
  ].join('\n');
}

/** Removed and added lines of the budget report, each group under the nearest heading above it. */
export function changedLines(before: string, after: string, maxLines = 60): string {
  const out: string[] = [];
  let heading = '';
  let label = '';
  let shown = '';
  for (const part of diffLines(before, after)) {
    const lines = part.value.replace(/\n$/, '').split('\n');
    if (!part.added && !part.removed) {
      for (const line of lines) {
        if (/^#{1,6} /.test(line)) [heading, label] = [line.replace(/^#+ /, ''), ''];
        // A bold line on its own ("**Steady state** (…)") labels the table under it.
        else if (/^\*\*[^*]+\*\*/.test(line)) label = line.match(/^\*\*([^*]+)\*\*/)![1]!;
      }
      continue;
    }
    const title = [heading, label].filter(Boolean).join(' › ');
    if (title !== shown) {
      out.push(`  ${title}`);
      shown = title;
    }
    for (const line of lines) out.push(`${part.added ? '+' : '-'} ${line}`);
  }
  if (out.length > maxLines) return [...out.slice(0, maxLines), `  … ${out.length - maxLines} more changed line(s) in the full reports below`].join('\n');
  return out.join('\n');
}

interface Section {
  readonly heading: string;
  body: string;
  /** Only these may be shortened to fit the limit. */
  readonly truncatable: boolean;
}

/** Composes the whole comment, marker first. Sections are shortened (largest first, with a note) to stay within the limit. */
export function composeComment(parts: ReportParts, options: ComposeOptions = {}): string {
  const limit = options.limit ?? GITHUB_COMMENT_LIMIT;
  const found = findingsSection(parts.validateJson);
  const status =
    found.errors === undefined
      ? '⚠️ **Validation result unavailable**'
      : found.errors > 0
        ? `❌ **${found.errors} error finding(s): this pull request cannot merge as is**`
        : found.unusable
          ? '⚠️ **Validation could not check everything** (validate exited 2)'
          : '✅ **Valid**';
  const context = parts.context ?? {};
  const facts = [context.headSha ? `head \`${context.headSha.slice(0, 12)}\`` : '', context.baseRef ? `base \`${context.baseRef}\`` : '', context.runUrl ? `[workflow run](${context.runUrl})` : ''].filter(Boolean);
  const head = [REPORT_MARKER, '## pi-gitops report', '', `${status}${facts.length > 0 ? ` · ${facts.join(' · ')}` : ''}`].join('\n');
  const sections: Section[] = [
    { heading: '### Resource budget', body: budgetSection(parts.budgetBefore, parts.budgetAfter), truncatable: true },
    { heading: `### ${found.title}`, body: found.body, truncatable: true },
    { heading: '### Changes to the rendered repository', body: parts.changes?.trim() ? parts.changes.trim() : '_The change summary did not run or produced no output; see the workflow log._', truncatable: true },
  ];
  const footer = '<sub>Updated in place on every push by `pi-gitops ci comment`.</sub>';
  const render = (): string => [head, ...sections.map((s) => `${s.heading}\n\n${s.body}`), footer].join('\n\n') + '\n';
  let body = render();
  // Shorten the largest section until the body fits; each pass cuts at least the excess.
  for (let pass = 0; body.length > limit && pass < sections.length * 2; pass++) {
    const target = [...sections].filter((s) => s.truncatable).sort((a, b) => b.body.length - a.body.length)[0];
    if (!target) break;
    const excess = body.length - limit;
    target.body = truncate(target.body, Math.max(0, target.body.length - excess - 200));
    body = render();
  }
  return body.length > limit ? body.slice(0, limit) : body;
}

/** Keeps whole lines up to `max` characters and says how much was left out. */
export function truncate(text: string, max: number): string {
  const note = (n: number): string => `\n\n> ✂️ ${n} more characters were cut to fit GitHub's comment limit; the full output is in the workflow log.`;
  if (text.length <= max) return text;
  const room = Math.max(0, max - note(text.length).length);
  let cut = text.lastIndexOf('\n', room);
  if (cut <= 0) cut = room;
  let kept = text.slice(0, cut);
  // Never leave a <details> block open: GitHub would swallow everything after it.
  const opened = (kept.match(/<details>/g) ?? []).length - (kept.match(/<\/details>/g) ?? []).length;
  if ((kept.match(/^```/gm) ?? []).length % 2 === 1) kept += '\n```';
  for (let i = 0; i < opened; i++) kept += '\n\n</details>';
  return kept + note(text.length - cut);
}

/** True when the validate output holds at least one error finding (the gate fails then). */
export function hasErrorFindings(validateJson: string | undefined): boolean {
  if (!validateJson) return false;
  const parsed = parseFindingsJson(validateJson);
  return !('error' in parsed) && parsed.findings.some((f) => f.severity === 'error');
}
