import type { Finding } from '../findings.js';
import type { ClusterSpecBody } from '../spec/types.js';
import { memoryBytes, parseQuantity } from '../units/quantity.js';
import { arr, obj, str, strings, type Plain } from './_shape.js';
import { helmReleaseWorkloads } from './helm.js';
import { containerGaps, podShape } from './pod.js';
import type { ClaimDemand, Workload } from './types.js';

/** An object as the budget reads it; `BuiltObject` from generator/validate/types.ts fits this shape. */
export interface BudgetInput {
  readonly object: Record<string, unknown>;
  readonly source?: { readonly file: string; readonly position?: { readonly line: number; readonly column: number } };
}

interface Meta {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const K3S_LOCAL_PATH = 'local-path';
const LOCAL_PROVISIONER = 'rancher.io/local-path';

export interface Extraction {
  readonly workloads: Workload[];
  readonly findings: Finding[];
}

function meta(o: Record<string, unknown>): Meta {
  const m = obj(o.metadata);
  return { ...(str(m.name) !== undefined ? { name: str(m.name)! } : {}), ...(str(m.namespace) !== undefined ? { namespace: str(m.namespace)! } : {}), labels: strings(m.labels), annotations: strings(m.annotations) };
}

function finding(code: string, severity: Finding['severity'], message: string, input: BudgetInput | undefined, extra: Partial<Finding> = {}): Finding {
  return { stage: 'budget', code, severity, message, ...(input?.source ? { file: input.source.file, ...(input.source.position ? { position: input.source.position } : {}) } : {}), ...extra };
}

/** Storage classes whose volumes live on one node's SSD: local-path ones, K3s's own, and the spec's class. */
function storageModel(spec: ClusterSpecBody, inputs: readonly BudgetInput[]): { local: Set<string>; defaultClass?: string } {
  const local = new Set<string>();
  let defaultClass: string | undefined;
  if (!spec.k3s.disable.includes('local-storage')) {
    // K3s's local-path StorageClass is the default and WaitForFirstConsumer (FACTS.md: k3s manifests/local-storage.yaml).
    local.add(K3S_LOCAL_PATH);
    defaultClass = K3S_LOCAL_PATH;
  }
  local.add(spec.platform.storage.className);
  for (const { object } of inputs) {
    if (object.kind !== 'StorageClass') continue;
    const m = meta(object);
    if (!m.name) continue;
    if (object.provisioner === LOCAL_PROVISIONER) local.add(m.name);
    else local.delete(m.name);
    if (m.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true') defaultClass = m.name;
  }
  return { local, ...(defaultClass ? { defaultClass } : {}) };
}

function claimOf(pvc: unknown, name: string, perReplica: boolean, storage: ReturnType<typeof storageModel>): ClaimDemand {
  const spec = obj(obj(pvc).spec);
  const size = obj(obj(spec.resources).requests).storage;
  const storageClass = str(spec.storageClassName) ?? storage.defaultClass ?? '';
  const parsed = typeof size === 'string' || typeof size === 'number' ? parseQuantity(size) : undefined;
  return { name, perReplica, bytes: parsed !== undefined && Number.isFinite(parsed) && parsed >= 0 ? memoryBytes(size as string | number) : 0, storageClass, local: storage.local.has(storageClass) };
}

/** A replica count as Kubernetes reads it: a whole number ≥ 0, else the default. */
export function count(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : fallback;
}

/** The percentage or count form of maxSurge, against the replica count (default 25 %, rounded up — FACTS.md: HPA/rolling updates). */
export function surgeOf(value: unknown, replicas: number): number {
  if (typeof value === 'number') return count(value, 0);
  const pct = typeof value === 'string' && /^\d+%$/.test(value) ? Number(value.slice(0, -1)) : 25;
  return Math.ceil((replicas * pct) / 100);
}

/** Reads every workload of the rendered objects. Platform components K3s or the bootstrap install are added by platform.ts. */
export function extractWorkloads(spec: ClusterSpecBody, inputs: readonly BudgetInput[]): Extraction {
  const storage = storageModel(spec, inputs);
  const findings: Finding[] = [];
  const workloads: Workload[] = [];
  const pvcs = new Map<string, unknown>();
  const hpas = new Map<string, { min: number; max: number }>();
  for (const { object } of inputs) {
    const m = meta(object);
    if (object.kind === 'PersistentVolumeClaim') pvcs.set(`${m.namespace ?? ''}/${m.name ?? ''}`, object);
    if (object.kind === 'HorizontalPodAutoscaler') {
      const s = obj(object.spec);
      const target = obj(s.scaleTargetRef);
      if (typeof target.name === 'string') hpas.set(`${str(target.kind) ?? ''}/${m.namespace ?? ''}/${target.name}`, { min: count(s.minReplicas, 1), max: count(s.maxReplicas, count(s.minReplicas, 1)) });
    }
  }

  for (const input of inputs) {
    const { object } = input;
    const m = meta(object);
    const namespace = m.namespace ?? 'default';
    const id = `${String(object.kind)}/${namespace}/${m.name ?? ''}`;
    const s = obj(object.spec);
    let template: Plain | undefined;
    let replicas = 1;
    let perNode = false;
    let surge = 0;
    const claims: ClaimDemand[] = [];
    switch (object.kind) {
      case 'Deployment':
      case 'ReplicaSet':
      case 'StatefulSet': {
        template = obj(s.template);
        replicas = count(s.replicas, 1);
        if (object.kind === 'StatefulSet') {
          for (const t of arr(s.volumeClaimTemplates)) claims.push(claimOf(t, str(obj(obj(t).metadata).name) ?? '', true, storage));
        }
        break;
      }
      case 'DaemonSet':
        template = obj(s.template);
        perNode = true;
        break;
      case 'Job':
        template = obj(s.template);
        // A Job counts at its peak: `parallelism` pods at once (default 1).
        replicas = count(s.parallelism, 1);
        break;
      case 'CronJob': {
        const job = obj(obj(s.jobTemplate).spec);
        template = obj(job.template);
        replicas = count(job.parallelism, 1);
        break;
      }
      case 'Pod':
        template = { metadata: { labels: m.labels }, spec: object.spec };
        break;
      case 'HelmRelease': {
        const result = helmReleaseWorkloads(input);
        workloads.push(...result.workloads);
        findings.push(...result.findings);
        continue;
      }
      default:
        continue;
    }
    if (template === undefined || typeof template.spec !== 'object' || template.spec === null) continue;
    const podSpec = obj(template.spec);
    const hpa = hpas.get(`${String(object.kind)}/${namespace}/${m.name ?? ''}`);
    const steady = hpa ? hpa.min : replicas;
    if (object.kind === 'Deployment') {
      const strategy = obj(s.strategy);
      surge = strategy.type === 'Recreate' ? 0 : surgeOf(obj(strategy.rollingUpdate).maxSurge, steady);
    }
    for (const v of arr(podSpec.volumes)) {
      const claimName = str(obj(obj(v).persistentVolumeClaim).claimName);
      if (!claimName) continue;
      const pvc = pvcs.get(`${namespace}/${claimName}`);
      claims.push(pvc ? claimOf(pvc, claimName, false, storage) : { name: claimName, perReplica: false, bytes: 0, storageClass: '', local: false });
    }
    const gaps = containerGaps(podSpec);
    if (gaps.length > 0) {
      findings.push(
        finding('W_BUDGET_NO_REQUESTS', 'warning', `${m.name ?? id}: ${gaps.map((g) => `container ${g.container} has no ${g.missing.join(', no ')}`).join('; ')} — the budget counts what is set (0 for a missing request) and the node cannot protect its neighbours from it`, input, {
          path: id,
          hint: 'set resources.requests.cpu, resources.requests.memory and resources.limits.memory on every container',
        }),
      );
    }
    workloads.push({
      id,
      kind: String(object.kind),
      namespace,
      name: m.name ?? '',
      origin: 'manifest',
      pod: podShape(podSpec, namespace, strings(obj(template.metadata).labels)),
      replicas: steady,
      maxReplicas: hpa ? Math.max(hpa.max, steady) : steady,
      perNode,
      surge,
      claims,
      ...(input.source ? { source: input.source } : {}),
    });
  }
  return { workloads, findings };
}
