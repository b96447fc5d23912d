import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { renderRepository } from '../../generator/render/repository.js';
import { loadSpec } from '../../generator/spec/load.js';
import type { LoadedSpec } from '../../generator/spec/types.js';

/** Apps a spec may pick from; each depends only on apps listed before it, so there is never a cycle. */
const catalogue = [
  { name: 'postgresql', app: { type: 'postgresql', version: '17.6', persistence: { sizeGiB: 10 } } },
  { name: 'redis', app: { type: 'redis', version: '7.4.6', persistence: { sizeGiB: 2 } } },
  { name: 'mosquitto', app: { type: 'mosquitto', version: '2.0.22', persistence: { sizeGiB: 1 } } },
  { name: 'influxdb', app: { type: 'influxdb', version: '2.7.12', persistence: { sizeGiB: 20 } } },
  { name: 'api', app: { type: 'service', image: 'ghcr.io/example/api', version: '3.0.1', ingress: { host: 'api.iot.local' } } },
  { name: 'ingest', app: { type: 'service', image: 'ghcr.io/example/ingest', version: '2.1.0', metrics: { port: 9090 } } },
  { name: 'analytics', app: { type: 'service', image: 'ghcr.io/example/analytics', version: '0.9.3' } },
] as const;

const arbitrarySpec = fc
  .record({
    name: fc.constantFrom('alpha', 'beta-2', 'pi5-lab'),
    servers: fc.constantFrom(1, 3),
    agents: fc.integer({ min: 0, max: 4 }),
    memory: fc.constantFrom(2, 4, 8, 16),
    picked: fc.subarray([...catalogue.keys()], { minLength: 1 }),
    dependsOn: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 6 }),
    scaling: fc.array(fc.oneof(fc.constant(undefined), fc.integer({ min: 1, max: 3 }), fc.record({ min: fc.integer({ min: 1, max: 2 }), max: fc.integer({ min: 2, max: 5 }) })), { minLength: 7, maxLength: 7 }),
    monitoring: fc.boolean(),
    tls: fc.constantFrom('selfSigned', 'none', 'acme'),
    sops: fc.boolean(),
    branch: fc.constantFrom('main', 'release/1', 'prod'),
    cpu: fc.constantFrom('50m', '100m', '0.25', 1),
  })
  .map((r) => {
    const names = r.picked.map((i) => catalogue[i]!.name);
    const apps: Record<string, unknown> = {};
    r.picked.forEach((index, position) => {
      const { name, app } = catalogue[index]!;
      const earlier = names.slice(0, position);
      const dependsOn = [...new Set(r.dependsOn.filter(([from]) => from % names.length === position && earlier.length > 0).map(([, to]) => earlier[to % earlier.length]!))];
      const scale = app.type === 'service' ? r.scaling[index] : undefined;
      apps[name] = {
        ...app,
        ...(typeof scale === 'number' ? { replicas: scale } : scale ? { autoscale: scale } : {}),
        resources: { requests: { cpu: r.cpu, memory: '128Mi' }, limits: { memory: '256Mi' } },
        ...(dependsOn.length > 0 ? { dependsOn } : {}),
      };
    });
    const nodes = Array.from({ length: r.servers + r.agents }, (_, i) => ({
      name: `node-${i}`,
      address: `10.0.0.${i + 10}`,
      role: i < r.servers ? 'server' : 'agent',
      memoryGiB: r.memory,
      storage: { device: '/dev/nvme0n1p1', sizeGiB: 128 },
    }));
    return {
      apiVersion: 'pi-gitops.dev/v1alpha1',
      kind: 'Cluster',
      metadata: { name: r.name },
      spec: {
        domain: 'iot.local',
        git: { url: 'ssh://git@github.com/example/pi-fleet.git', branch: r.branch },
        k3s: { version: 'v1.36.2+k3s1' },
        nodes,
        platform: {
          tls: r.tls === 'acme' ? { mode: 'acme', acmeEmail: 'ops@example.com' } : { mode: r.tls },
          secrets: r.sops ? { mode: 'sops', ageRecipients: ['age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p'] } : { mode: 'bootstrap' },
        },
        monitoring: { enabled: r.monitoring },
        apps,
      },
    };
  });

/** The same value with every mapping's keys inserted in another order (lists keep theirs: order is meaning there). */
function reorder(value: unknown, random: () => number): unknown {
  if (Array.isArray(value)) return value.map((item) => reorder(item, random));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  for (let i = entries.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [entries[i], entries[j]] = [entries[j]!, entries[i]!];
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, reorder(v, random)]));
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function load(spec: object): LoadedSpec {
  const name = (spec as { metadata: { name: string } }).metadata.name;
  const result = loadSpec(`clusters/${name}/cluster.yaml`, stringify(spec));
  expect(result.findings).toEqual([]);
  return result.spec!;
}

const bytes = (specs: readonly LoadedSpec[]): string[] => renderRepository(specs).map((f) => `${f.path}\n${f.mode ?? ''}\n${f.content}`);

describe('rendering is deterministic', () => {
  it('renders the same spec to the same bytes every time', () => {
    fc.assert(
      fc.property(arbitrarySpec, (spec) => {
        expect(bytes([load(spec)])).toEqual(bytes([load(structuredClone(spec))]));
      }),
      { numRuns: 60 },
    );
  });

  it('does not depend on the order keys are written in the spec', () => {
    fc.assert(
      fc.property(arbitrarySpec, fc.integer(), (spec, seed) => {
        const shuffled = reorder(spec, mulberry32(seed)) as object;
        expect(bytes([load(shuffled)])).toEqual(bytes([load(spec)]));
      }),
      { numRuns: 60 },
    );
  });

  it('does not depend on the order clusters are given in', () => {
    fc.assert(
      fc.property(arbitrarySpec, arbitrarySpec, (a, b) => {
        const first = load({ ...a, metadata: { name: 'one' } });
        const second = load({ ...b, metadata: { name: 'two' }, spec: { ...b.spec, nodes: b.spec.nodes.map((n, i) => ({ ...n, address: `10.1.0.${i + 10}` })) } });
        expect(bytes([second, first])).toEqual(bytes([first, second]));
      }),
      { numRuns: 30 },
    );
  });
});
