import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kustomizeBuild, type BuildResult } from '../../../generator/io/kustomize.js';
import { buildCluster, parseBuiltObjects } from '../../../generator/repo/flux-graph.js';
import { requiredSecrets } from '../../../generator/render/secrets.js';
import { renderRepository } from '../../../generator/render/repository.js';
import { layout } from '../../../generator/render/layout.js';
import type { LoadedSpec } from '../../../generator/spec/types.js';
import { exampleSpecs, writeTemp } from '../../helpers/examples.js';

/** Builds every Flux path this renderer owns for both example clusters with the real `kubectl kustomize`. */

type Obj = { kind: string; metadata: { name: string; namespace?: string }; spec?: any; data?: Record<string, string> };

let specs: LoadedSpec[];
let cleanup: () => Promise<void>;
let root: string;
let rendered: string[];
const built = new Map<string, BuildResult>();

function paths(cluster: string): string[] {
  return [layout.infraControllers(cluster), layout.infraConfigs(cluster), layout.apps(cluster)];
}

beforeAll(async () => {
  specs = await exampleSpecs();
  const files = renderRepository(specs);
  rendered = files.map((f) => f.path);
  const temp = await writeTemp(files);
  cleanup = temp.cleanup;
  root = temp.root;
  for (const spec of specs) for (const path of paths(spec.cluster.metadata.name)) built.set(path, await kustomizeBuild(temp.root, path));
});
afterAll(async () => cleanup?.());

function objects(path: string): Obj[] {
  const result = built.get(path);
  if (!result?.yaml) throw new Error(`${path} did not build: ${result?.error}`);
  return parseBuiltObjects(result.yaml) as unknown as Obj[];
}

describe.each(['pi5-lab', 'pi5-mini'])('the %s example', (cluster) => {
  it('builds every folder a Flux Kustomization points at, walking from clusters/<name> as Flux does', async () => {
    const walk = await buildCluster(root, layout.clusterDir(cluster));
    expect(walk.nodes.map((n) => n.name).sort()).toEqual(expect.arrayContaining(['apps', 'infra-configs', 'infra-controllers']));
    // The monitoring folder is another renderer's; until it is rendered in this tree it cannot build.
    const notRenderedHere = (path: string): boolean => !rendered.some((p) => p.startsWith(`${path}/`));
    const failed = walk.builds.filter((b) => b.error && !(b.path === layout.monitoring(cluster) && notRenderedHere(b.path)));
    expect(failed).toEqual([]);
    expect(walk.builds.length).toBeGreaterThanOrEqual(4);
  });

  it.each(['controllers', 'configs', 'apps'])('builds its %s path with kubectl kustomize', (which) => {
    const path = which === 'controllers' ? layout.infraControllers(cluster) : which === 'configs' ? layout.infraConfigs(cluster) : layout.apps(cluster);
    const result = built.get(path)!;
    expect(result.error).toBeUndefined();
    expect(parseBuiltObjects(result.yaml!).length).toBeGreaterThan(0);
  });

  it('runs the eight apps with their Services, ServiceAccounts and NetworkPolicies in the apps namespace', () => {
    const objs = objects(layout.apps(cluster));
    const names = (kind: string): string[] => objs.filter((o) => o.kind === kind).map((o) => o.metadata.name).sort();
    expect(names('Deployment')).toEqual(['analytics', 'api-service', 'data-ingestion', 'device-management']);
    expect(names('StatefulSet')).toEqual(['influxdb', 'mosquitto', 'postgresql', 'redis']);
    expect(names('Service')).toEqual(['analytics', 'api-service', 'data-ingestion', 'device-management', 'influxdb', 'mosquitto', 'postgresql', 'redis']);
    expect(names('ServiceAccount')).toEqual(names('Service'));
    expect(names('NetworkPolicy')).toContain('default-deny');
    expect(names('Ingress')).toEqual(['api-service']);
    expect(objs.every((o) => o.metadata.namespace === 'iot')).toBe(true);
  });

  it('gives every container requests, limits and the restricted security context', () => {
    for (const o of objects(layout.apps(cluster)).filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet')) {
      const pod = o.spec.template.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.automountServiceAccountToken).toBe(false);
      // Pod Security "restricted" allows only these volume types, and no host namespaces.
      for (const v of pod.volumes ?? []) expect(Object.keys(v).filter((k) => k !== 'name'), `${o.metadata.name} volume ${v.name}`).toEqual([expect.stringMatching(/^(configMap|csi|downwardAPI|emptyDir|ephemeral|persistentVolumeClaim|projected|secret)$/)]);
      expect([pod.hostNetwork, pod.hostPID, pod.hostIPC].filter(Boolean)).toEqual([]);
      for (const c of pod.containers) {
        expect(c.ports?.some((p: { hostPort?: number }) => p.hostPort) ?? false).toBe(false);
        expect(c.resources.requests.memory, `${o.metadata.name}/${c.name}`).toBeDefined();
        expect(c.resources.limits.memory, `${o.metadata.name}/${c.name}`).toBeDefined();
        expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true });
        expect(c.image, `${o.metadata.name}/${c.name}`).toMatch(/:[A-Za-z0-9_][A-Za-z0-9_.-]*$/);
        expect(c.image).not.toMatch(/bitnami|:latest$/);
      }
    }
  });

  it('puts every StatefulSet volume on the SSD storage class, sized from the spec', () => {
    const spec = specs.find((s) => s.cluster.metadata.name === cluster)!.cluster.spec;
    for (const o of objects(layout.apps(cluster)).filter((o) => o.kind === 'StatefulSet')) {
      const [claim] = o.spec.volumeClaimTemplates;
      expect(claim.spec.storageClassName).toBe(spec.platform.storage.className);
      expect(claim.spec.resources.requests.storage).toBe(`${spec.apps[o.metadata.name]!.persistence!.sizeGiB}Gi`);
    }
  });

  it('references only Secrets the bootstrap creates, with keys it fills', () => {
    const spec = specs.find((s) => s.cluster.metadata.name === cluster)!.cluster;
    const known = new Map(requiredSecrets(spec).map((s) => [s.name, new Set(s.keys.map((k) => k.key))]));
    const refs: [string, string | undefined][] = [];
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) return value.forEach(walk);
      if (value === null || typeof value !== 'object') return;
      const v = value as Record<string, any>;
      if (v.secretKeyRef) refs.push([v.secretKeyRef.name, v.secretKeyRef.key]);
      if (v.secret?.secretName) (v.secret.items ?? [{ key: undefined }]).forEach((i: any) => refs.push([v.secret.secretName, i.key]));
      if (v.secret?.name) (v.secret.items ?? [{ key: undefined }]).forEach((i: any) => refs.push([v.secret.name, i.key]));
      Object.values(v).forEach(walk);
    };
    objects(layout.apps(cluster)).forEach(walk);
    expect(refs.length).toBeGreaterThan(5);
    for (const [name, key] of refs) {
      expect(known.has(name), `Secret ${name}`).toBe(true);
      if (key) expect(known.get(name)!.has(key), `Secret ${name} key ${key}`).toBe(true);
    }
  });

  it('labels the apps namespace for restricted Pod Security and pins cert-manager from the spec', () => {
    const objs = objects(layout.infraControllers(cluster));
    const ns = objs.find((o) => o.kind === 'Namespace' && o.metadata.name === 'iot') as any;
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    const release = objs.find((o) => o.kind === 'HelmRelease')!;
    expect(release.spec.chart.spec.version).toBe('v1.19.1');
    for (const part of [release.spec.values, release.spec.values.webhook, release.spec.values.cainjector, release.spec.values.startupapicheck]) {
      expect(part.resources.requests).toBeDefined();
      expect(part.resources.limits).toBeDefined();
    }
    expect(objs.find((o) => o.kind === 'HelmChartConfig')!.metadata).toEqual({ name: 'traefik', namespace: 'kube-system' });
  });

  it('renders the SSD StorageClass and the pi-gitops-issuer CA chain', () => {
    const objs = objects(layout.infraConfigs(cluster));
    const sc = objs.find((o) => o.kind === 'StorageClass') as any;
    expect(sc).toMatchObject({ metadata: { name: 'local-ssd' }, provisioner: 'rancher.io/local-path', volumeBindingMode: 'WaitForFirstConsumer', reclaimPolicy: 'Retain' });
    expect(objs.filter((o) => o.kind === 'ClusterIssuer').map((o) => o.metadata.name).sort()).toEqual(['pi-gitops-issuer', 'pi-gitops-selfsigned-root']);
    expect(objs.find((o) => o.kind === 'Certificate')!.spec.isCA).toBe(true);
  });
});
