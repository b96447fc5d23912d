import { meta, podTemplate, selects } from '../_kinds.js';
import type { BuiltObject } from '../types.js';
import type { Violation } from './rules.js';

import { list, obj } from '../_shape.js';
import { byCodeUnit } from '../../order.js';

/** Replicated workloads have a PodDisruptionBudget and a spread; every namespace with pods has a default-deny NetworkPolicy. */
export function availabilityViolations(objects: readonly BuiltObject[]): Violation[] {
  const out: Violation[] = [];
  const groups = new Map<string, BuiltObject[]>();
  for (const b of objects) {
    const key = `${String(b.object.kind)}/${meta(b.object).namespace}`;
    const list = groups.get(key);
    if (list) list.push(b);
    else groups.set(key, [b]);
  }
  const inNs = (kind: string, ns: string): readonly BuiltObject[] => groups.get(`${kind}/${ns}`) ?? [];
  for (const b of objects) {
    const kind = String(b.object.kind);
    if (kind !== 'Deployment' && kind !== 'StatefulSet') continue;
    const t = podTemplate(b.object)!;
    const m = meta(b.object);
    const hpa = inNs('HorizontalPodAutoscaler', m.namespace).find((h) => { const ref = obj(obj(h.object.spec).scaleTargetRef); return ref.kind === kind && ref.name === m.name; });
    const replicas = Math.max(count(obj(b.object.spec).replicas), count(obj(hpa?.object.spec).minReplicas));
    if (replicas < 2) continue;
    if (!inNs('PodDisruptionBudget', m.namespace).some((p) => selects(obj(p.object.spec).selector, t.labels))) {
      out.push({ rule: 'pdb', object: b, path: ['spec', 'replicas'], message: `${replicas} replicas and no PodDisruptionBudget selecting them`, hint: 'add a PodDisruptionBudget (maxUnavailable: 1) so a node drain keeps the service up' });
    }
    const affinity = obj(t.spec.affinity);
    if (!Array.isArray(t.spec.topologySpreadConstraints) && !affinity.podAntiAffinity) {
      out.push({ rule: 'spread', object: b, path: [...t.path, 'topologySpreadConstraints'], message: `${replicas} replicas with no topologySpreadConstraints or podAntiAffinity: they may all land on one Pi`, hint: 'spread over kubernetes.io/hostname (topologySpreadConstraints, whenUnsatisfiable: ScheduleAnyway)' });
    }
  }
  const namespaces = new Map<string, BuiltObject>();
  for (const b of objects) if (podTemplate(b.object) && !namespaces.has(meta(b.object).namespace)) namespaces.set(meta(b.object).namespace, b);
  for (const [ns, firstWorkload] of [...namespaces].sort(([a], [b]) => byCodeUnit(a, b))) {
    if (ns === '' || ns === 'kube-system') continue;
    const denies = inNs('NetworkPolicy', ns).some((p) => {
      const spec = obj(p.object.spec);
      const selector = obj(spec.podSelector);
      const all = Object.keys(obj(selector.matchLabels)).length === 0 && list(selector.matchExpressions).length === 0;
      const types = Array.isArray(spec.policyTypes) ? spec.policyTypes : ['Ingress'];
      return all && types.includes('Ingress') && list(spec.ingress).length === 0;
    });
    if (denies) continue;
    const namespace = inNs('Namespace', '').find((b) => meta(b.object).name === ns);
    out.push({ rule: 'default-deny', object: namespace ?? firstWorkload, path: namespace ? ['metadata', 'name'] : ['metadata', 'namespace'], message: `namespace ${ns} runs pods but has no default-deny NetworkPolicy`, hint: 'add a NetworkPolicy with podSelector: {} and policyTypes [Ingress, Egress], then allow what each app needs' });
  }
  return out;
}

/** A replica count as written (a number; anything else counts as the default, 1). */
function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 1;
}
