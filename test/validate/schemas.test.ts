import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../generator/findings.js';
import { buildCluster, parseBuiltObjects } from '../../generator/repo/flux-graph.js';
import type { BuiltObject } from '../../generator/validate/types.js';
import { checkObjectSchemas, createSchemaCheck, preloadSchemaValidators, SchemaStore, schemaKubernetesVersion, type SchemaFiles } from '../../generator/validate/schemas/index.js';

const valid = parseBuiltObjects(readFileSync('test/validate/fixtures/schemas-valid.yaml', 'utf8'));

/** A deep copy of the valid fixture object of that kind (and name), for one mutation. */
function fixture(kind: string, name?: string): Record<string, any> {
  const found = valid.find((o) => o.kind === kind && (name === undefined || (o.metadata as { name: string }).name === name));
  if (!found) throw new Error(`no fixture ${kind} ${name ?? ''}`);
  return structuredClone(found) as Record<string, any>;
}

function check(object: Record<string, unknown>, source?: BuiltObject['source']): Finding[] {
  return checkObjectSchemas([{ object, fluxPath: 'apps/pi5-lab', ...(source ? { source } : {}) }]);
}

describe('schemas stage: valid objects', () => {
  it('accepts every hand-written object of the kinds the generator renders', () => {
    // Given 42 realistic objects (restricted pods, StatefulSet claims, HPA v2, Flux, K3s, cert-manager, Prometheus Operator, Traefik, FluxInstance)
    expect(valid.length).toBeGreaterThanOrEqual(42);
    // When / Then
    expect(checkObjectSchemas(valid.map((object) => ({ object, fluxPath: 'x' })))).toEqual([]);
  });

  it('accepts the rendered pi5-lab tree as kustomize builds it', async () => {
    // Given the committed example repository, built by the real kubectl kustomize
    const build = await buildCluster('.', 'clusters/pi5-lab');
    const objects: BuiltObject[] = build.builds.flatMap((b) => (b.yaml ? parseBuiltObjects(b.yaml).map((object) => ({ object, fluxPath: b.path })) : []));
    // Then the entry builds, carries the FluxInstance, and nothing fails its schema
    expect(build.builds[0]?.error).toBeUndefined();
    expect(objects.map((o) => o.object.kind)).toContain('FluxInstance');
    expect(checkObjectSchemas(objects)).toEqual([]);
  });

  it('keeps open maps open: HelmRelease values, labels, annotations, ConfigMap data', () => {
    const release = fixture('HelmRelease');
    release.spec.values = { deeply: { nested: [{ whatever: true, n: 1.5 }] }, 'dotted.key': null };
    release.metadata.labels = { 'app.kubernetes.io/name': 'kps', any: 'thing' };
    const configMap = fixture('ConfigMap');
    configMap.data = { 'anything.yaml': 'a: 1', other: '' };
    expect([...check(release), ...check(configMap)]).toEqual([]);
  });

  it('leaves whole-value Flux postBuild variables to kustomize-controller, unless told they were substituted', () => {
    const deployment = fixture('Deployment');
    deployment.spec.replicas = '${api_replicas}';
    deployment.spec.template.spec.containers[0].imagePullPolicy = '${pull_policy:=IfNotPresent}';
    expect(check(deployment)).toEqual([]);
    expect(createSchemaCheck({ allowFluxVariables: false })([{ object: deployment, fluxPath: 'x' }]).map((f) => `${f.code} ${f.path}`)).toEqual([
      'E_SCHEMA_TYPE spec.replicas',
      'E_SCHEMA_ENUM spec.template.spec.containers[0].imagePullPolicy',
    ]);
    deployment.metadata.labels = { 'pi-gitops/cluster': '${cluster_name}' };
    expect(check(deployment)).toEqual([]);
    deployment.spec.replicas = 'two ${api_replicas}';
    expect(check(deployment)).toMatchObject([{ code: 'E_SCHEMA_TYPE', path: 'spec.replicas' }]);
  });

  it('accepts RBAC path-segment names and prefixed label keys', () => {
    const role = fixture('ClusterRole');
    role.metadata.name = 'system:pi-gitops:node-reader';
    role.metadata.labels = { 'rbac.authorization.k8s.io/aggregate-to-view': 'true', 'app.kubernetes.io/part-of': '' };
    expect(check(role)).toEqual([]);
  });

  it('accepts Quantity and IntOrString as numbers or strings, and explicit nulls', () => {
    const deployment = fixture('Deployment');
    deployment.spec.template.spec.containers[0].resources.limits = { cpu: 0.5, memory: 268435456 };
    deployment.spec.strategy.rollingUpdate = { maxSurge: 1, maxUnavailable: '10%' };
    deployment.spec.template.spec.nodeSelector = null;
    expect(check(deployment)).toEqual([]);
  });
});

interface Case {
  readonly name: string;
  readonly object: () => Record<string, unknown>;
  readonly expect: readonly Partial<Finding>[];
}

const invalid: readonly Case[] = [
  {
    name: 'unknown top-level field',
    object: () => ({ ...fixture('Service'), specs: {} }),
    expect: [{ code: 'E_SCHEMA_UNKNOWN_FIELD', path: 'specs', hint: 'did you mean "spec"?' }],
  },
  {
    name: 'unknown field in metadata',
    object: () => { const o = fixture('ConfigMap'); o.metadata.lables = { a: 'b' }; return o; },
    expect: [{ code: 'E_SCHEMA_UNKNOWN_FIELD', path: 'metadata.lables', hint: 'did you mean "labels"?' }],
  },
  {
    name: 'replicas misspelt as replica in a Deployment spec',
    object: () => { const o = fixture('Deployment'); o.spec.replica = o.spec.replicas; delete o.spec.replicas; return o; },
    expect: [{ code: 'E_SCHEMA_UNKNOWN_FIELD', path: 'spec.replica', found: 'replica', hint: 'did you mean "replicas"?' }],
  },
  {
    name: 'unknown field in a pod spec',
    object: () => { const o = fixture('StatefulSet'); o.spec.template.spec.hostnetwork = true; return o; },
    expect: [{ code: 'E_SCHEMA_UNKNOWN_FIELD', path: 'spec.template.spec.hostnetwork', hint: 'did you mean "hostNetwork"?' }],
  },
  {
    name: 'imagePullPolicyy in a container',
    object: () => { const o = fixture('Deployment'); o.spec.template.spec.containers[0].imagePullPolicyy = 'Always'; return o; },
    expect: [{ code: 'E_SCHEMA_UNKNOWN_FIELD', path: 'spec.template.spec.containers[0].imagePullPolicyy', hint: 'did you mean "imagePullPolicy"?' }],
  },
  {
    name: 'resource instead of resources in a CronJob container',
    object: () => { const o = fixture('CronJob'); o.spec.jobTemplate.spec.template.spec.containers[0].resource = {}; return o; },
    expect: [{ code: 'E_SCHEMA_UNKNOWN_FIELD', path: 'spec.jobTemplate.spec.template.spec.containers[0].resource', hint: 'did you mean "resources"?' }],
  },
  {
    name: 'unknown field at probe depth',
    object: () => { const o = fixture('Deployment'); o.spec.template.spec.containers[0].livenessProbe.httpGet.pathh = '/'; return o; },
    expect: [{ code: 'E_SCHEMA_UNKNOWN_FIELD', path: 'spec.template.spec.containers[0].livenessProbe.httpGet.pathh', hint: 'did you mean "path"?' }],
  },
  {
    name: 'unknown field in an init container securityContext',
    object: () => { const o = fixture('Deployment'); o.spec.template.spec.initContainers[0].securityContext = { runAsNonroot: true }; return o; },
    expect: [{ code: 'E_SCHEMA_UNKNOWN_FIELD', path: 'spec.template.spec.initContainers[0].securityContext.runAsNonroot', hint: 'did you mean "runAsNonRoot"?' }],
  },
  {
    name: 'replicas as a string',
    object: () => { const o = fixture('Deployment'); o.spec.replicas = '2'; return o; },
    expect: [{ code: 'E_SCHEMA_TYPE', path: 'spec.replicas', expected: 'integer', found: 'string "2"' }],
  },
  {
    name: 'replicas as a fraction',
    object: () => { const o = fixture('StatefulSet'); o.spec.replicas = 1.5; return o; },
    expect: [{ code: 'E_SCHEMA_TYPE', path: 'spec.replicas', expected: 'integer', found: 'number 1.5' }],
  },
  {
    name: 'containerPort as a string',
    object: () => { const o = fixture('Deployment'); o.spec.template.spec.containers[0].ports[0].containerPort = '8080'; return o; },
    expect: [{ code: 'E_SCHEMA_TYPE', path: 'spec.template.spec.containers[0].ports[0].containerPort', expected: 'integer' }],
  },
  {
    name: 'valuesContent as a map instead of a YAML string',
    object: () => { const o = fixture('HelmChartConfig'); o.spec.valuesContent = { deployment: { replicas: 1 } }; return o; },
    expect: [{ code: 'E_SCHEMA_TYPE', path: 'spec.valuesContent', expected: 'string', found: 'object' }],
  },
  {
    name: 'imagePullPolicy outside its enum',
    object: () => { const o = fixture('Deployment'); o.spec.template.spec.containers[0].imagePullPolicy = 'Sometimes'; return o; },
    expect: [{ code: 'E_SCHEMA_ENUM', path: 'spec.template.spec.containers[0].imagePullPolicy', expected: 'Always, IfNotPresent, Never' }],
  },
  {
    name: 'Service type in the wrong case',
    object: () => { const o = fixture('Service'); o.spec.type = 'Loadbalancer'; return o; },
    expect: [{ code: 'E_SCHEMA_ENUM', path: 'spec.type', hint: 'did you mean "LoadBalancer"?' }],
  },
  {
    name: 'PVC access mode that does not exist',
    object: () => { const o = fixture('PersistentVolumeClaim'); o.spec.accessModes = ['ReadWriteOnly']; return o; },
    expect: [{ code: 'E_SCHEMA_ENUM', path: 'spec.accessModes[0]' }],
  },
  {
    name: 'CronJob concurrencyPolicy in lower case',
    object: () => { const o = fixture('CronJob'); o.spec.concurrencyPolicy = 'forbid'; return o; },
    expect: [{ code: 'E_SCHEMA_ENUM', path: 'spec.concurrencyPolicy', hint: 'did you mean "Forbid"?' }],
  },
  {
    name: 'container without an image (API server rule added by the override file)',
    object: () => { const o = fixture('Job'); delete o.spec.template.spec.containers[0].image; return o; },
    expect: [{ code: 'E_SCHEMA_REQUIRED', path: 'spec.template.spec.containers[0].image' }],
  },
  {
    name: 'container without a name',
    object: () => { const o = fixture('DaemonSet'); delete o.spec.template.spec.containers[0].name; return o; },
    expect: [{ code: 'E_SCHEMA_REQUIRED', path: 'spec.template.spec.containers[0].name' }],
  },
  {
    name: 'Flux Kustomization without prune',
    object: () => { const o = fixture('Kustomization'); delete o.spec.prune; return o; },
    expect: [{ code: 'E_SCHEMA_REQUIRED', path: 'spec.prune' }],
  },
  {
    name: 'Certificate issuerRef without a name',
    object: () => { const o = fixture('Certificate'); delete o.spec.issuerRef.name; return o; },
    expect: [{ code: 'E_SCHEMA_REQUIRED', path: 'spec.issuerRef.name' }],
  },
  {
    name: 'HelmRelease valueFrom typo next to the open values map',
    object: () => { const o = fixture('HelmRelease'); o.spec.valueFrom = o.spec.valuesFrom; delete o.spec.valuesFrom; return o; },
    expect: [{ code: 'E_SCHEMA_UNKNOWN_FIELD', path: 'spec.valueFrom', hint: 'did you mean "valuesFrom"?' }],
  },
  {
    name: 'FluxInstance with a typo in cluster',
    object: () => { const o = fixture('FluxInstance'); o.spec.cluster.sise = 'small'; delete o.spec.cluster.size; return o; },
    expect: [{ code: 'E_SCHEMA_UNKNOWN_FIELD', path: 'spec.cluster.sise', hint: 'did you mean "size"?' }],
  },
  {
    name: 'FluxInstance with a size outside its enum',
    object: () => { const o = fixture('FluxInstance'); o.spec.cluster.size = 'tiny'; return o; },
    expect: [{ code: 'E_SCHEMA_ENUM', path: 'spec.cluster.size', expected: 'small, medium, large' }],
  },
  {
    name: 'fractional retries in a HelmRelease (CRD int64)',
    object: () => { const o = fixture('HelmRelease'); o.spec.install.remediation.retries = 2.5; return o; },
    expect: [{ code: 'E_SCHEMA_TYPE', path: 'spec.install.remediation.retries', expected: 'integer' }],
  },
  {
    name: 'Flux interval with a space (CRD duration pattern)',
    object: () => { const o = fixture('Kustomization'); o.spec.interval = '10 m'; return o; },
    expect: [{ code: 'E_SCHEMA_PATTERN', path: 'spec.interval', found: 'string "10 m"' }],
  },
  {
    name: 'Flux source timeout in hours (sources accept ms, s, m only)',
    object: () => { const o = fixture('GitRepository'); o.spec.timeout = '1h'; return o; },
    expect: [{ code: 'E_SCHEMA_PATTERN', path: 'spec.timeout', hint: 'expected a Go duration such as 60s or 5m (units ms, s, m; hours are not accepted here)' }],
  },
  {
    name: 'scp-like Git URL that source-controller rejects',
    object: () => { const o = fixture('GitRepository'); o.spec.url = 'git@github.com:example/pi-fleet.git'; return o; },
    expect: [{ code: 'E_SCHEMA_PATTERN', path: 'spec.url', expected: 'an http://, https:// or ssh:// URL (scp-like git@host:org/repo is not accepted: write ssh://git@host/org/repo)' }],
  },
  {
    name: 'removed apiVersion (apps/v1beta1)',
    object: () => ({ ...fixture('Deployment'), apiVersion: 'apps/v1beta1' }),
    expect: [{ code: 'E_SCHEMA_MISSING', path: 'apiVersion', expected: 'apps/v1', found: 'apps/v1beta1' }],
  },
  {
    name: 'Flux beta API removed in Flux 2.8',
    object: () => ({ ...fixture('HelmRelease'), apiVersion: 'helm.toolkit.fluxcd.io/v2beta1' }),
    expect: [{ code: 'E_SCHEMA_MISSING', path: 'apiVersion', expected: 'helm.toolkit.fluxcd.io/v2' }],
  },
  {
    name: 'a kind nobody declared',
    object: () => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }),
    expect: [{ code: 'E_SCHEMA_MISSING', path: 'apiVersion', found: 'example.com/v1' }],
  },
  {
    name: 'apiVersion as a number',
    object: () => ({ ...fixture('ConfigMap'), apiVersion: 1 }),
    expect: [{ code: 'E_SCHEMA_TYPE', path: 'apiVersion', expected: 'string', found: 'number' }],
  },
  {
    name: 'a CRD whose schema uses a fractional minimum is accepted, its typo is not',
    object: () => ({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { kind: 'Widget', plural: 'widgets' },
        versions: [{
          name: 'v1', served: true, storage: true,
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { ratio: { type: 'number', minimum: 0.5 } } } },
        }],
        conversion: { strategy: 'None' },
        preserveUnknownField: false,
      },
    }),
    expect: [{ code: 'E_SCHEMA_UNKNOWN_FIELD', path: 'spec.preserveUnknownField', hint: 'did you mean "preserveUnknownFields"?' }],
  },
  {
    name: 'object without metadata (the API server requires a name)',
    object: () => { const o = fixture('ConfigMap'); delete o.metadata; return o; },
    expect: [{ code: 'E_SCHEMA_REQUIRED', path: 'metadata' }],
  },
  {
    name: 'Deployment name with upper case and an underscore',
    object: () => { const o = fixture('Deployment'); o.metadata.name = 'API_Server'; return o; },
    expect: [{ code: 'E_SCHEMA_NAME', path: 'metadata.name', found: 'API_Server' }],
  },
  {
    name: 'Service name with a dot (Services need a DNS-1123 label)',
    object: () => { const o = fixture('Service'); o.metadata.name = 'api.v2'; return o; },
    expect: [{ code: 'E_SCHEMA_NAME', path: 'metadata.name' }],
  },
  {
    name: 'pod template label value with a space',
    object: () => { const o = fixture('Deployment'); o.spec.template.metadata.labels.tier = 'back end'; return o; },
    expect: [{ code: 'E_SCHEMA_LABEL', path: 'spec.template.metadata.labels.tier', found: 'back end' }],
  },
  {
    name: 'an object without kind',
    object: () => { const o = fixture('ConfigMap'); delete o.kind; return o; },
    expect: [{ code: 'E_SCHEMA_REQUIRED', path: 'kind' }],
  },
];

describe('schemas stage: invalid objects', () => {
  it.each(invalid)('$name', ({ object, expect: expected }) => {
    const findings = check(object());
    expect(findings).toHaveLength(expected.length);
    findings.forEach((finding, i) => {
      expect(finding).toMatchObject({ stage: 'schemas', severity: 'error', ...expected[i] });
    });
  });

  it('names the object, the file and the position the object came from', () => {
    const o = fixture('Deployment');
    o.spec.replica = 1;
    const [finding] = check(o, { file: 'apps/base/api/deployment.yaml', position: { line: 2, column: 1 } });
    expect(finding).toMatchObject({ file: 'apps/base/api/deployment.yaml', position: { line: 2, column: 1 }, path: 'spec.replica' });
    expect(finding?.message).toBe('Deployment/iot/api: spec.replica: unknown field "replica"');
  });

  it('names the schema Kubernetes version when an unknown field has no near match', () => {
    const o = fixture('Deployment');
    o.spec.template.spec.somethingFromKubernetes136 = true;
    expect(check(o)).toMatchObject([{
      code: 'E_SCHEMA_UNKNOWN_FIELD',
      path: 'spec.template.spec.somethingFromKubernetes136',
      hint: `not a field of this object in the Kubernetes ${schemaKubernetesVersion()} / CRD schema`,
    }]);
  });

  it('reports every problem of an object, not only the first', () => {
    const o = fixture('Deployment');
    o.spec.replicas = 'two';
    o.spec.template.spec.containers[0].imagePullPolicyy = 'Always';
    o.spec.template.spec.containers[0].ports[0].protocol = 'TCPP';
    expect(check(o).map((f) => `${f.code} ${f.path}`).sort()).toEqual([
      'E_SCHEMA_ENUM spec.template.spec.containers[0].ports[0].protocol',
      'E_SCHEMA_TYPE spec.replicas',
      'E_SCHEMA_UNKNOWN_FIELD spec.template.spec.containers[0].imagePullPolicyy',
    ]);
  });

  it('reports a built document that is not an object instead of throwing', () => {
    const findings = checkObjectSchemas([{ object: ['a'] as unknown as Record<string, unknown>, fluxPath: 'apps/x' }]);
    expect(findings).toMatchObject([{ code: 'E_SCHEMA_NOT_OBJECT', file: 'apps/x' }]);
  });
});

describe('schemas stage: versions and caching', () => {
  it('says when the cluster runs a newer Kubernetes than the schemas describe', () => {
    const version = schemaKubernetesVersion();
    expect(version).toMatch(/^1\.\d+$/);
    const newer = `v1.${Number(version.split('.')[1]) + 1}.2+k3s1`;
    const findings = createSchemaCheck({ kubernetesVersion: newer })([]);
    expect(findings).toMatchObject([{ code: 'I_SCHEMA_VERSION_GAP', severity: 'info', expected: newer, found: version }]);
    expect(createSchemaCheck({ kubernetesVersion: `v${version}.0` })([])).toEqual([]);
  });

  it('loads the precompiled validators once, on first use, and finds each kind in them', () => {
    const loads: string[] = [];
    const read = (file: string): unknown => (loads.push(file), JSON.parse(readFileSync(`schemas/k8s/${file}`, 'utf8')));
    const store = new SchemaStore({
      index: () => read('index.json') as ReturnType<SchemaFiles['index']>,
      bundle: () => read('definitions.json') as ReturnType<SchemaFiles['bundle']>,
      validators: (family) => (loads.push(`validators/${family}.cjs`), createRequire(import.meta.url)(`../../schemas/k8s/validators/${family}.cjs`)),
    });
    const first = store.validator('v1', 'Service');
    expect(typeof first).toBe('function');
    expect(store.validator('v1', 'Service')).toBe(first);
    expect(store.validator('apps/v1', 'Deployment')).not.toBe(first);
    expect(store.validator('v1', 'Nope')).toBeUndefined();
    expect(typeof store.validator('helm.toolkit.fluxcd.io/v2', 'HelmRelease')).toBe('function');
    expect(typeof store.validator('fluxcd.controlplane.io/v1', 'FluxInstance')).toBe('function');
    // Only the families used are loaded; the definitions bundle is only read to explain an error.
    expect(loads).toEqual(['index.json', 'validators/kubernetes.cjs', 'validators/flux.cjs']);
    const service = fixture('Service');
    service.spec.selectr = {};
    expect(createSchemaCheck({ store })([{ object: service, fluxPath: 'x' }])).toMatchObject([{ hint: 'did you mean "selector"?' }]);
    expect(loads).toEqual(['index.json', 'validators/kubernetes.cjs', 'validators/flux.cjs', 'definitions.json']);
  });

  it('preloads Kubernetes and Flux, and then the families of the objects it is given, each once; kinds without a schema load nothing', () => {
    const loads: string[] = [];
    const store = new SchemaStore({
      index: () => JSON.parse(readFileSync('schemas/k8s/index.json', 'utf8')) as ReturnType<SchemaFiles['index']>,
      bundle: () => { throw new Error('the bundle is only read to explain an error'); },
      validators: (family) => (loads.push(family), createRequire(import.meta.url)(`../../schemas/k8s/validators/${family}.cjs`)),
    });
    preloadSchemaValidators([], store);
    expect(loads).toEqual(['kubernetes', 'flux']);
    preloadSchemaValidators([
      { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer' },
      { apiVersion: 'cert-manager.io/v1', kind: 'Certificate' },
      { apiVersion: 'helm.cattle.io/v1', kind: 'HelmChartConfig' },
      { apiVersion: 'example.com/v1', kind: 'Widget' },
      { apiVersion: 'v1', kind: 42 },
      { kind: 'Service' },
    ], store);
    expect(loads).toEqual(['kubernetes', 'flux', 'cert-manager.io', 'helm.cattle.io']);
  });
});
