import { formatFinding, summaryLine } from '../findings-format.js';
import { formatCpu, formatMemory } from '../units/quantity.js';
import type { BudgetReport } from './index.js';
import type { ScenarioResult } from './scenarios.js';

const BAR = 20;

/** The K3s processes are not pods: kube-reserved holds them (FACTS.md measurements), so they are not counted twice. */
const KUBE_RESERVED_NOTE = 'kube-reserved holds the K3s processes, measured at 1,588–1,613 MiB and 30 % of a core on a server, 268 MiB and 10 % on an agent (k3s resource-profiling, FACTS.md), so they are not counted again as pods';

/** CPU as people read it in a table: 3600 → "3.6", 4000 → "4", 250 → "250m". */
function cores(millis: number): string {
  if (millis >= 1000) return `${Math.round(millis / 10) / 100}`;
  return formatCpu(millis);
}

/** `[########....|...]`: requested share of allocatable, with the headroom target marked. */
export function bar(used: number, total: number, headroomPercent: number): string {
  const filled = total <= 0 ? BAR : Math.min(BAR, Math.round((used / total) * BAR));
  const mark = Math.min(BAR - 1, Math.round((headroomPercent / 100) * BAR));
  let out = '';
  for (let i = 0; i < BAR; i++) out += i < filled ? '#' : i === mark ? '|' : '.';
  return `[${out}]`;
}

/** Exact MiB for the derivation, so the subtraction can be checked by hand. */
function mib(bytes: number): string {
  const value = bytes / (1024 * 1024);
  return `${Number.isInteger(value) ? value : value.toFixed(1)}Mi`;
}

function pct(used: number, total: number): string {
  return `${total <= 0 ? 0 : Math.round((used / total) * 100)}%`;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function scenarioStatus(s: ScenarioResult): string {
  const parts = [s.unplaced.length === 0 ? 'fits' : `${s.unplaced.length} pod(s) unplaceable`];
  if (s.waiting.length > 0) parts.push(`${s.waiting.length} pod(s) wait for the node to return (local data)`);
  return parts.join('; ');
}

interface Row {
  node: string;
  cpu: string;
  memory: string;
  pods: string;
  limits: string;
  volumes: string;
  cpuBar: string;
  memBar: string;
}

function rows(report: BudgetReport, s: ScenarioResult): Row[] {
  const h = report.settings.headroomPercent;
  return s.nodes.map((u, i) => {
    const n = report.nodes[i]!;
    if (u.lost) return { node: n.name, cpu: 'lost', memory: 'lost', pods: '-', limits: '-', volumes: '-', cpuBar: '', memBar: '' };
    return {
      node: n.name,
      cpuBar: bar(u.cpuMillis, n.allocatable.cpuMillis, h),
      memBar: bar(u.memoryBytes, n.allocatable.memoryBytes, h),
      cpu: `${cores(u.cpuMillis)}/${cores(n.allocatable.cpuMillis)} ${pct(u.cpuMillis, n.allocatable.cpuMillis)}`,
      memory: `${formatMemory(u.memoryBytes)}/${formatMemory(n.allocatable.memoryBytes)} ${pct(u.memoryBytes, n.allocatable.memoryBytes)}`,
      pods: `${u.pods}/${n.maxPods}`,
      limits: `${formatMemory(u.memoryLimitBytes)} (${(u.memoryLimitBytes / n.allocatable.memoryBytes).toFixed(2)}×)`,
      volumes: `${formatMemory(u.storageBytes)}/${formatMemory(n.storageBytes)}`,
    };
  });
}

function textTable(report: BudgetReport, s: ScenarioResult): string[] {
  const rs = rows(report, s);
  const w = Math.max(4, ...rs.map((r) => r.node.length));
  const out = [`  ${pad('node', w)}  ${pad('cpu requested', 22 + BAR)}  ${pad('memory requested', 26 + BAR)}  ${pad('pods', 7)}  ${pad('memory limits', 16)}  local volumes`];
  for (const r of rs) {
    if (r.cpu === 'lost') out.push(`  ${pad(r.node, w)}  (lost)`);
    else out.push(`  ${pad(r.node, w)}  ${r.cpuBar} ${pad(r.cpu, 20)}  ${r.memBar} ${pad(r.memory, 24)}  ${pad(r.pods, 7)}  ${pad(r.limits, 16)}  ${r.volumes}`);
  }
  return out;
}

function derivation(report: BudgetReport): string[] {
  return report.nodes.map(
    (n) =>
      `  ${n.name} (${n.role}, ${n.memoryGiB} GB): cpu ${cores(n.capacity.cpuMillis)} − ${cores(n.systemReserved.cpuMillis)} − ${cores(n.kubeReserved.cpuMillis)} = ${cores(n.allocatable.cpuMillis)}; memory ${mib(n.capacity.memoryBytes)} − ${mib(n.systemReserved.memoryBytes)} − ${mib(n.kubeReserved.memoryBytes)} − ${mib(n.evictionMemoryBytes)} = ${mib(n.allocatable.memoryBytes)} (${formatMemory(n.allocatable.memoryBytes)})`,
  );
}

function platformLines(report: BudgetReport): string[] {
  return report.workloads
    .filter((w) => w.origin === 'platform')
    .map((w) => `  ${w.namespace}/${w.name}: ${w.perNode ? 'one per node' : `${w.replicas} ×`} ${formatCpu(w.cpuMillis)}/${formatMemory(w.memoryBytes)}${w.hostPorts.length > 0 ? `, hostPorts ${w.hostPorts.join(' ')}` : ''} — ${w.citation ?? ''}`);
}

function counts(report: BudgetReport): string {
  const steady = report.scenarios[0]!;
  return `${report.nodes.length} nodes, ${steady.nodes.reduce((a, u) => a + u.pods, 0)} pods in steady state`;
}

/** The terminal report: node derivation, the steady and worst tables, every scenario, findings. */
export function formatBudgetText(report: BudgetReport, style: { color: boolean } = { color: false }): string {
  const out: string[] = [];
  out.push(`budget ${report.cluster}: ${report.verdict === 'fits' ? 'fits' : 'DOES NOT FIT'} (${counts(report)}; worst scenario: ${report.worst})`);
  out.push('', `Allocatable = capacity − system-reserved − kube-reserved − eviction memory.available, as the bootstrap writes them into K3s's kubelet-arg.`, `${KUBE_RESERVED_NOTE}:`);
  out.push(...derivation(report));
  out.push('', `Steady state — requests vs allocatable, | marks the ${report.settings.headroomPercent}% headroom target:`);
  out.push(...textTable(report, report.scenarios[0]!));
  const worst = report.scenarios.find((s) => s.name === report.worst);
  if (worst && worst.name !== 'steady') {
    out.push('', `Worst scenario — ${worst.name}:`);
    out.push(...textTable(report, worst));
  }
  out.push('', 'Scenarios:');
  for (const s of report.scenarios) out.push(`  ${pad(s.name, 28)} ${scenarioStatus(s)}`);
  out.push('', 'Platform pods modelled (run on the cluster, not in the repository):');
  out.push(...platformLines(report));
  if (report.findings.length > 0) {
    out.push('', 'Findings:');
    for (const f of report.findings) out.push(formatFinding(f, style).replace(/^/gm, '  '));
  }
  out.push('', summaryLine(report.findings));
  return `${out.join('\n')}\n`;
}

function mdTable(report: BudgetReport, s: ScenarioResult): string[] {
  const out = ['| node | cpu requested | memory requested | pods | memory limits | local volumes |', '|---|---|---|---|---|---|'];
  for (const r of rows(report, s)) {
    if (r.cpu === 'lost') out.push(`| ${r.node} | lost | lost | – | – | – |`);
    // A pipe breaks a GitHub table even inside code, so the headroom mark is ¦ here.
    else out.push(`| ${r.node} | \`${r.cpuBar.replace('|', '¦')}\` ${r.cpu} | \`${r.memBar.replace('|', '¦')}\` ${r.memory} | ${r.pods} | ${r.limits} | ${r.volumes} |`);
  }
  return out;
}

function escapeMd(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The same content for a pull-request comment. */
export function formatBudgetMarkdown(report: BudgetReport): string {
  const out: string[] = [];
  out.push(`### Resource budget: ${report.cluster} — ${report.verdict === 'fits' ? '✅ fits' : '❌ does not fit'}`, '', `${counts(report)}; worst scenario: **${report.worst}**.`, '');
  out.push(`**Steady state** (requests vs allocatable; \`¦\` marks the ${report.settings.headroomPercent}% headroom target)`, '', ...mdTable(report, report.scenarios[0]!), '');
  const worst = report.scenarios.find((s) => s.name === report.worst);
  if (worst && worst.name !== 'steady') out.push(`**Worst scenario: ${worst.name}**`, '', ...mdTable(report, worst), '');
  out.push('| scenario | result |', '|---|---|', ...report.scenarios.map((s) => `| ${s.name} | ${scenarioStatus(s)} |`), '');
  if (report.findings.length > 0) {
    out.push('| severity | code | finding | what to change |', '|---|---|---|---|');
    for (const f of report.findings) out.push(`| ${f.severity} | \`${f.code}\` | ${escapeMd(`${f.file ? `${f.file}${f.position ? `:${f.position.line}` : ''}: ` : ''}${f.message}`)} | ${escapeMd(f.hint ?? '')} |`);
    out.push('');
  }
  out.push('<details><summary>Allocatable per node and modelled platform pods</summary>', '', `Allocatable = capacity − system-reserved − kube-reserved − eviction memory.available; ${KUBE_RESERVED_NOTE}.`, '', ...derivation(report).map((l) => `- ${l.trim()}`), '', ...platformLines(report).map((l) => `- ${l.trim()}`), '', '</details>', '');
  return out.join('\n');
}
