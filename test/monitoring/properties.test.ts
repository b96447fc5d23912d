import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { retentionSize } from '../../generator/render/monitoring/prometheus.js';
import type { LoadedSpec } from '../../generator/spec/types.js';
import { renderedFiles } from './_rendered.js';
import { exampleSpec } from './_spec.js';

const lab = exampleSpec('pi5-lab');
const bases = (spec: LoadedSpec): string[] =>
  [...renderedFiles([spec]).entries()].filter(([p]) => p.startsWith('apps/base/monitoring/')).map(([p, f]) => `${p}\n${f.content}`);
const reference = bases(lab);

const monitoringVariant = fc.record({
  namespace: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/),
  retentionDays: fc.integer({ min: 1, max: 90 }),
  storageGiB: fc.integer({ min: 1, max: 500 }),
  logStorageGiB: fc.integer({ min: 1, max: 500 }),
  exporters: fc.boolean(),
  tls: fc.constantFrom('selfSigned', 'acme', 'none'),
  promMemoryMi: fc.integer({ min: 256, max: 4096 }),
});

type Variant = typeof monitoringVariant extends fc.Arbitrary<infer T> ? T : never;

function withMonitoring(v: Variant): LoadedSpec {
  const s = lab.cluster.spec;
  const resources = { ...s.monitoring.resources, prometheus: { requests: { cpu: '200m', memory: `${v.promMemoryMi}Mi` }, limits: { cpu: '1', memory: `${v.promMemoryMi * 2}Mi` } } };
  return {
    ...lab,
    cluster: {
      ...lab.cluster,
      spec: {
        ...s,
        platform: { ...s.platform, tls: { ...s.platform.tls, mode: v.tls as 'selfSigned' | 'acme' | 'none' } },
        monitoring: { ...s.monitoring, namespace: v.namespace, retention: `${v.retentionDays}d`, storageGiB: v.storageGiB, logStorageGiB: v.logStorageGiB, exporters: v.exporters, resources },
      },
    },
  };
}

describe('monitoring rendering properties', () => {
  it('never changes a shared base, whatever the per-cluster monitoring values', () => {
    fc.assert(
      fc.property(monitoringVariant, (v) => {
        expect(bases(withMonitoring(v))).toEqual(reference);
      }),
      { numRuns: 40 },
    );
  });

  it('renders the same bytes for the same spec', () => {
    fc.assert(
      fc.property(monitoringVariant, (v) => {
        const a = [...renderedFiles([withMonitoring(v)]).values()].map((f) => f.content);
        const b = [...renderedFiles([withMonitoring(v)]).values()].map((f) => f.content);
        expect(a).toEqual(b);
      }),
      { numRuns: 20 },
    );
  });

  it('keeps retention by size below the volume size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), (gib) => {
        const mib = Number(/^(\d+)MB$/.exec(retentionSize(gib))?.[1]);
        expect(mib).toBeGreaterThan(0);
        expect(mib).toBeLessThan(gib * 1024);
      }),
    );
  });
});
