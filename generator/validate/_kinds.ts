/** Kinds that live outside namespaces (Kubernetes 1.36 built-ins and the CRDs a Flux/K3s repository uses). */
export const CLUSTER_SCOPED = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment', 'RuntimeClass',
  'PriorityClass', 'IngressClass', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'APIService',
  'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
  'ClusterIssuer', 'FlowSchema', 'PriorityLevelConfiguration', 'CertificateSigningRequest', 'GatewayClass', 'ResourceSet',
]);

/** Namespaces every K3s cluster has before Flux applies anything (flux-system comes with the Flux install). */
export const BUILTIN_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease', 'flux-system']);

export const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod']);

export interface PodTemplate {
  readonly labels: Record<string, string>;
  readonly spec: Record<string, unknown>;
  /** Field path of the pod spec inside the object, e.g. ['spec', 'template', 'spec']. */
  readonly path: readonly (string | number)[];
}

/** The pod template of a workload (a CronJob's is two levels down), or undefined for other kinds. */
export function podTemplate(object: Record<string, unknown>): PodTemplate | undefined {
  const kind = object.kind;
  const spec = object.spec as Record<string, unknown> | undefined;
  if (!spec || typeof spec !== 'object') return undefined;
  if (kind === 'Pod') return { labels: labelsOf(object), spec, path: ['spec'] };
  if (kind === 'CronJob') {
    const tpl = ((spec.jobTemplate as { spec?: { template?: Record<string, unknown> } } | undefined)?.spec?.template) ?? undefined;
    return tpl ? { labels: labelsOf(tpl), spec: (tpl.spec ?? {}) as Record<string, unknown>, path: ['spec', 'jobTemplate', 'spec', 'template', 'spec'] } : undefined;
  }
  if (!WORKLOAD_KINDS.has(String(kind))) return undefined;
  const tpl = spec.template as Record<string, unknown> | undefined;
  return tpl ? { labels: labelsOf(tpl), spec: (tpl.spec ?? {}) as Record<string, unknown>, path: ['spec', 'template', 'spec'] } : undefined;
}

function labelsOf(value: Record<string, unknown>): Record<string, string> {
  return ((value.metadata as { labels?: Record<string, string> } | undefined)?.labels ?? {}) as Record<string, string>;
}

export function meta(object: Record<string, unknown>): { name: string; namespace: string; labels: Record<string, string>; annotations: Record<string, string> } {
  const m = (object.metadata ?? {}) as { name?: unknown; namespace?: unknown; labels?: unknown; annotations?: unknown };
  return {
    name: typeof m.name === 'string' ? m.name : '',
    namespace: typeof m.namespace === 'string' ? m.namespace : '',
    labels: (m.labels && typeof m.labels === 'object' ? m.labels : {}) as Record<string, string>,
    annotations: (m.annotations && typeof m.annotations === 'object' ? m.annotations : {}) as Record<string, string>,
  };
}

/** A label selector (matchLabels and matchExpressions) against a label set; an empty selector matches everything. */
export function selects(selector: unknown, labels: Record<string, string>): boolean {
  if (!selector || typeof selector !== 'object') return true;
  const s = selector as { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };
  const plain = !('matchLabels' in s) && !('matchExpressions' in s);
  const matchLabels = plain ? (s as Record<string, string>) : (s.matchLabels ?? {});
  for (const [k, v] of Object.entries(matchLabels)) if (labels[k] !== String(v)) return false;
  for (const e of plain ? [] : (s.matchExpressions ?? [])) {
    const has = Object.hasOwn(labels, e.key);
    const value = labels[e.key];
    if (e.operator === 'In' && !(has && (e.values ?? []).includes(value!))) return false;
    if (e.operator === 'NotIn' && has && (e.values ?? []).includes(value!)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}
