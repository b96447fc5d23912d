import type { Finding } from '../findings.js';
import { formatPath } from '../findings.js';
import { contains, overlaps, parseCidr, parseIpv4, type Cidr } from '../units/cidr.js';
import { cpuMillis, memoryBytes, parseQuantity } from '../units/quantity.js';
import type { Locate } from './schema.js';
import type { AppSpec, ClusterSpec, SourcePosition } from './types.js';
import { closest } from './suggest.js';

/** Namespaces Kubernetes, K3s and Flux use themselves. */
export const reservedNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'flux-system'];

/** Data services run as single-replica StatefulSets with their own volume. */
export const statefulTypes = new Set(['influxdb', 'postgresql', 'redis', 'mosquitto']);

/**
 * Checks the schema cannot express. Runs only on a spec that passed the schema, so every field has
 * its type and its default.
 */
export function checkSemantics(file: string, spec: ClusterSpec, locate: Locate): Finding[] {
  const findings: Finding[] = [];
  // A finding about a field the file does not contain (left to its default, or missing) points at
  // the nearest enclosing key that is there; `at` overrides where a key reads better than its value.
  const add = (code: string, path: (string | number)[], message: string, hint: string, extra: Partial<Finding> & { at?: (string | number)[] } = {}): void => {
    const { at, ...rest } = extra;
    findings.push({ stage: 'spec', code, severity: 'error', file, path: formatPath(path), position: at ? locate(at, { key: true }) : nearest(locate, path), message, hint, ...rest });
  };
  const body = spec.spec;

  const folder = /^clusters\/([^/]+)\/cluster\.ya?ml$/.exec(file)?.[1];
  if (folder !== undefined && folder !== spec.metadata.name) {
    add('E_SPEC_NAME_MISMATCH', ['metadata', 'name'], `metadata.name is "${spec.metadata.name}" but the spec lives in clusters/${folder}/`, `rename the folder or set metadata.name: ${folder}`, { expected: folder, found: spec.metadata.name });
  }

  // Nodes: unique names and addresses, at least one server, an odd number of servers for etcd quorum.
  for (const field of ['name', 'address'] as const) {
    const owners = new Map<string, number>();
    body.nodes.forEach((node, index) => {
      const value = node[field];
      const first = owners.get(value);
      if (first === undefined) owners.set(value, index);
      else add('E_SPEC_DUPLICATE_NODE', ['spec', 'nodes', index, field], `${value} is used by nodes[${first}] and nodes[${index}]`, `give each node its own ${field}`, { expected: `a ${field} no other node has`, found: value });
    });
  }
  const serverNames = body.nodes.filter((node) => node.role === 'server').map((node) => node.name);
  const servers = serverNames.length;
  const nodesKey = { at: ['spec', 'nodes'] };
  if (servers === 0) add('E_SPEC_NO_SERVER', ['spec', 'nodes'], 'no node has role server', 'set role: server on one node (or three for HA)', { ...nodesKey, expected: 'at least 1 server', found: '0 servers' });
  else if (servers % 2 === 0) {
    // K3s embedded etcd HA needs an odd number of servers (FACTS.md, k3s-io/docs datastore/ha.md).
    add('E_SPEC_SERVER_COUNT', ['spec', 'nodes'], `${servers} servers (${serverNames.join(', ')}): embedded etcd needs an odd number for quorum`, `use ${servers - 1} or ${servers + 1} servers`, { ...nodesKey, expected: 'an odd number of servers', found: String(servers) });
  }
  body.nodes.forEach((node, index) => {
    if (node.storage.mountPath === '/' || node.storage.mountPath.endsWith('/')) {
      add('E_SPEC_MOUNT_PATH', ['spec', 'nodes', index, 'storage', 'mountPath'], `mount path "${node.storage.mountPath}" must be an absolute folder without a trailing slash, not /`, 'for example /mnt/ssd', { expected: 'an absolute folder such as /mnt/ssd', found: node.storage.mountPath });
    }
  });

  // K3s takes default-local-storage-path (and its data-dir) from one cluster-wide setting, so every SSD
  // must be mounted at the same path.
  const firstMount = body.nodes[0]?.storage.mountPath;
  body.nodes.forEach((node, index) => {
    const valid = (path: string): boolean => path !== '/' && !path.endsWith('/');
    if (index > 0 && node.storage.mountPath !== firstMount && valid(node.storage.mountPath) && valid(firstMount ?? '/')) {
      add('E_SPEC_MOUNT_PATHS_DIFFER', ['spec', 'nodes', index, 'storage', 'mountPath'], `nodes[${index}] mounts its SSD at ${node.storage.mountPath} but nodes[0] at ${firstMount}`, `mount every SSD at the same path (K3s's local storage path is cluster-wide), e.g. ${firstMount}`, { expected: firstMount, found: node.storage.mountPath });
    }
  });

  // Networks: the pod and service CIDRs must be valid, apart, and not hold a node's own address
  // (K3s routes those ranges inside the cluster, so the node would become unreachable).
  const cidrs: { field: 'clusterCidr' | 'serviceCidr'; cidr: Cidr }[] = [];
  for (const field of ['clusterCidr', 'serviceCidr'] as const) {
    const text = body.k3s[field];
    const cidr = parseCidr(text);
    if (cidr) cidrs.push({ field, cidr });
    else add('E_SPEC_CIDR', ['spec', 'k3s', field], `${text} is not an IPv4 network`, 'write the first address and the prefix length, e.g. 10.42.0.0/16', { expected: 'an IPv4 CIDR with no host bits set', found: text });
  }
  if (cidrs.length === 2 && overlaps(cidrs[0]!.cidr, cidrs[1]!.cidr)) {
    add('E_SPEC_CIDR_OVERLAP', ['spec', 'k3s', 'serviceCidr'], `serviceCidr ${body.k3s.serviceCidr} overlaps clusterCidr ${body.k3s.clusterCidr}`, 'keep them apart, e.g. 10.42.0.0/16 and 10.43.0.0/16', { expected: `a network outside ${body.k3s.clusterCidr}`, found: body.k3s.serviceCidr });
  }
  body.nodes.forEach((node, index) => {
    const address = parseIpv4(node.address);
    const inside = address === undefined ? undefined : cidrs.find(({ cidr }) => contains(cidr, address));
    if (inside) {
      add('E_SPEC_NODE_IN_CLUSTER_NETWORK', ['spec', 'nodes', index, 'address'], `${node.address} (nodes[${index}]) lies inside ${inside.field} ${body.k3s[inside.field]}`, `move k3s.${inside.field} to a range your LAN does not use`, { expected: `an address outside ${body.k3s[inside.field]}`, found: node.address });
    }
  });

  // Namespaces: the apps and monitoring each get their own, and neither may take one Kubernetes, K3s
  // or Flux already runs in (prune and default-deny policies there would break the cluster).
  const namespaces = [['spec', 'namespace'], ['spec', 'monitoring', 'namespace']] as const;
  for (const path of namespaces) {
    const value = path.length === 2 ? body.namespace : body.monitoring.namespace;
    if (reservedNamespaces.includes(value)) {
      add('E_SPEC_NAMESPACE_RESERVED', [...path], `namespace ${value} belongs to the cluster itself`, `choose another, e.g. ${path.length === 2 ? 'iot' : 'monitoring'}`, { expected: `not one of ${reservedNamespaces.join(', ')}`, found: value });
    }
  }
  if (body.monitoring.enabled && body.namespace === body.monitoring.namespace) {
    add('E_SPEC_NAMESPACE_CLASH', ['spec', 'monitoring', 'namespace'], `the apps and monitoring both use namespace ${body.namespace}`, 'give monitoring its own namespace (default monitoring)', { expected: `a namespace other than ${body.namespace}`, found: body.monitoring.namespace });
  }

  // Platform consistency.
  const tls = body.platform.tls;
  if (tls.mode === 'acme' && !tls.acmeEmail) add('E_SPEC_ACME_EMAIL', ['spec', 'platform', 'tls', 'acmeEmail'], 'TLS mode acme needs acmeEmail (Let\'s Encrypt\'s contact for expiry notices)', 'add acmeEmail: you@example.com', { expected: 'an e-mail address', found: 'nothing' });
  if (body.platform.secrets.mode === 'sops' && body.platform.secrets.ageRecipients.length === 0) {
    add('E_SPEC_SOPS_RECIPIENTS', ['spec', 'platform', 'secrets', 'ageRecipients'], 'secrets mode sops needs at least one age recipient', 'add ageRecipients: [age1...] (age-keygen -y key.txt prints it)', { expected: 'at least 1 age public key', found: 'none' });
  }

  // Apps.
  const names = Object.keys(body.apps);
  const hosts = new Map<string, string>();
  for (const name of names) {
    const app = body.apps[name]!;
    const at = (...rest: (string | number)[]): (string | number)[] => ['spec', 'apps', name, ...rest];
    checkApp(name, app, at, add);
    app.dependsOn.forEach((target, index) => {
      if (target === name) add('E_SPEC_DEPENDS_SELF', at('dependsOn', index), `${name} depends on itself`, 'remove it from dependsOn', { expected: 'another app', found: target });
      else if (!(target in body.apps)) {
        const suggestion = closest(target, names.filter((other) => other !== name));
        const hint = suggestion ? `did you mean \`${suggestion}\`?` : `define spec.apps.${target} or remove it; apps: ${names.join(', ')}`;
        add('E_SPEC_DEPENDS_UNKNOWN', at('dependsOn', index), `${name} depends on "${target}", which is not an app of this cluster`, hint, { expected: `one of ${names.filter((other) => other !== name).join(', ')}`, found: target });
      }
    });
    if (app.ingress) {
      const host = app.ingress.host;
      if (host !== body.domain && !host.endsWith(`.${body.domain}`)) {
        add('E_SPEC_HOST_DOMAIN', at('ingress', 'host'), `host ${host} is not under the domain ${body.domain}`, `use a name such as ${host.split('.')[0]}.${body.domain}`, { expected: `*.${body.domain}`, found: host });
      }
      const owner = hosts.get(`${host}${app.ingress.path}`);
      if (owner) add('E_SPEC_HOST_CLASH', at('ingress', 'host'), `${host}${app.ingress.path} is used by ${owner} and ${name}`, 'give each app its own host or path', { expected: 'a host and path no other app uses', found: `${host}${app.ingress.path}` });
      else hosts.set(`${host}${app.ingress.path}`, name);
    }
  }
  const grafanaHost = body.monitoring.grafanaHost;
  if (grafanaHost && grafanaHost !== body.domain && !grafanaHost.endsWith(`.${body.domain}`)) {
    add('E_SPEC_HOST_DOMAIN', ['spec', 'monitoring', 'grafanaHost'], `host ${grafanaHost} is not under the domain ${body.domain}`, `use grafana.${body.domain}`, { expected: `*.${body.domain}`, found: grafanaHost });
  }
  // Grafana takes its host (default grafana.<domain>) whole; an app on it would shadow or be shadowed.
  const grafana = grafanaHost ?? `grafana.${body.domain}`;
  const onGrafana = body.monitoring.enabled ? names.find((name) => body.apps[name]!.ingress?.host === grafana) : undefined;
  if (onGrafana) {
    add('E_SPEC_HOST_CLASH', ['spec', 'apps', onGrafana, 'ingress', 'host'], `${grafana} is used by Grafana and ${onGrafana}`, grafanaHost ? 'give the app another host' : 'give the app another host, or set monitoring.grafanaHost', { expected: `a host other than ${grafana}`, found: grafana });
  }
  for (const cycle of dependencyCycles(body.apps)) {
    add('E_SPEC_DEPENDS_CYCLE', ['spec', 'apps', cycle[0]!, 'dependsOn'], `dependsOn cycle: ${cycle.join(' → ')} → ${cycle[0]}`, 'an app cannot depend, directly or not, on itself; remove one edge', { expected: 'no cycle', found: [...cycle, cycle[0]].join(' → ') });
  }
  return findings;
}

type Add = (code: string, path: (string | number)[], message: string, hint: string, extra?: Partial<Finding> & { at?: (string | number)[] }) => void;

/** The field's own position if the file has it, else the key of its nearest ancestor that it has. */
function nearest(locate: Locate, path: readonly (string | number)[]): SourcePosition | undefined {
  const exact = locate(path, { exact: true });
  if (exact) return exact;
  for (let length = path.length - 1; length > 0; length--) {
    const parent = locate(path.slice(0, length), { exact: true, key: true });
    if (parent) return parent;
  }
  return locate([]);
}

function checkApp(name: string, app: AppSpec, at: (...rest: (string | number)[]) => (string | number)[], add: Add): void {
  if (app.type === 'service' && !app.image) add('E_SPEC_IMAGE_REQUIRED', at('image'), `${name} is a service and needs an image`, 'add image: ghcr.io/you/' + name, { at: at(), expected: 'an image repository', found: 'nothing' });
  if (statefulTypes.has(app.type)) {
    if ((app.replicas ?? 1) > 1 || app.autoscale) add('E_SPEC_STATEFUL_REPLICAS', at(app.autoscale ? 'autoscale' : 'replicas'), `${name} (${app.type}) runs as a single instance`, 'remove replicas/autoscale; clustering data services is not supported', { expected: '1 replica', found: app.autoscale ? `autoscale ${app.autoscale.min}–${app.autoscale.max}` : `replicas: ${app.replicas}` });
    if (!app.persistence) add('E_SPEC_PERSISTENCE_REQUIRED', at('persistence'), `${name} (${app.type}) keeps data and needs persistence`, 'add persistence: { sizeGiB: 10 }', { at: at(), expected: 'persistence.sizeGiB', found: 'nothing' });
    if (app.ingress) add('E_SPEC_INGRESS_STATEFUL', at('ingress'), `${name} (${app.type}) cannot be exposed through HTTP ingress`, 'remove ingress', { expected: 'no ingress', found: app.ingress.host });
  }
  if (app.replicas !== undefined && app.autoscale) add('E_SPEC_REPLICAS_AND_AUTOSCALE', at('replicas'), `${name} sets both replicas and autoscale`, 'keep one: autoscale.min is the steady replica count', { expected: 'replicas or autoscale', found: 'both' });
  if (app.autoscale && app.autoscale.min > app.autoscale.max) {
    add('E_SPEC_AUTOSCALE_RANGE', at('autoscale', 'min'), `autoscale.min ${app.autoscale.min} is above autoscale.max ${app.autoscale.max}`, 'set min ≤ max', { expected: `≤ ${app.autoscale.max}`, found: String(app.autoscale.min) });
  }
  if (app.metrics && app.port !== undefined && app.metrics.port === app.port && app.type !== 'service') {
    add('E_SPEC_PORT_CLASH', at('metrics', 'port'), `${name}: metrics port equals the service port`, 'use a separate metrics port', { expected: `a port other than ${app.port}`, found: String(app.metrics.port) });
  }
  const { requests, limits } = app.resources;
  for (const [kind, parse] of [['cpu', cpuMillis], ['memory', memoryBytes]] as const) {
    const request = requests[kind];
    const limit = limits[kind];
    for (const [side, value] of [['requests', request], ['limits', limit]] as const) {
      if (value !== undefined && parseQuantity(value) === undefined) add('E_SPEC_QUANTITY', at('resources', side, kind), `${String(value)} is not a ${kind} quantity`, kind === 'cpu' ? 'write 250m or 0.25' : 'write 512Mi or 2Gi', { expected: `a ${kind} quantity`, found: String(value) });
    }
    if (request === undefined || limit === undefined || parseQuantity(request) === undefined || parseQuantity(limit) === undefined) continue;
    if (parse(limit) < parse(request)) {
      add('E_SPEC_LIMIT_BELOW_REQUEST', at('resources', 'limits', kind), `${name}: ${kind} limit ${String(limit)} is below the request ${String(request)}`, `raise the limit to at least ${String(request)} or lower the request`, { expected: `≥ ${String(request)}`, found: String(limit) });
    }
    if (parse(request) === 0) add('E_SPEC_ZERO_REQUEST', at('resources', 'requests', kind), `${name}: ${kind} request is zero`, 'request what the app needs at rest so the budget can count it', { expected: 'more than 0', found: String(request) });
  }
}

/** Each elementary cycle once, starting at its alphabetically first app. */
export function dependencyCycles(apps: Readonly<Record<string, AppSpec>>): string[][] {
  const cycles = new Map<string, string[]>();
  const visit = (start: string, node: string, trail: string[]): void => {
    for (const next of apps[node]?.dependsOn ?? []) {
      if (!(next in apps) || next === node) continue;
      if (next === start) {
        const rotated = rotate(trail);
        cycles.set(rotated.join('>'), rotated);
      } else if (!trail.includes(next) && next > start) visit(start, next, [...trail, next]);
    }
  };
  for (const start of Object.keys(apps).sort()) visit(start, start, [start]);
  return [...cycles.values()];
}

function rotate(cycle: string[]): string[] {
  const min = [...cycle].sort()[0]!;
  const at = cycle.indexOf(min);
  return [...cycle.slice(at), ...cycle.slice(0, at)];
}
