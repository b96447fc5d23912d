/**
 * apiVersions served for well-known kinds: Kubernetes 1.36 (the K3s line in FACTS.md) and Flux 2.9
 * (whose beta APIs are gone from the CRDs since Flux 2.8, FACTS.md "Flux"). A full schema check is
 * the schemas stage's job; this catches the common mistake early and with a precise hint.
 */
const served: Record<string, readonly string[]> = {
  Namespace: ['v1'], ConfigMap: ['v1'], Secret: ['v1'], Service: ['v1'], ServiceAccount: ['v1'], Pod: ['v1'],
  PersistentVolumeClaim: ['v1'], PersistentVolume: ['v1'], LimitRange: ['v1'], ResourceQuota: ['v1'], Endpoints: ['v1'],
  Deployment: ['apps/v1'], StatefulSet: ['apps/v1'], DaemonSet: ['apps/v1'], ReplicaSet: ['apps/v1'],
  Job: ['batch/v1'], CronJob: ['batch/v1'],
  Ingress: ['networking.k8s.io/v1'], NetworkPolicy: ['networking.k8s.io/v1'], IngressClass: ['networking.k8s.io/v1'],
  PodDisruptionBudget: ['policy/v1'],
  HorizontalPodAutoscaler: ['autoscaling/v2', 'autoscaling/v1'],
  Role: ['rbac.authorization.k8s.io/v1'], ClusterRole: ['rbac.authorization.k8s.io/v1'],
  RoleBinding: ['rbac.authorization.k8s.io/v1'], ClusterRoleBinding: ['rbac.authorization.k8s.io/v1'],
  StorageClass: ['storage.k8s.io/v1'], PriorityClass: ['scheduling.k8s.io/v1'],
  CustomResourceDefinition: ['apiextensions.k8s.io/v1'],
  Kustomization: ['kustomize.toolkit.fluxcd.io/v1'],
  HelmRelease: ['helm.toolkit.fluxcd.io/v2'],
  GitRepository: ['source.toolkit.fluxcd.io/v1'], HelmRepository: ['source.toolkit.fluxcd.io/v1'],
  OCIRepository: ['source.toolkit.fluxcd.io/v1'], Bucket: ['source.toolkit.fluxcd.io/v1'], HelmChart: ['source.toolkit.fluxcd.io/v1'],
  Alert: ['notification.toolkit.fluxcd.io/v1beta3'], Provider: ['notification.toolkit.fluxcd.io/v1beta3'], Receiver: ['notification.toolkit.fluxcd.io/v1'],
};

// extensions/v1beta1 served Deployments, Ingresses and NetworkPolicies until Kubernetes 1.16/1.22.
const knownGroups = new Set([...Object.values(served).flat().map(group), 'extensions']);

function group(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

/** The served apiVersions when `apiVersion` is a known group's wrong version for `kind`; undefined when fine or unknown. */
export function checkApiVersion(apiVersion: string, kind: string): readonly string[] | undefined {
  const allowed = served[kind];
  if (!allowed || allowed.includes(apiVersion) || !knownGroups.has(group(apiVersion))) return undefined;
  // Kustomization is also kustomize's own config kind; those files never reach here, but a group mismatch to it is not ours to judge.
  if (kind === 'Kustomization' && group(apiVersion) === 'kustomize.config.k8s.io') return undefined;
  return allowed;
}
