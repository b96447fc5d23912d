import { countChanges, type ChangeSummary, type ChangedObject, type ObjectRef } from './changes.js';

/** `Deployment iot/api-service` (cluster-scoped: `Namespace iot`; kustomize files: their path). */
export function describeRef(ref: ObjectRef): string {
  if (ref.name === ref.file) return `${ref.kind} ${ref.file}`;
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

function fieldLine(change: ChangedObject['fields'][number]): string {
  return `${change.path}: ${change.before ?? '(absent)'} → ${change.after ?? '(absent)'}`;
}

function totals(summary: ChangeSummary): string {
  const t = countChanges(summary);
  return `${t.added} added, ${t.changed} changed, ${t.removed} removed`;
}

/** For a terminal. */
export function changesText(summary: ChangeSummary): string {
  if (summary.clusters.length === 0 && summary.buildErrors.length === 0) return `no rendered object changes against ${summary.base}\n`;
  const lines: string[] = [`${summary.mode === 'build' ? 'built objects' : 'rendered objects'} against ${summary.base}: ${totals(summary)}`];
  for (const c of summary.clusters) {
    lines.push('', `${c.cluster}: ${c.added.length} added, ${c.changed.length} changed, ${c.removed.length} removed`);
    for (const a of c.added) lines.push(`  + ${describeRef(a)}  (${a.file})`);
    for (const m of c.changed) {
      lines.push(`  ~ ${describeRef(m)}  (${m.file})`);
      for (const f of m.fields) lines.push(`      ${fieldLine(f)}`);
      if (m.fieldCount > m.fields.length) lines.push(`      … ${m.fieldCount - m.fields.length} more field(s)`);
    }
    for (const r of c.removed) lines.push(`  - ${describeRef(r)}  (${r.file})`);
  }
  for (const file of summary.unparsed) lines.push(`warning: ${file} did not parse as YAML and was left out`);
  for (const error of summary.buildErrors) lines.push(`warning: kustomize build failed: ${error}`);
  return lines.join('\n') + '\n';
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

function where(summary: ChangeSummary, ref: ObjectRef): string {
  return summary.mode === 'build' ? `(built from ${code(ref.file)})` : `in ${code(ref.file)}`;
}

/** For the pull-request comment: one collapsible section per cluster. */
export function changesMarkdown(summary: ChangeSummary): string {
  const what = summary.mode === 'build' ? 'Objects the clusters build to (kustomize)' : 'Rendered objects';
  if (summary.clusters.length === 0 && summary.buildErrors.length === 0) return `No rendered Kubernetes object changes against ${code(summary.base)}.\n`;
  const out: string[] = [`${what} against ${code(summary.base)}: **${totals(summary)}**.`, ''];
  out.push('| Cluster | Added | Changed | Removed |', '| --- | ---: | ---: | ---: |');
  for (const c of summary.clusters) out.push(`| ${c.cluster} | ${c.added.length} | ${c.changed.length} | ${c.removed.length} |`);
  for (const c of summary.clusters) {
    out.push('', `<details><summary><b>${c.cluster}</b>: ${c.added.length} added, ${c.changed.length} changed, ${c.removed.length} removed</summary>`, '');
    for (const a of c.added) out.push(`- ➕ ${code(describeRef(a))} ${where(summary, a)}`);
    for (const m of c.changed) {
      out.push(`- ✏️ ${code(describeRef(m))} ${where(summary, m)}`);
      for (const f of m.fields) out.push(`  - ${code(fieldLine(f))}`);
      if (m.fieldCount > m.fields.length) out.push(`  - … ${m.fieldCount - m.fields.length} more field(s)`);
    }
    for (const r of c.removed) out.push(`- ➖ ${code(describeRef(r))} ${where(summary, r)}`);
    out.push('', '</details>');
  }
  for (const file of summary.unparsed) out.push('', `> ⚠️ ${code(file)} did not parse as YAML and was left out.`);
  for (const error of summary.buildErrors) out.push('', `> ⚠️ kustomize build failed: ${code(error)}`);
  return out.join('\n') + '\n';
}

export function changesJson(summary: ChangeSummary): string {
  return JSON.stringify(summary, null, 2) + '\n';
}
