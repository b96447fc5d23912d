import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asInputs, budget, budgetCheck } from '../../generator/budget/index.js';
import { deployment, makeSpec, type NodeInput } from './fixtures.js';

interface W {
  replicas: number;
  memoryMi: number;
  cpu: number;
  spread: boolean;
}

const nodeArb = fc.constantFrom<NodeInput['memoryGiB']>(4, 8, 16);
// A replicated workload always spreads (otherwise E_BUDGET_SINGLE_NODE fails it whatever the nodes).
const workloadArb = fc
  .record({ replicas: fc.integer({ min: 1, max: 4 }), memoryMi: fc.integer({ min: 32, max: 3000 }), cpu: fc.integer({ min: 10, max: 1500 }), spread: fc.boolean() })
  .map((w) => ({ ...w, spread: w.spread || w.replicas > 1 }));
const clusterArb = fc.record({ nodes: fc.array(nodeArb, { minLength: 2, maxLength: 5 }), workloads: fc.array(workloadArb, { minLength: 1, maxLength: 8 }) });

const specCache = new Map<string, ReturnType<typeof makeSpec>>();
function specOf(nodes: readonly NodeInput['memoryGiB'][]): ReturnType<typeof makeSpec> {
  const key = nodes.join(',');
  let spec = specCache.get(key);
  if (!spec) {
    spec = makeSpec(nodes.map((memoryGiB) => ({ memoryGiB })));
    specCache.set(key, spec);
  }
  return spec;
}

function objects(workloads: readonly W[]): Record<string, unknown>[] {
  return workloads.map((w, i) => {
    const d = deployment(`app-${i}`, 'iot', { requests: { cpu: `${w.cpu}m`, memory: `${w.memoryMi}Mi` }, limits: { memory: `${w.memoryMi}Mi` } }, w.replicas);
    if (!w.spread) delete (d as { spec: { template: { spec: Record<string, unknown> } } }).spec.template.spec.topologySpreadConstraints;
    return d;
  });
}

const fits = (nodes: readonly NodeInput['memoryGiB'][], workloads: readonly W[]): boolean => budget(specOf(nodes), asInputs(objects(workloads))).verdict === 'fits';

describe('budget properties', () => {
  it('adding a node at least as large as the others never turns a fitting cluster into a failing one', () => {
    fc.assert(
      fc.property(clusterArb, nodeArb, ({ nodes, workloads }, extra) => {
        fc.pre(fits(nodes, workloads));
        expect(fits([...nodes, Math.max(extra, ...nodes) as NodeInput['memoryGiB']], workloads)).toBe(true);
      }),
      { numRuns: Number(process.env.BUDGET_PROPERTY_RUNS ?? 100), ...(process.env.BUDGET_PROPERTY_RUNS ? {} : { seed: 20261125 }) },
    );
  });

  // Packing is NP-hard and the budget schedules greedily (with a small portfolio of orders and scorings,
  // see budget/index.ts `search`), so a raised request can, rarely, reshuffle a failing cluster into a
  // placement that fits. Measured on 1,500 random clusters: 3 of ~490 failing ones. The property is
  // therefore checked as a rate: at most 2 % of failing clusters may turn fitting when a request rises.
  it('raising a request turns a failing cluster into a fitting one in at most 2 % of random clusters', () => {
    const samples = fc.sample(fc.tuple(clusterArb, fc.nat(), fc.integer({ min: 1, max: 2000 })), { numRuns: 300, seed: 20261125 });
    let failing = 0;
    const violations: unknown[] = [];
    for (const [{ nodes, workloads }, pick, raise] of samples) {
      if (fits(nodes, workloads)) continue;
      failing++;
      const i = pick % workloads.length;
      const raised = workloads.map((w, j) => (j === i ? { ...w, memoryMi: w.memoryMi + raise } : w));
      if (fits(nodes, raised)) violations.push({ nodes, workloads, i, raise });
    }
    expect(failing).toBeGreaterThan(100);
    expect(violations.length / failing).toBeLessThanOrEqual(0.02);
  });

  it('a raised request on a single-pod cluster that fails keeps failing (strict, small clusters)', () => {
    fc.assert(
      fc.property(fc.array(nodeArb, { minLength: 2, maxLength: 4 }), workloadArb, fc.integer({ min: 1, max: 4000 }), (nodes, w, raise) => {
        fc.pre(!fits(nodes, [w]));
        expect(fits(nodes, [{ ...w, memoryMi: w.memoryMi + raise, cpu: w.cpu }])).toBe(false);
      }),
      { numRuns: 100, seed: 20261125 },
    );
  });

  it('adding a smaller node can break a fit under hard topology spread — as in Kubernetes', () => {
    // 3 × 2,391Mi with maxSkew 1 on two 16 GB nodes: 2 + 1. Add a 4 GB agent (3,148Mi allocatable) and
    // DoNotSchedule spread forces one replica onto it, above the 80 % headroom (2,518Mi). The budget
    // reports it rather than hiding it; the strict property above is for nodes at least as large.
    const w = [{ replicas: 3, memoryMi: 2391, cpu: 10, spread: true }];
    expect(fits([16, 16], w)).toBe(true);
    expect(fits([16, 16, 4], w)).toBe(false);
  });

  it('is deterministic: the same objects in any order give the same scenarios and findings', () => {
    fc.assert(
      fc.property(clusterArb, fc.nat(), ({ nodes, workloads }, seed) => {
        const objs = objects(workloads);
        const shuffled = [...objs].sort((a, b) => ((JSON.stringify(a).length * 31 + seed) % 7) - ((JSON.stringify(b).length * 31 + seed) % 7));
        const a = budget(specOf(nodes), asInputs(objs));
        const b = budget(specOf(nodes), asInputs(shuffled));
        expect(b.scenarios).toEqual(a.scenarios);
        expect(b.findings).toEqual(a.findings);
        expect(JSON.stringify(budget(specOf(nodes), asInputs(objs)))).toBe(JSON.stringify(a));
      }),
      { numRuns: 60, seed: 20261125 },
    );
  });
});

describe('budget on unchecked shapes', () => {
  it('never throws, whatever the objects look like (kinds it reads, fields of any type)', () => {
    const spec = makeSpec([{ memoryGiB: 8 }, { memoryGiB: 8 }]);
    const anyValue = fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.boolean(), fc.array(fc.jsonValue(), { maxLength: 3 }), fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }));
    const quantity = fc.oneof(fc.constantFrom('100m', '-1', '1Gi', '1e3', 'x', '', '-5Mi'), fc.integer(), anyValue);
    const container = fc.record({ name: fc.oneof(fc.string(), anyValue), resources: fc.oneof(anyValue, fc.record({ requests: fc.oneof(anyValue, fc.record({ cpu: quantity, memory: quantity })), limits: fc.oneof(anyValue, fc.record({ memory: quantity })) })), ports: fc.oneof(anyValue, fc.array(fc.record({ containerPort: anyValue, hostPort: anyValue }), { maxLength: 2 })) }, { requiredKeys: [] });
    const podSpec = fc.record({ containers: fc.oneof(anyValue, fc.array(container, { maxLength: 2 })), initContainers: fc.oneof(anyValue, fc.array(container, { maxLength: 2 })), tolerations: anyValue, nodeSelector: anyValue, affinity: anyValue, topologySpreadConstraints: anyValue, volumes: anyValue, overhead: anyValue, hostNetwork: anyValue }, { requiredKeys: [] });
    const object = fc.record({
      kind: fc.constantFrom('Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod', 'ReplicaSet', 'HelmRelease', 'HorizontalPodAutoscaler', 'PersistentVolumeClaim', 'StorageClass', 'Service', 'HelmChartConfig', 'FluxInstance'),
      metadata: fc.oneof(anyValue, fc.record({ name: anyValue, namespace: anyValue, labels: anyValue, annotations: fc.oneof(anyValue, fc.record({ 'pi-gitops.dev/footprint': fc.oneof(fc.string(), fc.jsonValue().map((v) => JSON.stringify(v))) })) }, { requiredKeys: [] })),
      spec: fc.oneof(anyValue, fc.record({ replicas: anyValue, template: fc.oneof(anyValue, fc.record({ metadata: anyValue, spec: fc.oneof(anyValue, podSpec) }, { requiredKeys: [] })), values: anyValue, valuesContent: fc.oneof(fc.string(), anyValue), components: anyValue, type: fc.constantFrom('LoadBalancer', 'ClusterIP'), ports: anyValue, scaleTargetRef: anyValue, minReplicas: anyValue, maxReplicas: anyValue, volumeClaimTemplates: anyValue, jobTemplate: anyValue, strategy: anyValue, parallelism: anyValue, resources: anyValue }, { requiredKeys: [] })),
    }, { requiredKeys: ['kind'] });
    fc.assert(
      fc.property(fc.array(object, { maxLength: 6 }), (objects) => {
        const check = budgetCheck(spec);
        expect(() => check(objects.map((o) => ({ object: o as Record<string, unknown>, fluxPath: 'x' })))).not.toThrow();
      }),
      { numRuns: Number(process.env.BUDGET_FUZZ_RUNS ?? 300), ...(process.env.BUDGET_FUZZ_RUNS ? {} : { seed: 20261125 }) },
    );
  });
});
