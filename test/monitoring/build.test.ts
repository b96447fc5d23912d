import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Container, PodSpec } from 'kubernetes-types/core/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kustomizeBuild } from '../../generator/io/kustomize.js';
import { renderRepository } from '../../generator/render/repository.js';
import { requiredSecrets } from '../../generator/render/secrets.js';
import type { LoadedSpec } from '../../generator/spec/types.js';
import { parseObjects, type K8sObject } from './_rendered.js';
import { exampleSpec } from './_spec.js';
import { haveTool } from './_tools.js';

const hasKubectl = haveTool('kubectl', ['version', '--client']);
const specs = { lab: exampleSpec('pi5-lab'), mini: exampleSpec('pi5-mini') };
const noTls = exampleSpec('pi5-lab', (t) => t.replace('tls: { mode: selfSigned }', 'tls: { mode: none }'));

async function build(spec: LoadedSpec, root: string): Promise<K8sObject[]> {
  for (const file of renderRepository([spec])) {
    mkdirSync(dirname(join(root, file.path)), { recursive: true });
    writeFileSync(join(root, file.path), file.content);
  }
  const result = await kustomizeBuild(root, `apps/${spec.cluster.metadata.name}/monitoring`);
  if (!result.yaml) throw new Error(`kustomize build failed: ${result.error}`);
  return parseObjects(result.yaml);
}

type Workload = K8sObject & { spec: { template: { metadata: { labels: Record<string, string> }; spec: PodSpec }; volumeClaimTemplates?: { spec: { storageClassName?: string } }[] } };
const workloads = (objects: K8sObject[]): Workload[] => objects.filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(o.kind)) as Workload[];
const containers = (pod: PodSpec): Container[] => [...(pod.initContainers ?? []), ...pod.containers];

describe.skipIf(!hasKubectl)('the monitoring overlay built with kubectl kustomize', () => {
  const built = new Map<string, K8sObject[]>();
  let dir = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pi-gitops-mon-'));
    built.set('lab', await build(specs.lab, join(dir, 'lab')));
    built.set('mini', await build(specs.mini, join(dir, 'mini')));
    built.set('noTls', await build(noTls, join(dir, 'notls')));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const name of ['lab', 'mini'] as const) {
    const spec = specs[name];
    const ns = spec.cluster.spec.monitoring.namespace;

    it(`${name}: puts the host-access DaemonSets alone in ${ns}-host and everything else in ${ns}`, () => {
      const objects = built.get(name)!;
      const namespaced = objects.filter((o) => !['Namespace', 'ClusterRole', 'ClusterRoleBinding'].includes(o.kind));
      expect(namespaced.every((o) => o.metadata.namespace === ns || o.metadata.namespace === `${ns}-host`)).toBe(true);
      expect(workloads(objects).filter((w) => w.metadata.namespace === `${ns}-host`).map((w) => w.metadata.name).sort()).toEqual(['alloy', 'node-exporter']);
      const labels = Object.fromEntries(objects.filter((o) => o.kind === 'Namespace').map((o) => [o.metadata.name, o.metadata.labels?.['pod-security.kubernetes.io/enforce']]));
      expect(labels).toEqual({ [ns]: 'restricted', [`${ns}-host`]: 'privileged' });
    });

    it(`${name}: gives every container requests and limits from the spec, probes and a pinned image`, () => {
      for (const w of workloads(built.get(name)!)) {
        for (const c of containers(w.spec.template.spec)) {
          const where = `${w.kind}/${w.metadata.name}/${c.name}`;
          expect(c.resources?.requests?.cpu, where).toBeDefined();
          expect(c.resources?.requests?.memory, where).toBeDefined();
          expect(c.resources?.limits?.cpu, where).toBeDefined();
          expect(c.resources?.limits?.memory, where).toBeDefined();
          expect(c.readinessProbe, where).toBeDefined();
          expect(c.livenessProbe, where).toBeDefined();
          expect(c.image, where).toMatch(/:v?\d+\.\d+\.\d+$/);
        }
      }
      const prometheus = workloads(built.get(name)!).find((w) => w.metadata.name === 'prometheus')!;
      expect(prometheus.spec.template.spec.containers[0]!.resources).toEqual({ requests: { cpu: '200m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } });
    });

    it(`${name}: runs the restricted namespace under Pod Security restricted`, () => {
      for (const w of workloads(built.get(name)!).filter((x) => x.metadata.namespace === ns)) {
        const pod = w.spec.template.spec;
        const where = `${w.kind}/${w.metadata.name}`;
        expect(pod.securityContext?.runAsNonRoot, where).toBe(true);
        expect(pod.securityContext?.seccompProfile?.type, where).toBe('RuntimeDefault');
        expect(pod.hostNetwork ?? false, where).toBe(false);
        expect(pod.hostPID ?? false, where).toBe(false);
        expect((pod.volumes ?? []).some((v) => v.hostPath), where).toBe(false);
        for (const c of containers(pod)) {
          expect(c.securityContext?.allowPrivilegeEscalation, where).toBe(false);
          expect(c.securityContext?.capabilities?.drop, where).toEqual(['ALL']);
          expect((c.ports ?? []).some((p) => p.hostPort), where).toBe(false);
        }
      }
    });

    it(`${name}: mounts the API token only into Prometheus and kube-state-metrics`, () => {
      const withToken = workloads(built.get(name)!).filter((w) => w.spec.template.spec.automountServiceAccountToken !== false).map((w) => w.metadata.name).sort();
      expect(withToken).toEqual(['kube-state-metrics', 'prometheus']);
    });

    it(`${name}: references only ConfigMaps it renders and Secrets the bootstrap creates`, () => {
      const objects = built.get(name)!;
      const configMaps = new Set(objects.filter((o) => o.kind === 'ConfigMap').map((o) => `${o.metadata.namespace}/${o.metadata.name}`));
      const secrets = new Set(requiredSecrets(spec.cluster).map((s) => `${s.namespace}/${s.name}`));
      for (const w of workloads(objects)) {
        const pod = w.spec.template.spec;
        for (const v of pod.volumes ?? []) {
          if (v.configMap) expect(configMaps.has(`${w.metadata.namespace}/${v.configMap.name}`), `${w.metadata.name}: ${v.configMap.name}`).toBe(true);
          if (v.secret && !v.secret.optional) expect(secrets.has(`${w.metadata.namespace}/${v.secret.secretName}`), v.secret.secretName).toBe(true);
        }
        for (const e of containers(pod).flatMap((c) => c.env ?? [])) {
          const ref = e.valueFrom?.secretKeyRef;
          if (ref) expect(secrets.has(`${w.metadata.namespace}/${ref.name}`), ref.name).toBe(true);
        }
      }
    });

    it(`${name}: selects every Service's pods and every StatefulSet volume on the spec's storage class`, () => {
      const objects = built.get(name)!;
      for (const svc of objects.filter((o) => o.kind === 'Service') as (K8sObject & { spec: { selector: Record<string, string> } })[]) {
        const match = workloads(objects).filter((w) => w.metadata.namespace === svc.metadata.namespace && Object.entries(svc.spec.selector).every(([k, v]) => w.spec.template.metadata.labels[k] === v));
        expect(match.length, svc.metadata.name).toBe(1);
      }
      for (const sts of workloads(objects).filter((w) => w.kind === 'StatefulSet')) {
        expect(sts.spec.volumeClaimTemplates?.[0]?.spec.storageClassName).toBe(spec.cluster.spec.platform.storage.className);
      }
    });

    it(`${name}: denies by default and opens only the documented paths`, () => {
      const policies = built.get(name)!.filter((o) => o.kind === 'NetworkPolicy');
      expect(policies.filter((p) => p.metadata.name === 'default-deny').map((p) => p.metadata.namespace).sort()).toEqual([ns, `${ns}-host`]);
      const prom = policies.find((p) => p.metadata.name === 'prometheus') as K8sObject & { spec: { egress: { ports: { port: number }[]; to: { ipBlock?: { cidr: string } }[] }[] } };
      const egressPorts = prom.spec.egress.flatMap((e) => e.ports.map((p) => p.port));
      for (const port of [6443, 9100, 10250, 8080]) expect(egressPorts).toContain(port);
      const nodeRule = prom.spec.egress.find((e) => e.ports.some((p) => p.port === 9100))!;
      expect(nodeRule.to.map((t) => t.ipBlock?.cidr)).toEqual(spec.cluster.spec.nodes.map((n) => `${n.address}/32`));
    });
  }

  it('lab: lets Prometheus reach the apps\' metrics ports, the exporters and InfluxDB', () => {
    const prom = built.get('lab')!.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'prometheus') as K8sObject & { spec: { egress: { ports: { port: number }[]; to: { namespaceSelector?: { matchLabels: Record<string, string> } }[] }[] } };
    const apps = prom.spec.egress.find((e) => e.to.some((t) => t.namespaceSelector?.matchLabels['kubernetes.io/metadata.name'] === 'iot'))!;
    expect(apps.ports.map((p) => p.port)).toEqual([8086, 9090, 9121, 9187]);
  });

  it('lab: lets Grafana reach only Prometheus, Loki and InfluxDB, and only Grafana, Alloy and Prometheus reach Loki', () => {
    type Peer = { podSelector?: { matchLabels: Record<string, string> }; namespaceSelector?: { matchLabels: Record<string, string> } };
    type Rule = { to?: Peer[]; from?: Peer[]; ports: { port: number }[] };
    const policy = (name: string, ns = 'monitoring'): { spec: { ingress?: Rule[]; egress?: Rule[] } } =>
      built.get('lab')!.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === name && o.metadata.namespace === ns) as unknown as { spec: { ingress?: Rule[]; egress?: Rule[] } };
    const peer = (p: Peer): string => `${p.namespaceSelector?.matchLabels['kubernetes.io/metadata.name'] ?? 'monitoring'}/${p.podSelector?.matchLabels['app.kubernetes.io/name'] ?? '*'}`;
    const flat = (rules: Rule[] | undefined, side: 'to' | 'from'): string[] => (rules ?? []).flatMap((r) => (r[side] ?? []).flatMap((p) => r.ports.map((port) => `${peer(p)}:${port.port}`))).sort();
    expect(flat(policy('grafana').spec.egress, 'to')).toEqual(['iot/influxdb:8086', 'monitoring/loki:3100', 'monitoring/prometheus:9090']);
    expect(flat(policy('grafana').spec.ingress, 'from')).toEqual(['kube-system/traefik:3000', 'monitoring/prometheus:3000']);
    expect(flat(policy('loki').spec.ingress, 'from')).toEqual(['monitoring-host/alloy:3100', 'monitoring/grafana:3100', 'monitoring/prometheus:3100']);
    expect(flat(policy('alloy', 'monitoring-host').spec.ingress, 'from')).toEqual(['monitoring/prometheus:12345']);
    expect(flat(policy('alloy', 'monitoring-host').spec.egress, 'to')).toEqual(['monitoring/loki:3100']);
  });

  it('serves Grafana through Traefik with a cert-manager certificate, and without one when TLS is off', () => {
    const ingress = built.get('lab')!.find((o) => o.kind === 'Ingress') as K8sObject & { spec: { ingressClassName: string; tls?: { hosts: string[] }[]; rules: { host: string }[] } };
    expect(ingress.spec.ingressClassName).toBe('traefik');
    expect(ingress.spec.rules[0]!.host).toBe('grafana.iot.local');
    expect(ingress.metadata.annotations?.['cert-manager.io/cluster-issuer']).toBe('pi-gitops-issuer');
    expect(ingress.spec.tls?.[0]?.hosts).toEqual(['grafana.iot.local']);
    const plain = built.get('noTls')!.find((o) => o.kind === 'Ingress') as K8sObject & { spec: { tls?: unknown } };
    expect(plain.spec.tls).toBeUndefined();
    expect(plain.metadata.annotations).toBeUndefined();
  });

  it('reads the Grafana admin password from a file of the bootstrap Secret, never a literal', () => {
    const grafana = workloads(built.get('lab')!).find((w) => w.metadata.name === 'grafana')!;
    const env = grafana.spec.template.spec.containers[0]!.env ?? [];
    expect(env.find((e) => e.name === 'GF_SECURITY_ADMIN_PASSWORD')).toBeUndefined();
    expect(env.find((e) => e.name === 'GF_SECURITY_ADMIN_PASSWORD__FILE')?.value).toBe('/etc/grafana/secrets/admin/admin-password');
    expect(env.find((e) => e.name === 'GF_SECURITY_ADMIN_USER')?.valueFrom?.secretKeyRef).toEqual({ name: 'grafana-admin', key: 'admin-user' });
  });

  it('sets Prometheus retention by time from the spec and by size below the volume', () => {
    const prometheus = workloads(built.get('lab')!).find((w) => w.metadata.name === 'prometheus')!;
    const args = prometheus.spec.template.spec.containers[0]!.args ?? [];
    expect(args).toContain('--storage.tsdb.retention.time=15d');
    const size = Number(/--storage.tsdb.retention.size=(\d+)MB/.exec(args.join(' '))?.[1]);
    expect(size).toBeGreaterThan(0);
    expect(size).toBeLessThan(20 * 1024);
  });
});
