import { describe, expect, it } from 'vitest';
import { actionable, base, edit, expectNoStack, validateMemory } from './_tree.js';

const D = 'apps/lab/deployment.yaml';
const secret = (body: string): Record<string, string> => edit([], { 'apps/lab/secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: iot\n${body}` });
const sopsBlock = 'sops:\n  age:\n    - recipient: age1example\n      enc: ENC\n  version: 3.9.0\n';
const allow = (value: string): Record<string, string> => edit([[D, '  namespace: iot\n', `  namespace: iot\n  annotations:\n    pi-gitops.dev/allow: "${value}"\n`], [D, '              drop: ["ALL"]', '              drop: ["ALL"]\n            privileged: true']]);

const cases: [string, Record<string, string>, string[]][] = [
  ['an image tagged latest', edit([[D, 'nginx:1.27.3', 'nginx:latest']]), ['E_POLICY_IMAGE_TAG@apps/lab/deployment.yaml:30']],
  ['an image without a tag', edit([[D, 'nginx:1.27.3', 'nginx']]), ['E_POLICY_IMAGE_TAG@apps/lab/deployment.yaml:30']],
  ['a privileged container', edit([[D, '              drop: ["ALL"]', '              drop: ["ALL"]\n            privileged: true']]), ['E_POLICY_PRIVILEGED@apps/lab/deployment.yaml:59']],
  ['a pod that may run as root', edit([[D, '        runAsNonRoot: true\n', '']]), ['E_POLICY_RUN_AS_NON_ROOT@apps/lab/deployment.yaml:54']],
  ['a container running as UID 0', edit([[D, '            allowPrivilegeEscalation: false', '            allowPrivilegeEscalation: false\n            runAsUser: 0']]), ['E_POLICY_RUN_AS_NON_ROOT@apps/lab/deployment.yaml:55']],
  ['privilege escalation allowed', edit([[D, 'allowPrivilegeEscalation: false', 'allowPrivilegeEscalation: true']]), ['E_POLICY_PRIVILEGE_ESCALATION@apps/lab/deployment.yaml:56']],
  ['capabilities not dropped', edit([[D, '              drop: ["ALL"]', '              drop: ["NET_RAW"]']]), ['E_POLICY_CAPABILITIES@apps/lab/deployment.yaml:57']],
  ['a capability added', edit([[D, '              drop: ["ALL"]', '              drop: ["ALL"]\n              add: ["SYS_ADMIN"]']]), ['E_POLICY_CAPABILITIES@apps/lab/deployment.yaml:57']],
  ['no seccomp profile', edit([[D, '        seccompProfile:\n          type: RuntimeDefault\n', '']]), ['E_POLICY_SECCOMP@apps/lab/deployment.yaml:53']],
  ['a hostPath volume', edit([[D, '      containers:', '      volumes:\n        - name: logs\n          hostPath:\n            path: /var/log\n      containers:']]), ['E_POLICY_HOST_PATH@apps/lab/deployment.yaml:30']],
  ['hostNetwork', edit([[D, '      containers:', '      hostNetwork: true\n      containers:']]), ['E_POLICY_HOST_NAMESPACES@apps/lab/deployment.yaml:28']],
  ['hostPID', edit([[D, '      containers:', '      hostPID: true\n      containers:']]), ['E_POLICY_HOST_NAMESPACES@apps/lab/deployment.yaml:28']],
  ['a hostPort', edit([[D, '              containerPort: 8080', '              containerPort: 8080\n              hostPort: 8080']]), ['E_POLICY_HOST_PORT@apps/lab/deployment.yaml:34']],
  ['no limits', edit([[D, '            limits:\n              cpu: 200m\n              memory: 128Mi\n', '']]), ['E_POLICY_RESOURCES@apps/lab/deployment.yaml:48']],
  ['no requests or limits at all', edit([[D, '          resources:\n            requests:\n              cpu: 50m\n              memory: 64Mi\n            limits:\n              cpu: 200m\n              memory: 128Mi\n', '']]), ['E_POLICY_RESOURCES@apps/lab/deployment.yaml:29']],
  ['a missing readiness probe', edit([[D, '          readinessProbe:\n            httpGet:\n              path: /\n              port: http\n', '']]), ['W_POLICY_PROBES@apps/lab/deployment.yaml:29']],
  ['an image not known to be built for arm64', edit([[D, 'docker.io/library/nginx:1.27.3', 'ghcr.io/example/web:1.0.0']]), ['W_POLICY_IMAGE_ARM64@apps/lab/deployment.yaml:30']],
  ['InfluxDB 3 on the 16 KB-page kernel', edit([[D, 'docker.io/library/nginx:1.27.3', 'influxdb:3.4-core']]), ['W_POLICY_PAGE_SIZE@apps/lab/deployment.yaml:30']],
  ['a Secret with stringData', secret('stringData:\n  password: hunter2\n'), ['E_POLICY_PLAINTEXT_SECRET@apps/lab/secret.yaml:6']],
  ['a Secret with data', secret('data:\n  password: aHVudGVyMg==\n'), ['E_POLICY_PLAINTEXT_SECRET@apps/lab/secret.yaml:6']],
  ['a SOPS Secret that Flux does not decrypt', secret(`data:\n  password: ENC[AES256_GCM,data:xyz]\n${sopsBlock}`), ['E_POLICY_PLAINTEXT_SECRET@apps/lab/secret.yaml:8']],
  ['a password in an env literal', edit([[D, '              value: info', '              value: info\n            - name: ADMIN_PASSWORD\n              value: changeme']]), ['E_POLICY_CREDENTIAL@apps/lab/deployment.yaml:41']],
  ['a connection string with a password in a ConfigMap', edit([['apps/lab/configmap.yaml', '  GREETING: hello', '  GREETING: hello\n  DATABASE_URL: postgres://admin:s3cr3tP4ssw0rd@db.iot.svc:5432/app']]), ['E_POLICY_CREDENTIAL@apps/lab/configmap.yaml:8']],
  ['a password in a ConfigMap key', edit([['apps/lab/configmap.yaml', '  GREETING: hello', '  GREETING: hello\n  MQTT_PASSWORD: hunter22']]), ['E_POLICY_CREDENTIAL@apps/lab/configmap.yaml:8']],
  ['an admin password in HelmRelease values', edit([], { 'apps/lab/grafana.yaml': 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: grafana\n  namespace: iot\nspec:\n  interval: 1h\n  chartRef:\n    kind: OCIRepository\n    name: grafana\n  values:\n    adminUser: admin\n    adminPassword: prom-operator\n', 'apps/lab/grafana-source.yaml': 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata:\n  name: grafana\n  namespace: iot\nspec:\n  interval: 1h\n  url: oci://ghcr.io/grafana/helm-charts/grafana\n  ref:\n    tag: 10.1.0\n' }), ['E_POLICY_CREDENTIAL@apps/lab/grafana.yaml:13']],
  ['a GitHub token in a script', edit([], { 'scripts/deploy.sh': '#!/bin/sh\nset -eu\nexport GITHUB_TOKEN=ghp_1234567890abcdefghijABCDEFGHIJ123456\n' }), ['E_POLICY_CREDENTIAL@scripts/deploy.sh:3']],
  ['replicas without a PodDisruptionBudget', edit([['apps/lab/policy.yaml', 'kind: PodDisruptionBudget', 'kind: PodDisruptionBudgetX']]), ['E_POLICY_PDB@apps/lab/deployment.yaml:7']],
  ['replicas without a spread', edit([[D, '      topologySpreadConstraints:\n        - maxSkew: 1\n          topologyKey: kubernetes.io/hostname\n          whenUnsatisfiable: ScheduleAnyway\n          labelSelector:\n            matchLabels:\n              app: web\n', '']]), ['W_POLICY_SPREAD@apps/lab/deployment.yaml:15']],
  ['a namespace with pods and no default-deny NetworkPolicy', edit([['apps/lab/policy.yaml', '  podSelector: {}', '  podSelector:\n    matchLabels:\n      app: web']]), ['E_POLICY_DEFAULT_DENY@infra/lab/namespace.yaml:4']],
  ['a suppression without a reason', allow('privileged'), ['E_POLICY_PRIVILEGED@apps/lab/deployment.yaml:61', 'E_POLICY_SUPPRESSION_REASON@apps/lab/deployment.yaml:7']],
  ['a suppression naming an unknown rule', allow('privileged-mode: the driver needs it'), ['E_POLICY_PRIVILEGED@apps/lab/deployment.yaml:61', 'W_POLICY_SUPPRESSION_UNKNOWN@apps/lab/deployment.yaml:7']],
];

describe('policy stage: invalid corpus', () => {
  it.each(cases)('%s', async (_name, files, expected) => {
    const result = await validateMemory(files);
    expect(actionable(result)).toEqual(expected.sort());
    expectNoStack(result);
  });
});

describe('policy stage: what passes', () => {
  it('scans only this cluster\'s and shared scripts with --cluster', async () => {
    const token = '#!/bin/sh\nset -eu\nexport GITHUB_TOKEN=ghp_1234567890abcdefghijABCDEFGHIJ123456\n';
    const files = edit([], { 'clusters/other/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n', 'bootstrap/other/flux.sh': token, 'bootstrap/lab/flux.sh': token, 'scripts/deploy.sh': token });
    expect(actionable(await validateMemory(files, { cluster: 'lab' }))).toEqual(['E_POLICY_CREDENTIAL@bootstrap/lab/flux.sh:3', 'E_POLICY_CREDENTIAL@scripts/deploy.sh:3']);
  });

  it('accepts credential names whose values are references, switches or paths', async () => {
    const env = '              value: info\n            - name: DB_PASSWORD\n              value: $(DB_PASSWORD_FROM_SECRET)\n            - name: TOKEN_SECRET\n              value: /run/secrets/token\n            - name: REQUIRE_API_KEY\n              value: "true"';
    expect(actionable(await validateMemory(edit([[D, '              value: info', env]])))).toEqual([]);
  });

  it('accepts an image pinned by digest only', async () => {
    expect(actionable(await validateMemory(edit([[D, 'nginx:1.27.3', `nginx@sha256:${'a'.repeat(64)}`]])))).toEqual([]);
  });

  it('honours a suppression that gives its reason', async () => {
    expect(actionable(await validateMemory(allow('privileged: the GPIO driver needs /dev/gpiomem')))).toEqual([]);
  });

  it('lets node agents on the allowlist use the host network, and nothing else', async () => {
    const files = edit([[D, '  name: web\n', '  name: prometheus-node-exporter\n'], [D, '      containers:', '      hostNetwork: true\n      containers:']]);
    expect(actionable(await validateMemory(files))).toEqual([]);
    const privileged = edit([[D, '  name: web\n', '  name: prometheus-node-exporter\n'], [D, '              drop: ["ALL"]', '              drop: ["ALL"]\n            privileged: true']]);
    expect(actionable(await validateMemory(privileged))).toEqual(['E_POLICY_PRIVILEGED@apps/lab/deployment.yaml:59']);
  });

  it('accepts a SOPS Secret when the Flux Kustomization building it decrypts', async () => {
    const files = { ...secret(`data:\n  password: ENC[AES256_GCM,data:xyz]\n${sopsBlock}`) };
    files['clusters/lab/apps.yaml'] = base['clusters/lab/apps.yaml']!.replace('  prune: true', '  prune: true\n  decryption:\n    provider: sops\n    secretRef:\n      name: sops-age');
    expect(actionable(await validateMemory(files))).toEqual([]);
  });

  it('needs a PodDisruptionBudget when an HPA keeps two replicas even without spec.replicas', async () => {
    const hpa = 'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\n  namespace: iot\nspec:\n  minReplicas: 2\n  maxReplicas: 4\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: web\n';
    const files = edit([[D, '  replicas: 2\n', ''], ['apps/lab/policy.yaml', 'kind: PodDisruptionBudget', 'kind: PodDisruptionBudgetX']], { 'apps/lab/hpa.yaml': hpa });
    expect(actionable(await validateMemory(files))).toEqual(['E_POLICY_PDB@apps/lab/deployment.yaml:6']);
  });
});
