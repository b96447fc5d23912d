import { meta, podTemplate } from '../_kinds.js';
import type { BuiltObject } from '../types.js';
import { HOST_ACCESS_ALLOWLIST, type Violation } from './rules.js';

import { list, obj, strings } from '../_shape.js';
const LONG_RUNNING = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

/** Restricted Pod Security, host access, requests/limits and probes, per container. */
export function podViolations(built: BuiltObject): Violation[] {
  const t = podTemplate(built.object);
  if (!t) return [];
  const out: Violation[] = [];
  const v = (rule: Violation['rule'], path: (string | number)[], message: string, hint: string): void => {
    out.push({ rule, object: built, path: [...t.path, ...path], message, hint });
  };
  const pod = t.spec;
  const podSc = obj(pod.securityContext);
  const hostAllowed = HOST_ACCESS_ALLOWLIST.some((re) => re.test(meta(built.object).name));

  for (const key of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    if (pod[key] === true && !hostAllowed) v('host-namespaces', [key], `${key}: true shares the node's namespace`, 'remove it; only node agents on the allowlist (node-exporter, alloy, servicelb) may, or annotate with a reason');
  }
  list(pod.volumes).forEach((vol, i) => {
    if (vol.hostPath && !hostAllowed) v('host-path', ['volumes', i, 'hostPath'], `volume ${String(vol.name)} mounts the node's ${String(obj(vol.hostPath).path)}`, 'use a PersistentVolumeClaim (local-path) or an emptyDir');
  });

  const containers = [...list(pod.initContainers).map((c, i) => ({ c, path: ['initContainers', i] as (string | number)[], init: true })), ...list(pod.containers).map((c, i) => ({ c, path: ['containers', i] as (string | number)[], init: false }))];
  for (const { c, path, init } of containers) {
    const name = String(c.name ?? '');
    const sc = obj(c.securityContext);
    const nonRoot = sc.runAsNonRoot ?? podSc.runAsNonRoot;
    const user = sc.runAsUser ?? podSc.runAsUser;
    if (nonRoot !== true || user === 0) v('run-as-non-root', [...path, 'securityContext', 'runAsNonRoot'], `container ${name} may run as root`, 'set securityContext.runAsNonRoot: true (pod or container) and a non-zero runAsUser');
    if (sc.allowPrivilegeEscalation !== false) v('allow-privilege-escalation', [...path, 'securityContext', 'allowPrivilegeEscalation'], `container ${name} does not set allowPrivilegeEscalation: false`, 'set securityContext.allowPrivilegeEscalation: false');
    const caps = obj(sc.capabilities);
    const added = strings(caps.add).filter((cap) => cap !== 'NET_BIND_SERVICE');
    if (!strings(caps.drop).includes('ALL') || added.length > 0) v('capabilities', [...path, 'securityContext', 'capabilities'], `container ${name} ${added.length > 0 ? `adds ${added.join(', ')}` : 'does not drop ALL capabilities'}`, 'set capabilities: {drop: [ALL]} (only NET_BIND_SERVICE may be added)');
    const seccomp = obj(sc.seccompProfile ?? podSc.seccompProfile).type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') v('seccomp', [...path, 'securityContext', 'seccompProfile'], `container ${name} has no RuntimeDefault seccomp profile`, 'set securityContext.seccompProfile.type: RuntimeDefault on the pod');
    if (sc.privileged === true) v('privileged', [...path, 'securityContext', 'privileged'], `container ${name} is privileged`, 'remove privileged: true; grant a single capability if really needed, with a pi-gitops.dev/allow reason');
    list(c.ports).forEach((p, j) => {
      if (typeof p.hostPort === 'number' && p.hostPort > 0 && !hostAllowed) v('host-port', [...path, 'ports', j, 'hostPort'], `container ${name} binds host port ${p.hostPort}`, 'expose it through a Service instead (K3s servicelb already holds 80/443 on every node)');
    });
    const res = obj(c.resources);
    const missing = [...['cpu', 'memory'].filter((r) => obj(res.requests)[r] === undefined).map((r) => `requests.${r}`), ...['cpu', 'memory'].filter((r) => obj(res.limits)[r] === undefined).map((r) => `limits.${r}`)];
    if (missing.length > 0) v('resources', [...path, 'resources'], `container ${name} has no ${missing.join(', ')}`, 'set requests (the budget schedules by them) and limits for cpu and memory');
    if (!init && LONG_RUNNING.has(String(built.object.kind))) {
      const probes = ['readinessProbe', 'livenessProbe'].filter((p) => c[p] === undefined);
      if (probes.length > 0) v('probes', [...path, probes[0]!], `container ${name} has no ${probes.join(' or ')}`, 'add probes so rollouts wait for readiness and hung processes restart');
    }
  }
  return out;
}

/** Every container image of a workload with its field path. */
export function images(built: BuiltObject): { image: string; path: (string | number)[] }[] {
  const t = podTemplate(built.object);
  if (!t) return [];
  return (['initContainers', 'containers'] as const).flatMap((group) =>
    list(t.spec[group]).flatMap((c, i) => (typeof c.image === 'string' ? [{ image: c.image, path: [...t.path, group, i, 'image'] }] : [])),
  );
}
