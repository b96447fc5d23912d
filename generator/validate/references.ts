import type { Finding } from '../findings.js';
import { BUILTIN_NAMESPACES, CLUSTER_SCOPED, meta, podTemplate, selects } from './_kinds.js';
import { closest } from '../spec/suggest.js';
import { podReferences } from './_pod-refs.js';
import { list, obj, str } from './_shape.js';
import { at, describe } from './locate.js';
import type { BuiltObject } from './types.js';

export interface ReferenceContext {
  /** `namespace/name` of Secrets created outside Git (requiredSecrets(cluster): the bootstrap creates them). */
  readonly externalSecrets?: ReadonlySet<string>;
}

const FLUX_GROUP = /\.toolkit\.fluxcd\.io\//;

/** References and graph stage over one cluster's built objects. Pure. */
export function checkReferences(objects: readonly BuiltObject[], context: ReferenceContext = {}): Finding[] {
  const findings: Finding[] = [];
  const byId = new Map<string, BuiltObject>();
  const ids = (kind: string, namespace: string, name: string): string => `${kind}/${namespace}/${name}`;
  const idOf = (b: BuiltObject): string => { const m = meta(b.object); return ids(String(b.object.kind), CLUSTER_SCOPED.has(String(b.object.kind)) ? '' : m.namespace, m.name); };
  const has = (kind: string, namespace: string, name: string): boolean => byId.has(ids(kind, namespace, name));
  const add = (code: string, b: BuiltObject, path: readonly (string | number)[], message: string, hint: string, severity: Finding['severity'] = 'error'): void => {
    findings.push({ stage: 'references', code, severity, ...at(b, path), message: `${describe(b.object)}: ${message}`, hint });
  };

  for (const b of objects) {
    const id = idOf(b);
    const first = byId.get(id);
    if (first) add('E_REF_DUPLICATE', b, ['metadata', 'name'], `declared twice in this cluster (also built from ./${first.fluxPath}${first.source ? `, ${first.source.file}` : ''})`, 'Flux applies one object per kind/namespace/name; remove or rename one of them');
    else byId.set(id, b);
  }

  // Objects that exist without being in Git.
  const fluxInstanceSync = objects.some((b) => b.object.kind === 'FluxInstance' && obj(b.object.spec).sync);
  const extra = new Set<string>(context.externalSecrets ?? []);
  for (const b of objects) {
    if (b.object.kind === 'Certificate' && String(b.object.apiVersion).startsWith('cert-manager.io/')) {
      const name = str(obj(b.object.spec).secretName);
      if (name) extra.add(`${meta(b.object).namespace}/${name}`);
    }
  }
  // cert-manager's ingress-shim creates a Certificate (and so the TLS Secret) for an annotated Ingress.
  const shimIssuer = (b: BuiltObject): { kind: string; name: string } | undefined => {
    const a = meta(b.object).annotations;
    const cluster = a['cert-manager.io/cluster-issuer'];
    const local = a['cert-manager.io/issuer'];
    return cluster ? { kind: 'ClusterIssuer', name: cluster } : local ? { kind: 'Issuer', name: local } : undefined;
  };
  for (const b of objects) {
    if (b.object.kind !== 'Ingress' || !shimIssuer(b)) continue;
    for (const tls of list(obj(b.object.spec).tls)) if (typeof tls.secretName === 'string') extra.add(`${meta(b.object).namespace}/${tls.secretName}`);
  }
  const secretExists = (ns: string, name: string): boolean => has('Secret', ns, name) || extra.has(`${ns}/${name}`);
  const namespaces = new Set([...BUILTIN_NAMESPACES, ...objects.filter((b) => b.object.kind === 'Namespace').map((b) => meta(b.object).name)]);

  // Flux graph: dependsOn, sourceRef, cycles.
  const fluxDeps = new Map<string, { b: BuiltObject; deps: string[] }>();
  /** Missing targetNamespaces, reported once at the Kustomization rather than at every object it moves. */
  const missingTargets = new Set<string>();
  for (const b of objects) {
    const kind = String(b.object.kind);
    if (!FLUX_GROUP.test(String(b.object.apiVersion))) continue;
    const m = meta(b.object);
    const spec = obj(b.object.spec);
    if (kind === 'Kustomization' || kind === 'HelmRelease') {
      const target = str(spec.targetNamespace);
      const creates = kind === 'HelmRelease' && obj(spec.install).createNamespace === true;
      if (target && !creates && !namespaces.has(target)) missingTargets.add(target);
      if (target && !creates && !namespaces.has(target)) add('E_REF_NAMESPACE', b, ['spec', 'targetNamespace'], `targetNamespace ${target} is not created in this cluster`, 'add a Namespace object for it (or fix targetNamespace)');
      const deps: string[] = [];
      list(spec.dependsOn).forEach((d, i) => {
        const ns = str(d.namespace) ?? m.namespace;
        const target = ids(kind, ns, String(d.name));
        deps.push(target);
        if (!byId.has(target)) {
          const known = [...byId.keys()].filter((k) => k.startsWith(`${kind}/${ns}/`)).map((k) => k.split('/')[2]!);
          const guess = closest(String(d.name), known);
          add('E_REF_DEPENDS_ON', b, ['spec', 'dependsOn', i, 'name'], `dependsOn ${ns}/${String(d.name)}, which is not a ${kind} in this cluster`, guess ? `did you mean \`${guess}\`?` : `declare the ${kind} or remove the dependency (${kind}s in ${ns}: ${known.join(', ') || 'none'})`);
        }
      });
      fluxDeps.set(idOf(b), { b, deps });
    }
    const refs: { ref: Record<string, unknown>; path: (string | number)[] }[] = [];
    if (kind === 'Kustomization' && spec.sourceRef) refs.push({ ref: obj(spec.sourceRef), path: ['spec', 'sourceRef', 'name'] });
    const chart = obj(obj(spec.chart).spec).sourceRef;
    if (kind === 'HelmRelease' && chart) refs.push({ ref: obj(chart), path: ['spec', 'chart', 'spec', 'sourceRef', 'name'] });
    if (kind === 'HelmRelease' && spec.chartRef) refs.push({ ref: obj(spec.chartRef), path: ['spec', 'chartRef', 'name'] });
    for (const { ref, path } of refs) {
      const ns = str(ref.namespace) ?? m.namespace;
      const existsByFluxInstance = fluxInstanceSync && ref.kind === 'GitRepository' && ns === 'flux-system' && ref.name === 'flux-system';
      if (!existsByFluxInstance && !has(String(ref.kind), ns, String(ref.name))) {
        add('E_REF_SOURCE', b, path, `sourceRef ${String(ref.kind)} ${ns}/${String(ref.name)} does not exist in this cluster`, `declare the ${String(ref.kind)} (sources usually live in infrastructure/controllers or flux-system) or fix the name`);
      }
    }
  }
  findings.push(...cycles(fluxDeps));

  // Workloads: pod templates by namespace for selectors.
  const pods = objects.flatMap((b) => { const t = podTemplate(b.object); return t ? [{ b, t, ns: meta(b.object).namespace }] : []; });
  const podsByNs = new Map<string, typeof pods>();
  for (const p of pods) { const list = podsByNs.get(p.ns); if (list) list.push(p); else podsByNs.set(p.ns, [p]); }
  const podsIn = (ns: string): typeof pods => podsByNs.get(ns) ?? [];
  for (const b of objects) {
    const kind = String(b.object.kind);
    const m = meta(b.object);
    const spec = obj(b.object.spec);
    if (!CLUSTER_SCOPED.has(kind) && m.namespace && !namespaces.has(m.namespace) && !missingTargets.has(m.namespace)) add('E_REF_NAMESPACE', b, ['metadata', 'namespace'], `namespace ${m.namespace} is not created in this cluster`, 'add a Namespace object (or fix metadata.namespace / the Flux targetNamespace)');
    if (kind === 'Service' && Object.keys(obj(spec.selector)).length > 0 && !podsIn(m.namespace).some((p) => selects(spec.selector, p.t.labels))) {
      add('E_REF_SERVICE_SELECTOR', b, ['spec', 'selector'], `selector ${JSON.stringify(spec.selector)} matches no pod template in namespace ${m.namespace}`, 'make the selector equal the labels of the Deployment/StatefulSet pod template');
    }
    if (kind === 'PodDisruptionBudget' && !podsIn(m.namespace).some((p) => selects(spec.selector ?? {}, p.t.labels))) {
      add('E_REF_PDB_SELECTOR', b, ['spec', 'selector'], `selector matches no pod template in namespace ${m.namespace}`, 'match the labels of the workload it protects');
    }
    if (kind === 'NetworkPolicy') {
      const sel = obj(spec.podSelector);
      const empty = Object.keys(obj(sel.matchLabels)).length === 0 && list(sel.matchExpressions).length === 0;
      if (!empty && !podsIn(m.namespace).some((p) => selects(sel, p.t.labels))) add('W_REF_NETPOL_SELECTOR', b, ['spec', 'podSelector'], `podSelector matches no pod template in namespace ${m.namespace}`, 'a policy that selects nothing protects nothing; match the workload labels', 'warning');
    }
    if (kind === 'HorizontalPodAutoscaler') {
      const t = obj(spec.scaleTargetRef);
      if (!has(String(t.kind), m.namespace, String(t.name))) add('E_REF_HPA_TARGET', b, ['spec', 'scaleTargetRef', 'name'], `scaleTargetRef ${String(t.kind)} ${String(t.name)} does not exist in namespace ${m.namespace}`, 'point it at the Deployment or StatefulSet it scales');
    }
    const issuer = kind === 'Ingress' ? shimIssuer(b) : kind === 'Certificate' && String(b.object.apiVersion).startsWith('cert-manager.io/') ? { kind: str(obj(spec.issuerRef).kind) ?? 'Issuer', name: String(obj(spec.issuerRef).name) } : undefined;
    if (issuer && !has(issuer.kind, issuer.kind === 'ClusterIssuer' ? '' : m.namespace, issuer.name)) {
      add('E_REF_ISSUER', b, kind === 'Ingress' ? ['metadata', 'annotations'] : ['spec', 'issuerRef', 'name'], `cert-manager ${issuer.kind} ${issuer.name} does not exist in this cluster${issuer.kind === 'Issuer' ? ` (namespace ${m.namespace})` : ''}`, 'declare the issuer (infrastructure/configs) or fix its name');
    }
    if (kind === 'Ingress') {
      const check = (backend: unknown, path: (string | number)[]): void => {
        const svc = obj(obj(backend).service);
        const name = str(svc.name);
        if (!name) return;
        const port = obj(svc.port);
        const target = byId.get(ids('Service', m.namespace, name));
        if (!target) return add('E_REF_INGRESS_BACKEND', b, [...path, 'service', 'name'], `backend Service ${name} does not exist in namespace ${m.namespace}`, 'fix the Service name');
        const ports = list(obj(target.object.spec).ports);
        const ok = ports.some((p) => (port.number !== undefined && p.port === port.number) || (port.name !== undefined && p.name === port.name));
        if (!ok) add('E_REF_INGRESS_PORT', b, [...path, 'service', 'port'], `Service ${name} has no port ${String(port.number ?? port.name ?? '(none given)')} (it has ${ports.map((p) => String(p.name ?? p.port)).join(', ') || 'none'})`, 'use one of the Service ports');
      };
      check(spec.defaultBackend, ['spec', 'defaultBackend']);
      list(spec.rules).forEach((rule, r) => list(obj(rule.http).paths).forEach((p, i) => check(p.backend, ['spec', 'rules', r, 'http', 'paths', i, 'backend'])));
      list(spec.tls).forEach((tls, i) => {
        if (typeof tls.secretName === 'string' && !secretExists(m.namespace, tls.secretName)) add('E_REF_SECRET', b, ['spec', 'tls', i, 'secretName'], `TLS Secret ${tls.secretName} does not exist in namespace ${m.namespace} and no cert-manager Certificate creates it`, 'add a cert-manager Certificate with this secretName, or fix the name');
      });
    }
  }
  for (const { b, t, ns } of pods) {
    for (const ref of podReferences(t.spec, t.path)) {
      if (ref.optional) continue;
      const exists = ref.kind === 'Secret' ? secretExists(ns, ref.name) : has(ref.kind, ns, ref.name);
      if (!exists) add(ref.kind === 'Secret' ? 'E_REF_SECRET' : ref.kind === 'ConfigMap' ? 'E_REF_CONFIGMAP' : 'E_REF_PVC', b, ref.path, `${ref.kind} ${ref.name} does not exist in namespace ${ns}${ref.kind === 'Secret' ? ' and is not created by the bootstrap' : ''}`, ref.kind === 'Secret' ? 'declare it in requiredSecrets (created by the bootstrap), commit it SOPS-encrypted, or fix the name' : `add the ${ref.kind} or fix the name`);
    }
  }
  return findings;
}

/** Each dependsOn cycle once, reported at its first member. */
function cycles(graph: ReadonlyMap<string, { b: BuiltObject; deps: string[] }>): Finding[] {
  const findings: Finding[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): void => {
    state.set(id, 'visiting');
    stack.push(id);
    for (const dep of graph.get(id)?.deps ?? []) {
      if (!graph.has(dep)) continue;
      if (state.get(dep) === 'visiting') {
        const loop = [...stack.slice(stack.indexOf(dep)), dep].map((s) => s.split('/').slice(1).join('/'));
        const b = graph.get(dep)!.b;
        findings.push({ stage: 'references', code: 'E_REF_CYCLE', severity: 'error', ...at(b, ['spec', 'dependsOn']), message: `dependsOn cycle: ${loop.join(' → ')}`, hint: 'Flux waits forever on a cycle; remove one of the dependencies' });
      } else if (!state.has(dep)) visit(dep);
    }
    stack.pop();
    state.set(id, 'done');
  };
  for (const id of [...graph.keys()].sort()) if (!state.has(id)) visit(id);
  return findings;
}
