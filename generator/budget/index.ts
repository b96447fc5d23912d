import { sortFindings, type Finding } from '../findings.js';
import type { ClusterSpec, LoadedSpec } from '../spec/types.js';
import type { BuiltObject, ObjectCheck } from '../validate/types.js';
import { analyse, type SpecLocation } from './analyse.js';
import { budgetNodes, reservationFindings } from './nodes.js';
import { platformWorkloads } from './platform.js';
import { simulate, type PlacementOrder, type ScenarioResult } from './scenarios.js';
import type { BudgetNode, ClaimDemand, Workload, WorkloadOrigin } from './types.js';
import { extractWorkloads, type BudgetInput } from './workloads.js';

export { FOOTPRINT_ANNOTATION } from './helm.js';
export { formatBudgetMarkdown, formatBudgetText } from './report.js';
export type { BudgetNode, ClaimDemand, Workload } from './types.js';
export type { BudgetInput } from './workloads.js';
export type { ScenarioResult } from './scenarios.js';

export const BUDGET_REPORT_VERSION = 1;

export interface WorkloadSummary {
  readonly id: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly origin: WorkloadOrigin;
  readonly replicas: number;
  readonly maxReplicas: number;
  readonly perNode: boolean;
  readonly surge: number;
  readonly cpuMillis: number;
  readonly memoryBytes: number;
  readonly memoryLimitBytes: number;
  readonly hostPorts: readonly string[];
  readonly claims: readonly ClaimDemand[];
  readonly citation?: string;
  readonly file?: string;
}

/** The whole budget of one cluster; `--format json` prints exactly this. */
export interface BudgetReport {
  readonly version: typeof BUDGET_REPORT_VERSION;
  readonly cluster: string;
  /** `fits` when no error finding stands. */
  readonly verdict: 'fits' | 'does-not-fit';
  readonly settings: ClusterSpec['spec']['budget'];
  readonly nodes: readonly BudgetNode[];
  readonly workloads: readonly WorkloadSummary[];
  /** How the placement shown was found (see `search`). */
  readonly placement: { readonly order: PlacementOrder; readonly scoring: 'least' | 'most'; readonly steadyPercent: number };
  readonly scenarios: readonly ScenarioResult[];
  /** Name of the scenario with the most unplaced pods, then the fullest node. */
  readonly worst: string;
  readonly findings: readonly Finding[];
}

export interface BudgetOptions {
  /** Simulate one rolling update per Deployment (maxSurge). @default true */
  readonly surge?: boolean;
}

const ORDERS: readonly PlacementOrder[] = ['memory', 'cpu', 'dominant'];

/**
 * The budget asks whether the cluster *can* hold everything, and a greedy scheduler can miss a
 * placement that exists. So it tries, in turn: steady state and HPA max within the headroom target,
 * with pods ordered by memory, by CPU, then by dominant share, scored least-allocated (kube-scheduler's
 * default) then most-allocated (packing); then the same with all of allocatable.
 * The first placement with no error finding is the answer. When none succeeds, the report shows the
 * attempt with all of allocatable that leaves the fewest errors (on a tie, the kube-scheduler-like one:
 * least-allocated, largest memory first).
 * Node losses and rolling updates always start from the chosen steady placement (pods do not move).
 */
function search(body: ClusterSpec['spec'], nodes: readonly BudgetNode[], workloads: readonly Workload[], options: BudgetOptions, loc: SpecLocation | undefined): { scenarios: ScenarioResult[]; findings: Finding[]; placement: BudgetReport['placement'] } {
  const base = { nodeLosses: body.budget.nodeLossesTolerated, surge: options.surge ?? true };
  let fallback: { scenarios: ScenarioResult[]; findings: Finding[]; placement: BudgetReport['placement']; errors: number } | undefined;
  // When the steady pods alone (DaemonSets left out, so this is a lower bound) outnumber the pod slots
  // or out-request the cluster, no placement exists: only the kube-scheduler-like attempt is run.
  const sum = (f: (w: Workload) => number): number => workloads.reduce((a, w) => a + (w.perNode ? 0 : w.replicas * f(w)), 0);
  const hopeless =
    sum(() => 1) > nodes.reduce((a, n) => a + n.maxPods, 0) ||
    sum((w) => w.pod.cpuMillis) > nodes.reduce((a, n) => a + n.allocatable.cpuMillis, 0) ||
    sum((w) => w.pod.memoryBytes) > nodes.reduce((a, n) => a + n.allocatable.memoryBytes, 0);
  for (const steadyPercent of hopeless ? [100] : [body.budget.headroomPercent, 100]) {
    for (const scoring of hopeless ? (['least'] as const) : (['least', 'most'] as const)) {
      for (const order of hopeless ? (['memory'] as const) : ORDERS) {
        const scenarios = simulate(nodes, workloads, { ...base, order, scoring, steadyFraction: steadyPercent / 100 });
        const findings = analyse(body, nodes, workloads, scenarios, loc);
        const attempt = { scenarios, findings, placement: { order, scoring, steadyPercent } };
        const errors = findings.filter((f) => f.severity === 'error').length;
        if (errors === 0) return attempt;
        // Among failing attempts with all of allocatable, the one with the fewest errors; on a tie the kube-scheduler-like one (tried first).
        if (steadyPercent === 100 && (fallback === undefined || errors < fallback.errors)) fallback = { ...attempt, errors };
      }
    }
  }
  const { errors: _errors, ...chosen } = fallback!;
  return chosen;
}

function isLoaded(spec: LoadedSpec | ClusterSpec): spec is LoadedSpec {
  return 'cluster' in spec;
}

function worstScenario(report: { nodes: readonly BudgetNode[]; scenarios: readonly ScenarioResult[] }): string {
  const peak = (s: ScenarioResult): number => Math.max(0, ...s.nodes.map((u, i) => (u.lost ? 0 : Math.max(u.memoryBytes / report.nodes[i]!.allocatable.memoryBytes, u.cpuMillis / report.nodes[i]!.allocatable.cpuMillis))));
  let best = report.scenarios[0]!;
  for (const s of report.scenarios) {
    if (s.kind === 'surge') continue;
    if (s.unplaced.length > best.unplaced.length || (s.unplaced.length === best.unplaced.length && peak(s) > peak(best))) best = s;
  }
  return best.name;
}

/**
 * The budget of one cluster: its nodes (from the spec, through the shared node model), the platform
 * pods K3s and Flux run, and every workload of the rendered objects, scheduled in every scenario.
 * Pure: objects in, report out.
 */
export function budget(spec: LoadedSpec | ClusterSpec, inputs: readonly BudgetInput[], options: BudgetOptions = {}): BudgetReport {
  const cluster = isLoaded(spec) ? spec.cluster : spec;
  const loc: SpecLocation | undefined = isLoaded(spec) ? { file: spec.file, locate: spec.locate } : undefined;
  const body = cluster.spec;
  const nodes = budgetNodes(body);
  const extracted = extractWorkloads(body, inputs);
  const workloads: Workload[] = [...platformWorkloads(body, inputs), ...extracted.workloads];
  const { scenarios, findings: found, placement } = search(body, nodes, workloads, options, loc);
  const findings = sortFindings([...reservationFindings(body, loc?.file), ...extracted.findings, ...found]);
  return {
    version: BUDGET_REPORT_VERSION,
    cluster: cluster.metadata.name,
    verdict: findings.some((f) => f.severity === 'error') ? 'does-not-fit' : 'fits',
    settings: body.budget,
    nodes,
    workloads: workloads.map((w) => ({
      id: w.id,
      kind: w.kind,
      namespace: w.namespace,
      name: w.name,
      origin: w.origin,
      replicas: w.replicas,
      maxReplicas: w.maxReplicas,
      perNode: w.perNode,
      surge: w.surge,
      cpuMillis: w.pod.cpuMillis,
      memoryBytes: w.pod.memoryBytes,
      memoryLimitBytes: w.pod.memoryLimitBytes,
      hostPorts: w.pod.hostPorts,
      claims: w.claims,
      ...(w.citation ? { citation: w.citation } : {}),
      ...(w.source ? { file: w.source.file } : {}),
    })),
    placement,
    scenarios,
    worst: worstScenario({ nodes, scenarios }),
    findings,
  };
}

/** Plain objects (e.g. from parseBuiltObjects) as budget inputs. */
export function asInputs(objects: readonly Record<string, unknown>[]): BudgetInput[] {
  return objects.map((object) => ({ object }));
}

/** The budget as a stage of `pi-gitops validate`: `budgetCheck(spec)(builtObjects)` → findings. */
export function budgetCheck(spec: LoadedSpec | ClusterSpec, options: BudgetOptions = {}): ObjectCheck {
  return (objects: readonly BuiltObject[]): Finding[] => [...budget(spec, objects, options).findings];
}
