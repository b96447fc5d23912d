import { describe, expect, it } from 'vitest';
import { memoryFs } from '../../generator/validate/fs.js';
import { checkReferences } from '../../generator/validate/references.js';
import { runValidation } from '../../generator/validate/run.js';
import { actionable, base, edit, expectNoStack, validateMemory } from './_tree.js';

const D = 'apps/lab/deployment.yaml';
const withVolume = (volume: string): Record<string, string> => edit([[D, '      containers:', `      volumes:\n${volume}\n      containers:`]]);

const ingress = (backend: string, tls = ''): string => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: iot
spec:
  rules:
    - host: web.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
${backend}${tls}`;

const certificate = `---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: web
  namespace: iot
spec:
  secretName: web-tls
  dnsNames: [web.example.com]
  issuerRef: { kind: ClusterIssuer, name: selfsigned }
`;
const clusterIssuer = '---\napiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata:\n  name: selfsigned\nspec:\n  selfSigned: {}\n';
const shim = (issuer: string): string => ingress('                name: web\n                port:\n                  number: 80\n', '  tls:\n    - hosts: [web.example.com]\n      secretName: web-tls\n').replace('  namespace: iot\n', `  namespace: iot\n  annotations:\n    cert-manager.io/cluster-issuer: ${issuer}\n`);

const cases: [string, Record<string, string>, string[]][] = [
  ['a dependsOn target that does not exist', edit([['clusters/lab/apps.yaml', '    - name: infra', '    - name: infrra']]), ['E_REF_DEPENDS_ON@clusters/lab/apps.yaml:8']],
  ['a dependsOn target in another namespace', edit([['clusters/lab/apps.yaml', '    - name: infra', '    - name: infra\n      namespace: other']]), ['E_REF_DEPENDS_ON@clusters/lab/apps.yaml:8']],
  ['a dependsOn cycle', edit([['clusters/lab/infra.yaml', 'spec:\n', 'spec:\n  dependsOn:\n    - name: apps\n']]), ['E_REF_CYCLE@clusters/lab/apps.yaml:7']],
  ['a Kustomization that depends on itself', edit([['clusters/lab/apps.yaml', '    - name: infra', '    - name: apps']]), ['E_REF_CYCLE@clusters/lab/apps.yaml:7']],
  ['a dangling GitRepository sourceRef', edit([['clusters/lab/apps.yaml', '    name: flux-system', '    name: flux-sys']]), ['E_REF_SOURCE@clusters/lab/apps.yaml:14']],
  ['a sourceRef of a kind that is not declared', edit([['clusters/lab/apps.yaml', '    kind: GitRepository', '    kind: OCIRepository']]), ['E_REF_SOURCE@clusters/lab/apps.yaml:14']],
  ['a HelmRelease whose HelmRepository is missing', edit([], { 'apps/lab/release.yaml': 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: redis\n  namespace: iot\nspec:\n  interval: 1h\n  chart:\n    spec:\n      chart: redis\n      version: 1.2.3\n      sourceRef:\n        kind: HelmRepository\n        name: charts\n' }), ['E_REF_SOURCE@apps/lab/release.yaml:14']],
  ['a Service selecting nothing', edit([['apps/lab/service.yaml', '    app: web', '    app: wbe']]), ['E_REF_SERVICE_SELECTOR@apps/lab/service.yaml:7']],
  ['a Service selecting pods of another namespace', edit([['apps/lab/service.yaml', '  namespace: iot', '  namespace: default']]), ['E_REF_SERVICE_SELECTOR@apps/lab/service.yaml:7']],
  ['a PodDisruptionBudget selecting nothing', edit([['apps/lab/policy.yaml', '      app: web', '      app: api']]), ['E_POLICY_PDB@apps/lab/deployment.yaml:7', 'E_REF_PDB_SELECTOR@apps/lab/policy.yaml:9']],
  ['a NetworkPolicy selecting nothing', edit([], { 'apps/lab/allow.yaml': 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow-web\n  namespace: iot\nspec:\n  podSelector:\n    matchLabels:\n      app: webb\n  ingress:\n    - {}\n' }), ['W_REF_NETPOL_SELECTOR@apps/lab/allow.yaml:7']],
  ['an HPA scaling a Deployment that does not exist', edit([], { 'apps/lab/hpa.yaml': 'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\n  namespace: iot\nspec:\n  minReplicas: 2\n  maxReplicas: 4\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: webb\n' }), ['E_REF_HPA_TARGET@apps/lab/hpa.yaml:12']],
  ['an envFrom ConfigMap that does not exist', edit([[D, '                name: web-config', '                name: web-cfg']]), ['E_REF_CONFIGMAP@apps/lab/deployment.yaml:36']],
  ['an env secretKeyRef to a missing Secret', edit([[D, '              value: info', '              value: info\n            - name: DB_PASSWORD\n              valueFrom:\n                secretKeyRef:\n                  name: db\n                  key: password']]), ['E_REF_SECRET@apps/lab/deployment.yaml:43']],
  ['a Secret volume that does not exist', withVolume('        - name: certs\n          secret:\n            secretName: web-certs'), ['E_REF_SECRET@apps/lab/deployment.yaml:31']],
  ['a PersistentVolumeClaim that does not exist', withVolume('        - name: data\n          persistentVolumeClaim:\n            claimName: web-data'), ['E_REF_PVC@apps/lab/deployment.yaml:31']],
  ['a projected ConfigMap that does not exist', withVolume('        - name: all\n          projected:\n            sources:\n              - configMap:\n                  name: extra'), ['E_REF_CONFIGMAP@apps/lab/deployment.yaml:33']],
  ['an imagePullSecret that does not exist', edit([[D, '      containers:', '      imagePullSecrets:\n        - name: regcred\n      containers:']]), ['E_REF_SECRET@apps/lab/deployment.yaml:29']],
  ['an Ingress backend Service that does not exist', edit([], { 'apps/lab/ingress.yaml': ingress('                name: api\n                port:\n                  number: 80\n') }), ['E_REF_INGRESS_BACKEND@apps/lab/ingress.yaml:15']],
  ['an Ingress backend port the Service does not have', edit([], { 'apps/lab/ingress.yaml': ingress('                name: web\n                port:\n                  number: 8080\n') }), ['E_REF_INGRESS_PORT@apps/lab/ingress.yaml:16']],
  ['an Ingress TLS Secret nobody creates', edit([], { 'apps/lab/ingress.yaml': ingress('                name: web\n                port:\n                  name: http\n', '  tls:\n    - hosts: [web.example.com]\n      secretName: web-tls\n') }), ['E_REF_SECRET@apps/lab/ingress.yaml:20']],
  ['a Certificate whose ClusterIssuer does not exist', edit([], { 'apps/lab/ingress.yaml': ingress('                name: web\n                port:\n                  number: 80\n', '  tls:\n    - hosts: [web.example.com]\n      secretName: web-tls\n') + certificate }), ['E_REF_ISSUER@apps/lab/ingress.yaml:30']],
  ['an Ingress annotated for a ClusterIssuer that does not exist', edit([], { 'apps/lab/ingress.yaml': shim('letsencrypt'), 'infra/lab/issuer.yaml': clusterIssuer }), ['E_REF_ISSUER@apps/lab/ingress.yaml:6']],
  ['the same object declared twice in a cluster', edit([], { 'apps/lab/zz-copy.yaml': base['apps/lab/configmap.yaml']! }), ['E_REF_DUPLICATE@apps/lab/zz-copy.yaml:4']],
  ['an object in a namespace nobody creates', edit([], { 'apps/lab/extra.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n  namespace: nope\ndata: {}\n' }), ['E_REF_NAMESPACE@apps/lab/extra.yaml:5']],
  ['a Flux targetNamespace nobody creates', edit([['clusters/lab/apps.yaml', '  prune: true', '  prune: true\n  targetNamespace: iot-apps']]), ['E_REF_NAMESPACE@clusters/lab/apps.yaml:12']],
];

describe('references stage: invalid corpus', () => {
  it.each(cases)('%s', async (_name, files, expected) => {
    const result = await validateMemory(files);
    expect(actionable(result)).toEqual(expected.sort());
    expectNoStack(result);
  });
});

describe('references stage: what counts as existing', () => {
  it('accepts optional references that are absent', async () => {
    const files = withVolume('        - name: certs\n          secret:\n            secretName: web-certs\n            optional: true');
    expect(actionable(await validateMemory(files))).toEqual([]);
  });

  it('accepts a TLS Secret created by a cert-manager Certificate', async () => {
    const files = edit([], { 'apps/lab/ingress.yaml': ingress('                name: web\n                port:\n                  number: 80\n', '  tls:\n    - hosts: [web.example.com]\n      secretName: web-tls\n') + certificate, 'infra/lab/issuer.yaml': clusterIssuer });
    expect(actionable(await validateMemory(files))).toEqual([]);
  });

  it('accepts a TLS Secret that cert-manager\'s ingress-shim creates for an annotated Ingress', async () => {
    expect(actionable(await validateMemory(edit([], { 'apps/lab/ingress.yaml': shim('selfsigned'), 'infra/lab/issuer.yaml': clusterIssuer })))).toEqual([]);
  });

  it('accepts Secrets the bootstrap creates (requiredSecrets), and only those', async () => {
    const result = await validateMemory(edit([[D, '              value: info', '              value: info\n            - name: DB_PASSWORD\n              valueFrom:\n                secretKeyRef:\n                  name: db\n                  key: password']]));
    expect(actionable(result)).toEqual(['E_REF_SECRET@apps/lab/deployment.yaml:43']);
    const deployment = { kind: 'Deployment', metadata: { name: 'x', namespace: 'iot' }, spec: { template: { metadata: { labels: {} }, spec: { containers: [{ name: 'x', env: [{ name: 'P', valueFrom: { secretKeyRef: { name: 'db', key: 'p' } } }] }] } } } };
    const objects = [{ object: { kind: 'Namespace', metadata: { name: 'iot' } }, fluxPath: 'apps' }, { object: deployment, fluxPath: 'apps' }];
    expect(checkReferences(objects, { externalSecrets: new Set(['iot/db']) })).toEqual([]);
    expect(checkReferences(objects, { externalSecrets: new Set(['other/db']) }).map((f) => f.code)).toEqual(['E_REF_SECRET']);
  });

  it('counts the GitRepository a FluxInstance with spec.sync creates, and not one without sync', async () => {
    const sync = base['clusters/lab/flux-system/gotk-sync.yaml']!;
    const withoutGitRepository = sync.slice(sync.indexOf('---\napiVersion: kustomize'));
    const fluxInstance = (withSync: boolean): string => `---\napiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata:\n  name: flux\n  namespace: flux-system\nspec:\n  distribution:\n    version: 2.9.4\n    registry: ghcr.io/fluxcd\n${withSync ? '  sync:\n    kind: GitRepository\n    url: ssh://git@github.com/example/fleet\n    ref: refs/heads/main\n    path: clusters/lab\n' : ''}`;
    const ok = await validateMemory({ ...base, 'clusters/lab/flux-system/gotk-sync.yaml': withoutGitRepository + fluxInstance(true) });
    expect(actionable(ok)).toEqual([]);
    const broken = await validateMemory({ ...base, 'clusters/lab/flux-system/gotk-sync.yaml': withoutGitRepository + fluxInstance(false) });
    expect(actionable(broken)).toEqual(['E_REF_SOURCE@clusters/lab/apps.yaml:14', 'E_REF_SOURCE@clusters/lab/flux-system/gotk-sync.yaml:13', 'E_REF_SOURCE@clusters/lab/infra.yaml:12']);
  });

  it('judges each cluster on its own objects', async () => {
    const files: Record<string, string> = { ...base };
    for (const [path, text] of Object.entries(base)) if (path.startsWith('clusters/lab/')) files[path.replace('clusters/lab/', 'clusters/edge/')] = text.replace('./clusters/lab', './clusters/edge').replace('./apps/lab', './apps/edge');
    files['apps/edge/configmap.yaml'] = base['apps/lab/configmap.yaml']!.replace('namespace: iot', 'namespace: edge');
    const result = await runValidation('/repo', { fs: memoryFs(files), kustomize: async () => { throw new Error('no kustomize here'); } });
    // apps/edge puts its ConfigMap in a namespace only apps/lab's cluster... neither creates: found once, in the edge cluster.
    expect(actionable(result)).toEqual(['E_REF_NAMESPACE@apps/edge/configmap.yaml:5']);
  });
});

describe('references stage: hints', () => {
  it('suggests the Kustomization a misspelt dependsOn meant', async () => {
    const result = await validateMemory(edit([['clusters/lab/apps.yaml', '    - name: infra', '    - name: infrra']]));
    expect(result.findings.find((f) => f.code === 'E_REF_DEPENDS_ON')?.hint).toBe('did you mean `infra`?');
  });
});
