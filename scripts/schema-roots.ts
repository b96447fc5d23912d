/**
 * The apiVersion/kinds we generate strict schemas for, and the installed type each one comes from.
 * Every kind the generator renders must be listed (test/validate/schemas-generated.test.ts checks the
 * rendered tree against schemas/k8s/index.json). Only served API versions are listed: an object using
 * a removed version (apps/v1beta1, policy/v1beta1, the Flux v1beta* APIs gone since Flux 2.8 per
 * /work/shared/FACTS.md) has no schema and fails with E_SCHEMA_MISSING.
 */
export interface SchemaRoot {
  readonly apiVersion: string;
  readonly kind: string;
  /** Module specifier (package subpath or a file under scripts/crd-types/). */
  readonly module: string;
  /** Exported type name; kubernetes-models convention is `I<Kind>`. */
  readonly type?: string;
}

const km = (apiVersion: string, dir: string, kinds: readonly string[]): SchemaRoot[] =>
  kinds.map((kind) => ({ apiVersion, kind, module: `kubernetes-models/${dir}/${kind}` }));
const flux = (apiVersion: string, kinds: readonly string[]): SchemaRoot[] =>
  kinds.map((kind) => ({ apiVersion, kind, module: `@kubernetes-models/flux-cd/${apiVersion}/${kind}` }));

export const SCHEMA_ROOTS: readonly SchemaRoot[] = [
  ...km('v1', 'v1', [
    'ConfigMap', 'Endpoints', 'LimitRange', 'Namespace', 'PersistentVolume', 'PersistentVolumeClaim', 'Pod',
    'ReplicationController', 'ResourceQuota', 'Secret', 'Service', 'ServiceAccount',
  ]),
  ...km('apps/v1', 'apps/v1', ['ControllerRevision', 'DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet']),
  ...km('batch/v1', 'batch/v1', ['CronJob', 'Job']),
  ...km('autoscaling/v2', 'autoscaling/v2', ['HorizontalPodAutoscaler']),
  ...km('autoscaling/v1', 'autoscaling/v1', ['HorizontalPodAutoscaler']),
  ...km('policy/v1', 'policy/v1', ['PodDisruptionBudget']),
  ...km('networking.k8s.io/v1', 'networking.k8s.io/v1', ['Ingress', 'IngressClass', 'NetworkPolicy']),
  ...km('rbac.authorization.k8s.io/v1', 'rbac.authorization.k8s.io/v1', ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding']),
  ...km('storage.k8s.io/v1', 'storage.k8s.io/v1', ['CSIDriver', 'StorageClass', 'VolumeAttachment']),
  ...km('scheduling.k8s.io/v1', 'scheduling.k8s.io/v1', ['PriorityClass']),
  ...km('discovery.k8s.io/v1', 'discovery.k8s.io/v1', ['EndpointSlice']),
  ...km('coordination.k8s.io/v1', 'coordination.k8s.io/v1', ['Lease']),
  ...km('node.k8s.io/v1', 'node.k8s.io/v1', ['RuntimeClass']),
  ...km('apiextensions.k8s.io/v1', 'apiextensions.k8s.io/v1', ['CustomResourceDefinition']),
  ...km('admissionregistration.k8s.io/v1', 'admissionregistration.k8s.io/v1', [
    'MutatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'ValidatingWebhookConfiguration',
  ]),
  ...flux('kustomize.toolkit.fluxcd.io/v1', ['Kustomization']),
  ...flux('helm.toolkit.fluxcd.io/v2', ['HelmRelease']),
  ...flux('source.toolkit.fluxcd.io/v1', ['Bucket', 'GitRepository', 'HelmChart', 'HelmRepository', 'OCIRepository']),
  ...flux('notification.toolkit.fluxcd.io/v1beta3', ['Alert', 'Provider']),
  ...flux('notification.toolkit.fluxcd.io/v1', ['Receiver']),
  ...flux('image.toolkit.fluxcd.io/v1', ['ImagePolicy', 'ImageRepository', 'ImageUpdateAutomation']),
  ...['Certificate', 'CertificateRequest', 'ClusterIssuer', 'Issuer'].map((kind) => ({
    apiVersion: 'cert-manager.io/v1', kind, module: `@kubernetes-models/cert-manager/cert-manager.io/v1/${kind}`,
  })),
  ...['Alertmanager', 'PodMonitor', 'Probe', 'Prometheus', 'PrometheusRule', 'ServiceMonitor'].map((kind) => ({
    apiVersion: 'monitoring.coreos.com/v1', kind, module: `@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/${kind}`,
  })),
  ...['IngressRoute', 'IngressRouteTCP', 'Middleware', 'MiddlewareTCP', 'ServersTransport', 'TLSOption', 'TraefikService'].map((kind) => ({
    apiVersion: 'traefik.io/v1alpha1', kind, module: `@kubernetes-models/traefik/traefik.io/v1alpha1/${kind}`,
  })),
  { apiVersion: 'fluxcd.controlplane.io/v1', kind: 'FluxInstance', module: './crd-types/flux-operator.js', type: 'FluxInstance' },
  { apiVersion: 'helm.cattle.io/v1', kind: 'HelmChart', module: './crd-types/k3s-helm.js', type: 'HelmChart' },
  { apiVersion: 'helm.cattle.io/v1', kind: 'HelmChartConfig', module: './crd-types/k3s-helm.js', type: 'HelmChartConfig' },
];
