import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { loadSpec } from '../../generator/spec/load.js';
import type { AppSpec, ClusterSpecBody, LoadedSpec, Resources } from '../../generator/spec/types.js';

/** Loads an example spec through the real loader (schema defaults applied). */
export function example(name: string): LoadedSpec {
  const file = `clusters/${name}/cluster.yaml`;
  const { spec, findings } = loadSpec(file, readFileSync(file, 'utf8'));
  if (!spec) throw new Error(`${file}: ${JSON.stringify(findings)}`);
  return spec;
}

export interface NodeInput {
  readonly memoryGiB: 1 | 2 | 4 | 8 | 16;
  readonly role?: 'server' | 'agent';
  readonly name?: string;
  readonly sizeGiB?: number;
  readonly taints?: readonly { key: string; value?: string; effect: string }[];
  readonly labels?: Record<string, string>;
}

/** A spec written as YAML and loaded through the real loader, so defaults come from the schema. */
export function makeSpec(nodes: readonly NodeInput[], spec: Record<string, unknown> = {}): LoadedSpec {
  const doc = {
    apiVersion: 'pi-gitops.dev/v1alpha1',
    kind: 'Cluster',
    metadata: { name: 'test' },
    spec: {
      domain: 'test.local',
      git: { url: 'ssh://git@example.com/x/y.git', branch: 'main' },
      k3s: { version: 'v1.36.1+k3s1' },
      nodes: nodes.map((n, i) => ({
        name: n.name ?? (i === 0 && (n.role ?? 'server') === 'server' ? 'node-00' : `node-${String(i).padStart(2, '0')}`),
        address: `192.168.9.${10 + i}`,
        role: n.role ?? (i === 0 ? 'server' : 'agent'),
        memoryGiB: n.memoryGiB,
        storage: { device: '/dev/nvme0n1p1', mountPath: '/mnt/ssd', sizeGiB: n.sizeGiB ?? 256 },
        ...(n.taints ? { taints: n.taints } : {}),
        ...(n.labels ? { labels: n.labels } : {}),
      })),
      monitoring: { enabled: false },
      apps: { probe: { type: 'mosquitto', version: '2.0.22', resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '32Mi' } }, persistence: { sizeGiB: 1 } } },
      ...spec,
    },
  };
  const { spec: loaded, findings } = loadSpec('clusters/test/cluster.yaml', stringify(doc));
  if (!loaded) throw new Error(JSON.stringify(findings, null, 2));
  return loaded;
}

type Obj = Record<string, unknown>;

function container(name: string, r: Resources, ports: { containerPort: number; hostPort?: number }[] = []): Obj {
  return { name, image: `example/${name}:1`, resources: { requests: { ...r.requests }, limits: { ...r.limits } }, ...(ports.length > 0 ? { ports } : {}) };
}

function spreadOf(name: string): Obj[] {
  return [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { 'app.kubernetes.io/name': name } } }];
}

export function deployment(name: string, namespace: string, r: Resources, replicas: number, extra: Obj = {}): Obj {
  const labels = { 'app.kubernetes.io/name': name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [container(name, r)], topologySpreadConstraints: spreadOf(name), ...extra } } },
  };
}

export function statefulSet(name: string, namespace: string, r: Resources, sizeGiB: number, storageClassName: string): Obj {
  const labels = { 'app.kubernetes.io/name': name };
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace },
    spec: {
      replicas: 1,
      serviceName: name,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [container(name, r)] } },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName, resources: { requests: { storage: `${sizeGiB}Gi` } } } }],
    },
  };
}

export function daemonSet(name: string, namespace: string, r: Resources, hostPort?: number): Obj {
  const labels = { 'app.kubernetes.io/name': name };
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace },
    spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { ...(hostPort ? { hostNetwork: true } : {}), containers: [container(name, r, hostPort ? [{ containerPort: hostPort, hostPort }] : [])] } } },
  };
}

export function hpa(name: string, namespace: string, min: number, max: number): Obj {
  return { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name, namespace }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name }, minReplicas: min, maxReplicas: max } };
}

function appObjects(name: string, app: AppSpec, spec: ClusterSpecBody): Obj[] {
  const ns = spec.namespace;
  if (app.type !== 'service') return [statefulSet(name, ns, app.resources, app.persistence?.sizeGiB ?? 1, spec.platform.storage.className)];
  const replicas = app.autoscale ? app.autoscale.min : (app.replicas ?? 1);
  return [deployment(name, ns, app.resources, replicas), ...(app.autoscale ? [hpa(name, ns, app.autoscale.min, app.autoscale.max)] : [])];
}

/**
 * An object set shaped like what the apps, monitoring and platform renderers produce from a spec
 * (Deployments with hostname spread and HPAs, StatefulSets with local volumes, the monitoring
 * stack with node-exporter on hostPort 9100, Traefik's HelmChartConfig). It keeps the budget's
 * tests meaningful whatever the renderers look like on a given day.
 */
export function syntheticObjects(spec: ClusterSpecBody): Obj[] {
  const out: Obj[] = [];
  for (const [name, app] of Object.entries(spec.apps)) out.push(...appObjects(name, app, spec));
  if (spec.monitoring.enabled) {
    const m = spec.monitoring.resources;
    const ns = spec.monitoring.namespace;
    const cls = spec.platform.storage.className;
    out.push(statefulSet('prometheus', ns, m.prometheus, spec.monitoring.storageGiB, cls), statefulSet('loki', ns, m.loki, spec.monitoring.logStorageGiB, cls));
    out.push(deployment('grafana', ns, m.grafana, 1), deployment('kube-state-metrics', ns, m.kubeStateMetrics, 1));
    out.push(daemonSet('alloy', ns, m.alloy), daemonSet('node-exporter', ns, m.nodeExporter, 9100));
  }
  const ingress = spec.platform.ingress;
  out.push({
    apiVersion: 'helm.cattle.io/v1',
    kind: 'HelmChartConfig',
    metadata: { name: 'traefik', namespace: 'kube-system' },
    spec: { valuesContent: stringify({ deployment: { replicas: ingress.replicas }, resources: ingress.resources }) },
  });
  return out;
}

/** Six 4 GB Pis carrying the old setup's sizes. */
export function oldSetupOnSix4GbPis(): LoadedSpec {
  const res = (cpu: string, memory: string) => ({ requests: { cpu, memory }, limits: { cpu: '1', memory } });
  const svc = (memory: string, extra: object) => ({ type: 'service', image: 'ghcr.io/example/x', version: '1.0.0', port: 8080, resources: res('200m', memory), ...extra });
  return makeSpec(Array.from({ length: 6 }, () => ({ memoryGiB: 4 as const })), {
    apps: {
      influxdb: { type: 'influxdb', version: '2.7.12', resources: res('250m', '2Gi'), persistence: { sizeGiB: 50 } },
      'data-ingestion': svc('1Gi', { replicas: 2 }),
      'api-service': svc('1Gi', { replicas: 2 }),
      'device-management': svc('512Mi', { replicas: 2 }),
      analytics: svc('1Gi', { autoscale: { min: 1, max: 3, targetCPU: 75 } }),
      postgresql: { type: 'postgresql', version: '17.6', resources: res('250m', '1Gi'), persistence: { sizeGiB: 20 } },
      redis: { type: 'redis', version: '7.4.6', resources: res('100m', '512Mi'), persistence: { sizeGiB: 5 } },
      mosquitto: { type: 'mosquitto', version: '2.0.22', resources: res('50m', '256Mi'), persistence: { sizeGiB: 2 } },
    },
    monitoring: { enabled: true, resources: { prometheus: res('200m', '2Gi'), grafana: res('50m', '512Mi'), loki: res('100m', '1Gi') } },
  });
}
