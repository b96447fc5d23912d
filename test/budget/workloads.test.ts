import { describe, expect, it } from 'vitest';
import { asInputs, budget } from '../../generator/budget/index.js';
import { platformWorkloads } from '../../generator/budget/platform.js';
import { extractWorkloads } from '../../generator/budget/workloads.js';
import { MiB } from '../../generator/units/quantity.js';
import { daemonSet, deployment, hpa, makeSpec } from './fixtures.js';

const spec = makeSpec([{ memoryGiB: 8 }, { memoryGiB: 8 }, { memoryGiB: 8 }]);
const body = spec.cluster.spec;
const r = (cpu: string, memory: string, limit = memory) => ({ requests: { cpu, memory }, limits: { memory: limit } });

describe('workloads from rendered objects', () => {
  it('counts a pod as max(sum of app containers, largest init container) plus overhead', () => {
    const d = deployment('web', 'iot', r('100m', '128Mi'), 1) as { spec: { template: { spec: Record<string, unknown> } } };
    const pod = d.spec.template.spec;
    pod.containers = [...(pod.containers as object[]), { name: 'side', image: 'x:1', resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '64Mi' } } }];
    pod.initContainers = [{ name: 'migrate', image: 'x:1', resources: { requests: { cpu: '500m', memory: '100Mi' }, limits: { memory: '100Mi' } } }];
    pod.overhead = { cpu: '10m', memory: '8Mi' };
    const [w] = extractWorkloads(body, asInputs([d])).workloads;
    // cpu: max(100+50, 500) + 10 = 510m; memory: max(128+64, 100) + 8 = 200Mi.
    expect(w!.pod.cpuMillis).toBe(510);
    expect(w!.pod.memoryBytes).toBe(200 * MiB);
  });

  it('takes HPA minReplicas as steady and maxReplicas as worst case, and maxSurge 25 % rounded up', () => {
    const { workloads } = extractWorkloads(body, asInputs([deployment('api', 'iot', r('200m', '256Mi'), 7), hpa('api', 'iot', 3, 9)]));
    expect(workloads[0]).toMatchObject({ replicas: 3, maxReplicas: 9, surge: 1 });
  });

  it('warns about a container without requests or memory limit', () => {
    const d = deployment('bare', 'iot', r('100m', '64Mi'), 1) as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
    d.spec.template.spec.containers[0]!.resources = {};
    const { findings } = extractWorkloads(body, asInputs([d]));
    expect(findings.map((f) => [f.code, f.severity, f.message.split(' — ')[0]])).toEqual([['W_BUDGET_NO_REQUESTS', 'warning', 'bare: container bare has no cpu request, no memory request, no memory limit']]);
  });

  it('counts a HelmRelease by every resources.requests block in its values, with sibling replicas', () => {
    const release = {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: 'loki', namespace: 'monitoring' },
      spec: { values: { singleBinary: { replicas: 2, resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } } }, gateway: { enabled: false, resources: { requests: { memory: '1Gi' } } }, storage: { volumeClaimTemplate: { spec: { resources: { requests: { storage: '10Gi' } } } } }, 'prometheus-node-exporter': { resources: { requests: { cpu: '20m', memory: '32Mi' } } } } },
    };
    const { workloads, findings } = extractWorkloads(body, asInputs([release]));
    expect(findings).toEqual([]);
    expect(workloads.map((w) => [w.name, w.replicas, w.perNode, w.pod.memoryBytes / MiB, w.pod.memoryLimitBytes / MiB, w.pod.hostPorts])).toEqual([
      ['loki/prometheus-node-exporter', 1, true, 32, 32, ['TCP/9100']],
      ['loki/singleBinary', 2, false, 256, 512, []],
    ]);
  });

  it('prefers a declared footprint, and reports a HelmRelease with neither as unaccounted', () => {
    const footprint = JSON.stringify({ pods: [{ name: 'server', replicas: 3, requests: { cpu: '250m', memory: '1Gi' }, limits: { memory: '2Gi' } }] });
    const declared = { kind: 'HelmRelease', metadata: { name: 'db', namespace: 'iot', annotations: { 'pi-gitops.dev/footprint': footprint } }, spec: { values: {} } };
    const silent = { kind: 'HelmRelease', metadata: { name: 'mystery', namespace: 'iot' }, spec: { values: { image: { tag: '1' } } } };
    const broken = { kind: 'HelmRelease', metadata: { name: 'broken', namespace: 'iot', annotations: { 'pi-gitops.dev/footprint': '{"pods": [{"name": "x"}]}' } }, spec: {} };
    const { workloads, findings } = extractWorkloads(body, asInputs([declared, silent, broken]));
    expect(workloads.map((w) => [w.id, w.replicas, w.pod.cpuMillis, w.pod.memoryLimitBytes / MiB])).toEqual([['HelmRelease/iot/db:server', 3, 250, 2048]]);
    expect(findings.map((f) => [f.code, f.severity, f.path])).toEqual([
      ['E_BUDGET_UNACCOUNTED', 'error', 'HelmRelease/iot/mystery'],
      ['E_BUDGET_FOOTPRINT', 'error', 'HelmRelease/iot/broken.metadata.annotations'],
    ]);
  });

  it('binds StatefulSet claims of the local class and ignores other classes', () => {
    const sts = { kind: 'StatefulSet', metadata: { name: 'pg', namespace: 'iot' }, spec: { replicas: 1, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'pg', resources: r('1', '1Gi') }] } }, volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { storageClassName: 'local-ssd', resources: { requests: { storage: '20Gi' } } } }, { metadata: { name: 'nfs' }, spec: { storageClassName: 'nfs', resources: { requests: { storage: '1Gi' } } } }] } };
    const [w] = extractWorkloads(body, asInputs([sts])).workloads;
    expect(w!.claims.map((c) => [c.name, c.local, c.bytes / MiB])).toEqual([['data', true, 20480], ['nfs', false, 1024]]);
  });
});

describe('platform pods', () => {
  it('models K3s and Flux components with their cited requests, honouring k3s.disable', () => {
    const all = platformWorkloads(body, []);
    expect(all.map((w) => `${w.name} ${w.replicas} ${w.pod.cpuMillis}m ${w.pod.memoryBytes / MiB}Mi`)).toEqual([
      'coredns 1 100m 70Mi',
      'metrics-server 1 100m 70Mi',
      'local-path-provisioner 1 0m 0Mi',
      'traefik 1 0m 0Mi',
      'svclb-traefik 1 0m 0Mi',
      'source-controller 1 50m 64Mi',
      'kustomize-controller 1 100m 64Mi',
      'helm-controller 1 100m 64Mi',
      'notification-controller 1 100m 64Mi',
      'flux-operator 1 100m 64Mi',
    ]);
    expect(all.find((w) => w.name === 'traefik')!.citation).toContain("K3s's Traefik requests nothing");
    const fluxControllers = all.filter((w) => w.namespace === 'flux-system' && w.name !== 'flux-operator');
    expect(fluxControllers.reduce((a, w) => a + w.pod.cpuMillis, 0)).toBe(350);
    expect(fluxControllers.reduce((a, w) => a + w.pod.memoryBytes, 0)).toBe(256 * MiB);
    const lean = makeSpec([{ memoryGiB: 8 }], { k3s: { version: 'v1.36.1+k3s1', disable: ['servicelb', 'traefik', 'coredns'] } });
    expect(platformWorkloads(lean.cluster.spec, []).map((w) => w.name)).not.toEqual(expect.arrayContaining(['coredns']));
    expect(platformWorkloads(lean.cluster.spec, []).some((w) => w.name.startsWith('svclb') || w.name === 'traefik')).toBe(false);
  });

  it('models the Flux controllers the rendered FluxInstance lists, marking unknown figures [U]', () => {
    const instance = { apiVersion: 'fluxcd.controlplane.io/v1', kind: 'FluxInstance', metadata: { name: 'flux', namespace: 'flux-system' }, spec: { components: ['source-controller', 'kustomize-controller', 'image-reflector-controller'] } };
    const flux = platformWorkloads(body, asInputs([instance])).filter((w) => w.namespace === 'flux-system');
    expect(flux.map((w) => [w.name, w.pod.cpuMillis, w.citation?.startsWith('[U]') ?? false])).toEqual([
      ['source-controller', 50, false],
      ['kustomize-controller', 100, false],
      ['image-reflector-controller', 100, true],
      ['flux-operator', 100, false],
    ]);
  });

  it('reads Traefik replicas and requests from the rendered HelmChartConfig, and adds svclb for other LoadBalancers', () => {
    const config = { kind: 'HelmChartConfig', metadata: { name: 'traefik', namespace: 'kube-system' }, spec: { valuesContent: 'deployment:\n  replicas: 2\nresources:\n  requests: { cpu: 100m, memory: 64Mi }\n  limits: { memory: 192Mi }\n' } };
    const lb = { kind: 'Service', metadata: { name: 'mqtt', namespace: 'iot' }, spec: { type: 'LoadBalancer', ports: [{ port: 1883 }] } };
    const ws = platformWorkloads(body, asInputs([config, lb]));
    expect(ws.find((w) => w.name === 'traefik')).toMatchObject({ replicas: 2, pod: { cpuMillis: 100, memoryBytes: 64 * MiB, memoryLimitBytes: 192 * MiB } });
    expect(ws.find((w) => w.name === 'svclb-mqtt')).toMatchObject({ perNode: true, pod: { hostPorts: ['TCP/1883'] } });
  });

  it('reads scheduling constraints from Helm values: Traefik with a nodeSelector, hard spread, then required anti-affinity', () => {
    const base = 'deployment:\n  replicas: 3\nnodeSelector:\n  ingress: "true"\n';
    const spread = `${base}topologySpreadConstraints:\n  - maxSkew: 1\n    topologyKey: kubernetes.io/hostname\n    whenUnsatisfiable: DoNotSchedule\n    labelSelector: { matchLabels: { app.kubernetes.io/name: traefik } }\n`;
    const anti = `${base}affinity:\n  podAntiAffinity:\n    requiredDuringSchedulingIgnoredDuringExecution:\n      - topologyKey: kubernetes.io/hostname\n        labelSelector: { matchLabels: { app.kubernetes.io/name: traefik } }\n`;
    const config = (valuesContent: string) => ({ kind: 'HelmChartConfig', metadata: { name: 'traefik', namespace: 'kube-system' }, spec: { valuesContent } });
    const labelled = makeSpec([{ memoryGiB: 8, labels: { ingress: 'true' } }, { memoryGiB: 8, labels: { ingress: 'true' } }, { memoryGiB: 8 }], { budget: { nodeLossesTolerated: 0 } });
    // maxSkew 1 over the two labelled nodes allows 2 + 1; the unlabelled node gets none.
    const placed = budget(labelled, asInputs([config(spread)])).scenarios[0]!.placements!['Deployment/kube-system/traefik']!;
    expect(placed).toHaveLength(3);
    expect(new Set(placed)).toEqual(new Set(['node-00', 'node-01']));
    // Required anti-affinity allows one per node: the third replica cannot be placed.
    const f = budget(labelled, asInputs([config(anti)])).findings.find((x) => x.code === 'E_BUDGET_UNPLACEABLE')!;
    expect(f.path).toBe('Deployment/kube-system/traefik');
    expect(f.message).toContain('node-00, node-01 — InterPodAffinity: required anti-affinity with traefik');
    expect(f.message).toContain('node-02 — NodeAffinity: nodeSelector ingress=true does not match');
  });

  it('makes a second LoadBalancer on port 80 unplaceable, naming the hostPort on every node', () => {
    const lb = { kind: 'Service', metadata: { name: 'web', namespace: 'iot' }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } };
    const report = budget(spec, asInputs([lb]));
    const f = report.findings.find((x) => x.code === 'E_BUDGET_UNPLACEABLE')!;
    expect(f.message).toContain('svclb-web: one pod per node');
    expect(f.message).toContain('NodePorts: hostPort TCP/80 already in use');
  });

  it('node-exporter on hostNetwork 9100 can run once per node', () => {
    const twice = [daemonSet('node-exporter', 'monitoring', r('20m', '32Mi'), 9100), daemonSet('node-exporter-2', 'monitoring', r('20m', '32Mi'), 9100)];
    const report = budget(spec, asInputs(twice));
    expect(report.findings.filter((f) => f.code === 'E_BUDGET_UNPLACEABLE').map((f) => f.path)).toEqual(['DaemonSet/monitoring/node-exporter-2']);
  });
});
