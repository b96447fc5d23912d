import { stringify } from 'yaml';
import { loadSpec } from '../generator/spec/load.js';
import type { LoadedSpec } from '../generator/spec/types.js';

/** A synthetic cluster spec: `nodes` Pi 5 16 GB boards (1 server) and `apps` small services, 1/4 of them data services. */
export function syntheticSpecText(name: string, nodes: number, apps: number): string {
  const appEntries: Record<string, unknown> = {};
  for (let i = 0; i < apps; i++) {
    const id = `app-${String(i).padStart(3, '0')}`;
    const stateful = i % 4 === 3;
    appEntries[id] = stateful
      ? { type: 'redis', version: '7.4.6', resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } }, persistence: { sizeGiB: 1 } }
      : {
          type: 'service',
          image: `ghcr.io/example/${id}`,
          version: '1.0.0',
          ...(i % 3 === 0 ? { autoscale: { min: 1, max: 3 } } : { replicas: 2 }),
          port: 8080,
          metrics: { port: 9090 },
          resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
          dependsOn: i >= 4 ? [`app-${String(i - (i % 4) - 1).padStart(3, '0')}`] : [],
        };
  }
  return stringify({
    apiVersion: 'pi-gitops.dev/v1alpha1',
    kind: 'Cluster',
    metadata: { name },
    spec: {
      domain: `${name}.local`,
      git: { url: 'ssh://git@example.invalid/fleet.git' },
      k3s: { version: 'v1.36.1+k3s1' },
      nodes: Array.from({ length: nodes }, (_, n) => ({
        name: `${name}-node-${String(n).padStart(2, '0')}`,
        address: `10.${Math.floor(n / 250)}.${n % 250}.10`,
        role: n === 0 ? 'server' : 'agent',
        memoryGiB: 16,
        storage: { device: '/dev/nvme0n1p1', sizeGiB: 512 },
      })),
      apps: appEntries,
    },
  });
}

export function syntheticSpec(name: string, nodes: number, apps: number): LoadedSpec {
  const file = `clusters/${name}/cluster.yaml`;
  const { spec, findings } = loadSpec(file, syntheticSpecText(name, nodes, apps));
  if (!spec) throw new Error(`synthetic spec ${name} is invalid: ${findings.map((f) => f.message).join('; ')}`);
  return spec;
}
