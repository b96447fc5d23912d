import { describe, expect, it } from 'vitest';
import { asInputs, budget, budgetCheck } from '../../generator/budget/index.js';
import { platformWorkloads } from '../../generator/budget/platform.js';
import type { BuiltObject } from '../../generator/validate/types.js';
import { deployment, makeSpec, statefulSet } from './fixtures.js';

// Lean platform so the figures below are easy to follow: only Flux (5 pods, 450m/320Mi) is modelled.
const lean = { k3s: { version: 'v1.36.1+k3s1', disable: ['coredns', 'servicelb', 'traefik', 'local-storage', 'metrics-server'] } };
const r = (cpu: string, memory: string, limit = memory) => ({ requests: { cpu, memory }, limits: { memory: limit } });
const codes = (objects: Record<string, unknown>[], spec = makeSpec([{ memoryGiB: 8 }, { memoryGiB: 8 }], lean)): string[] =>
  budget(spec, asInputs(objects)).findings.map((f) => f.code);

describe('budget findings', () => {
  it('E_BUDGET_OVERCOMMIT: memory limits above 1.5 × allocatable on a node', () => {
    // An 8 GB node has 5,944Mi (server) or 7,244Mi (agent) allocatable → limits may reach 8.7Gi or 10.6Gi.
    // One pod with a 12Gi limit on a 100Mi request exceeds either, wherever it lands.
    const spec = makeSpec([{ memoryGiB: 8 }, { memoryGiB: 8 }], lean);
    const report = budget(spec, asInputs([deployment('leaky', 'iot', r('10m', '100Mi', '12Gi'), 1)]));
    const f = report.findings.find((x) => x.code === 'E_BUDGET_OVERCOMMIT')!;
    expect(f.message).toMatch(/^node-0[01]: memory limits add up to 1\d(\.\d)?Gi in steady state, \d\.\d\d × allocatable (5\.8|7\.1)Gi; above 1\.5 × \((8\.7|10\.6)Gi\) the OOM killer is likely to fire$/);
    expect(f).toMatchObject({ file: 'clusters/test/cluster.yaml', path: expect.stringMatching(/^spec\.nodes\[[01]\]$/), position: { line: expect.any(Number) } });
  });

  it('E_BUDGET_STORAGE: local volumes on a node above the SSD size less the reserve', () => {
    // 64 GiB SSDs − 20 GiB reserve = 44 GiB; a 50 GiB local volume does not fit on any node.
    const spec = makeSpec([{ memoryGiB: 8, sizeGiB: 64 }, { memoryGiB: 8, sizeGiB: 64 }], lean);
    const report = budget(spec, asInputs([statefulSet('tsdb', 'iot', r('100m', '512Mi'), 50, 'local-ssd')]));
    expect(report.findings.filter((f) => f.code === 'E_BUDGET_STORAGE').map((f) => f.message)).toEqual([
      'node-01: local volumes bound here claim 50Gi, more than the SSD\'s 44Gi left after spec.budget.storageReserveGiB (20Gi)',
    ]);
  });

  it('E_BUDGET_SINGLE_NODE: replicas with nothing keeping them apart, or sharing one local volume', () => {
    const loose = deployment('loose', 'iot', r('10m', '64Mi'), 2) as { spec: { template: { spec: Record<string, unknown> } } };
    delete loose.spec.template.spec.topologySpreadConstraints;
    expect(codes([loose])).toEqual(['E_BUDGET_SINGLE_NODE']);
    expect(codes([deployment('spread', 'iot', r('10m', '64Mi'), 2)])).toEqual([]);
    // 3 × 3 CPU cannot share one node (3.8 CPU at most): the scheduler cannot put them all together.
    const big = deployment('big', 'iot', r('3', '64Mi'), 3) as { spec: { template: { spec: Record<string, unknown> } } };
    delete big.spec.template.spec.topologySpreadConstraints;
    expect(codes([big], makeSpec([{ memoryGiB: 8 }, { memoryGiB: 8 }, { memoryGiB: 8 }], lean))).not.toContain('E_BUDGET_SINGLE_NODE');
    const shared = deployment('shared', 'iot', r('10m', '64Mi'), 2) as { spec: { template: { spec: Record<string, unknown> } } };
    shared.spec.template.spec.volumes = [{ name: 'data', persistentVolumeClaim: { claimName: 'shared-data' } }];
    const pvc = { kind: 'PersistentVolumeClaim', metadata: { name: 'shared-data', namespace: 'iot' }, spec: { storageClassName: 'local-path', resources: { requests: { storage: '1Gi' } } } };
    const report = budget(makeSpec([{ memoryGiB: 8 }, { memoryGiB: 8 }]), asInputs([shared, pvc]));
    const single = report.findings.filter((f) => f.code === 'E_BUDGET_SINGLE_NODE');
    expect(single.map((f) => f.message)).toEqual(['shared: its 2 replicas share the local-path volume shared-data, which binds them all to the node it lands on']);
    // The spread asks for two nodes, the volume for one: the second replica cannot be placed either.
    expect(report.findings.find((f) => f.code === 'E_BUDGET_UNPLACEABLE')!.message).toContain('VolumeBinding');
  });

  it('W_BUDGET_SURGE: a rolling update that cannot place its extra pod is a warning', () => {
    // Two 4 GB nodes (server 1,848Mi, agent 3,148Mi); one 2,900Mi replica fits only the agent; its surge pod fits nowhere.
    const spec = makeSpec([{ memoryGiB: 4 }, { memoryGiB: 4 }], { ...lean, budget: { headroomPercent: 100, nodeLossesTolerated: 0, limitOvercommit: 3 } });
    const report = budget(spec, asInputs([deployment('fat', 'iot', r('10m', '2900Mi'), 1)]));
    const surge = report.findings.filter((f) => f.code === 'W_BUDGET_SURGE');
    expect(surge).toHaveLength(1);
    expect(surge[0]!.severity).toBe('warning');
    expect(surge[0]!.message).toMatch(/^fat: 1 × 2\.8Gi\/10m requested; during its rolling update \(maxSurge\), 1 of 1 pods cannot be placed/);
  });

  it('counts a Job and a CronJob at their peak (parallelism) and honours required node affinity', () => {
    const job = { kind: 'Job', metadata: { name: 'backfill', namespace: 'iot' }, spec: { parallelism: 3, template: { spec: { containers: [{ name: 'x', resources: r('100m', '1Gi') }] } } } };
    const cron = { kind: 'CronJob', metadata: { name: 'backup', namespace: 'iot' }, spec: { jobTemplate: { spec: { template: { spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-00'] }] }] } } }, containers: [{ name: 'x', resources: r('100m', '512Mi') }] } } } } } };
    const report = budget(makeSpec([{ memoryGiB: 8 }, { memoryGiB: 8 }], lean), asInputs([job, cron]));
    expect(report.workloads.filter((w) => w.origin === 'manifest').map((w) => [w.id, w.replicas])).toEqual([['Job/iot/backfill', 3], ['CronJob/iot/backup', 1]]);
    expect(report.scenarios[0]!.placements!['CronJob/iot/backup']).toEqual(['node-00']);
    const lost = report.scenarios.find((s) => s.lostNode === 'node-00')!;
    expect(lost.unplaced.find((u) => u.workload === 'CronJob/iot/backup')!.rejections.map((x) => x.filter)).toEqual(['NodeLost', 'NodeAffinity']);
  });

  it('refuses a 111th pod on a node (kubelet max-pods 110)', () => {
    const spec = makeSpec([{ memoryGiB: 16, role: 'server' }], { ...lean, budget: { nodeLossesTolerated: 0 } });
    const many = deployment('many', 'iot', r('1m', '1Mi'), 110) as { spec: { template: { spec: Record<string, unknown> } } };
    delete many.spec.template.spec.topologySpreadConstraints;
    const report = budget(spec, asInputs([many]));
    // Five Flux pods + 105 fit; the last five are refused for pod count.
    const unplaced = report.scenarios[0]!.unplaced;
    expect(unplaced).toHaveLength(5);
    expect(unplaced[0]!.rejections[0]!.detail).toBe('Too many pods (110 max)');
  });

  it('handles an absurd replica count without building billions of pods', () => {
    const spec = makeSpec([{ memoryGiB: 8 }, { memoryGiB: 8 }], { ...lean, budget: { nodeLossesTolerated: 0 } });
    const huge = deployment('huge', 'iot', r('1m', '1Mi'), 2_147_483_647);
    const report = budget(spec, asInputs([huge]), { surge: false });
    const f = report.findings.find((x) => x.code === 'E_BUDGET_UNPLACEABLE')!;
    // Two nodes hold 220 pods at most; five are Flux, so 215 replicas land and 2,147,483,432 cannot (the simulation stops at 221 pods).
    expect(f.message).toMatch(/^huge: 2147483647 × 1Mi\/1m requested; in steady state, 2147483432 of 2147483647 pods cannot be placed — /);
  });

  it('does not model a platform component twice when the repository installs it', () => {
    const spec = makeSpec([{ memoryGiB: 8 }]);
    const release = { kind: 'HelmRelease', metadata: { name: 'flux-operator', namespace: 'flux-system' }, spec: { values: { resources: { requests: { cpu: '100m', memory: '64Mi' } } } } };
    expect(platformWorkloads(spec.cluster.spec, asInputs([release])).map((w) => w.name)).not.toContain('flux-operator');
  });

  it('budgetCheck is an ObjectCheck: built objects in, findings with their source file and position out', () => {
    const spec = makeSpec([{ memoryGiB: 8 }, { memoryGiB: 8 }], lean);
    const bare = deployment('bare', 'iot', r('10m', '64Mi'), 1) as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
    bare.spec.template.spec.containers[0]!.resources = {};
    const objects: BuiltObject[] = [{ object: bare as Record<string, unknown>, fluxPath: 'apps/test', source: { file: 'apps/base/bare/deployment.yaml', position: { line: 3, column: 1 } } }];
    const findings = budgetCheck(spec)(objects);
    expect(findings.map((f) => [f.stage, f.code, f.file, f.position])).toEqual([['budget', 'W_BUDGET_NO_REQUESTS', 'apps/base/bare/deployment.yaml', { line: 3, column: 1 }]]);
  });
});
