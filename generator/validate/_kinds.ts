import { list, obj, strings } from './_shape.js';

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
  const spec = obj(object.spec);
  if (kind === 'Pod') return { labels: labelsOf(object), spec, path: ['spec'] };
  if (kind === 'CronJob') {
    const tpl = obj(obj(obj(spec.jobTemplate).spec).template);
    return { labels: labelsOf(tpl), spec: obj(tpl.spec), path: ['spec', 'jobTemplate', 'spec', 'template', 'spec'] };
  }
  if (!WORKLOAD_KINDS.has(String(kind))) return undefined;
  const tpl = obj(spec.template);
  return { labels: labelsOf(tpl), spec: obj(tpl.spec), path: ['spec', 'template', 'spec'] };
}

/** A map's string values (labels and annotations are string → string). */
function stringMap(value: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(obj(value)).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
}

function labelsOf(value: Record<string, unknown>): Record<string, string> {
  return stringMap(obj(value.metadata).labels);
}

export function meta(object: Record<string, unknown>): { name: string; namespace: string; labels: Record<string, string>; annotations: Record<string, string> } {
  const m = obj(object.metadata);
  return {
    name: typeof m.name === 'string' ? m.name : '',
    namespace: typeof m.namespace === 'string' ? m.namespace : '',
    labels: stringMap(m.labels),
    annotations: stringMap(m.annotations),
  };
}

/** A label selector (matchLabels and matchExpressions) against a label set; an empty selector matches everything. */
export function selects(selector: unknown, labels: Record<string, string>): boolean {
  const s = obj(selector);
  const plain = !('matchLabels' in s) && !('matchExpressions' in s);
  const matchLabels = plain ? s : obj(s.matchLabels);
  for (const [k, v] of Object.entries(matchLabels)) if (labels[k] !== String(v)) return false;
  for (const e of plain ? [] : list(s.matchExpressions)) {
    const key = String(e.key);
    const has = Object.hasOwn(labels, key);
    const value = labels[key];
    const values = strings(e.values);
    if (e.operator === 'In' && !(has && values.includes(value!))) return false;
    if (e.operator === 'NotIn' && has && values.includes(value!)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}
