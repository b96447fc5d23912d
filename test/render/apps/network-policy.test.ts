import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { servePort } from '../../../generator/render/apps/_model.js';
import { allowedPaths, networkPolicies } from '../../../generator/render/apps/network-policy.js';
import { exampleSpec } from '../../helpers/examples.js';

const paths = (edit?: (t: string) => string): string[] => allowedPaths(networkPolicies(exampleSpec('pi5-lab', edit).cluster));

describe('NetworkPolicy derivation', () => {
  it('denies all ingress and egress in the apps namespace, then allows DNS to CoreDNS only', () => {
    const policies = networkPolicies(exampleSpec('pi5-lab').cluster);
    expect(policies.find((p) => p.metadata?.name === 'default-deny')?.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(paths().filter((p) => p.includes('kube-dns'))).toEqual([
      'egress all-pods -> ns:kube-system/k8s-app=kube-dns TCP/53',
      'egress all-pods -> ns:kube-system/k8s-app=kube-dns UDP/53',
    ]);
  });

  it('opens each dependsOn edge on the target port, as egress on the client and ingress on the target', () => {
    const all = paths();
    expect(all).toContain('egress api-service -> app:postgresql TCP/5432');
    expect(all).toContain('ingress postgresql <- app:api-service TCP/5432');
    expect(all).toContain('egress data-ingestion -> app:mosquitto TCP/1883');
    expect(all).toContain('ingress mosquitto <- app:data-ingestion TCP/1883');
    // analytics does not depend on redis: no path either way.
    expect(all.filter((p) => p.includes('analytics') && p.includes('redis'))).toEqual([]);
  });

  it('adding one dependency opens exactly that path and nothing else', () => {
    const before = paths();
    const after = paths((t) => t.replace('dependsOn: [influxdb, postgresql]', 'dependsOn: [influxdb, postgresql, redis]'));
    expect(after.filter((p) => !before.includes(p))).toEqual(['egress analytics -> app:redis TCP/6379', 'ingress redis <- app:analytics TCP/6379']);
    expect(before.filter((p) => !after.includes(p))).toEqual([]);
  });

  it('removing one dependency closes exactly that path', () => {
    const before = paths();
    const after = paths((t) => t.replace('dependsOn: [postgresql, mosquitto]', 'dependsOn: [postgresql]'));
    expect(before.filter((p) => !after.includes(p))).toEqual(['egress device-management -> app:mosquitto TCP/1883', 'ingress mosquitto <- app:device-management TCP/1883']);
    expect(after.filter((p) => !before.includes(p))).toEqual([]);
  });

  it('lets Traefik reach only the apps with an ingress host, on their serving port', () => {
    expect(paths().filter((p) => p.includes('traefik'))).toEqual(['ingress api-service <- ns:kube-system/app:traefik TCP/8080']);
  });

  it('lets the monitoring namespace reach the metrics ports, and nothing when monitoring is off', () => {
    const scrapes = paths().filter((p) => p.includes('ns:monitoring'));
    expect(scrapes).toEqual([
      'ingress analytics <- ns:monitoring/all-pods TCP/9090',
      'ingress api-service <- ns:monitoring/all-pods TCP/9090',
      'ingress data-ingestion <- ns:monitoring/all-pods TCP/9090',
      'ingress device-management <- ns:monitoring/all-pods TCP/9090',
      'ingress influxdb <- ns:monitoring/all-pods TCP/8086',
      'ingress postgresql <- ns:monitoring/all-pods TCP/9187',
      'ingress redis <- ns:monitoring/all-pods TCP/9121',
    ]);
    const off = paths((t) => t.replace('monitoring:\n    enabled: true', 'monitoring:\n    enabled: false'));
    expect(off.filter((p) => p.includes('ns:monitoring'))).toEqual([]);
  });

  it('with ACME, lets Traefik reach cert-manager HTTP-01 solver pods on 8089 only', () => {
    const acme = paths((t) => t.replace('tls: { mode: selfSigned }', 'tls: { mode: acme, acmeEmail: ops@example.com }'));
    expect(acme.filter((p) => !paths().includes(p))).toEqual(['ingress acme.cert-manager.io/http01-solver=true <- ns:kube-system/app:traefik TCP/8089']);
  });
});

describe('NetworkPolicy derivation, for any new edge', () => {
  it('adding any one missing dependency opens exactly client → target on the target port, both ways', () => {
    const cluster = exampleSpec('pi5-lab').cluster;
    const names = Object.keys(cluster.spec.apps).sort();
    const missing = names.flatMap((client) => names.filter((target) => target !== client && !cluster.spec.apps[client]!.dependsOn.includes(target)).map((target) => [client, target] as const));
    const before = allowedPaths(networkPolicies(cluster));
    fc.assert(
      fc.property(fc.constantFrom(...missing), ([client, target]) => {
        const app = cluster.spec.apps[client]!;
        const edited = { ...cluster, spec: { ...cluster.spec, apps: { ...cluster.spec.apps, [client]: { ...app, dependsOn: [...app.dependsOn, target] } } } };
        const after = allowedPaths(networkPolicies(edited));
        const port = servePort(cluster.spec.apps[target]!);
        expect(after.filter((p) => !before.includes(p))).toEqual([`egress ${client} -> app:${target} TCP/${port}`, `ingress ${target} <- app:${client} TCP/${port}`]);
        expect(before.filter((p) => !after.includes(p))).toEqual([]);
      }),
      { numRuns: missing.length },
    );
  });
});
