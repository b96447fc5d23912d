import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyPlan, plan } from '../../generator/io/tree.js';
import { renderRepository } from '../../generator/render/repository.js';
import { requiredSecrets } from '../../generator/render/secrets.js';
import { parseObjects, renderedFiles } from './_rendered.js';
import { exampleSpec } from './_spec.js';

const lab = exampleSpec('pi5-lab');
const mini = exampleSpec('pi5-mini');
const labOff = exampleSpec('pi5-lab', (t) => t.replace('  monitoring:\n    enabled: true', '  monitoring:\n    enabled: false'));
/** Every per-cluster monitoring value changed: namespace, retention, sizes, resources, host, TLS, exporters. */
const labChanged = exampleSpec('pi5-lab', (t) =>
  t
    .replace('  monitoring:\n    enabled: true', '  monitoring:\n    enabled: true\n    namespace: observability\n    grafanaHost: dash.iot.local\n    exporters: false\n    resources:\n      prometheus: { requests: { cpu: 300m, memory: 768Mi }, limits: { cpu: "2", memory: 1536Mi } }')
    .replace('retention: 15d', 'retention: 30d')
    .replace('storageGiB: 20', 'storageGiB: 40')
    .replace('tls: { mode: selfSigned }', 'tls: { mode: none }'),
);

const baseFiles = (files: Map<string, { content: string }>): [string, string][] =>
  [...files.entries()].filter(([path]) => path.startsWith('apps/base/monitoring/')).map(([path, f]) => [path, f.content]);

describe('monitoring rendering', () => {
  it('renders a base per component and an overlay per cluster', () => {
    const files = renderedFiles([lab]);
    for (const c of ['prometheus', 'node-exporter', 'kube-state-metrics', 'grafana', 'loki', 'alloy']) {
      expect(files.has(`apps/base/monitoring/${c}/kustomization.yaml`), c).toBe(true);
      expect(files.has(`apps/pi5-lab/monitoring/${c}/kustomization.yaml`), c).toBe(true);
    }
    expect(files.has('apps/pi5-lab/monitoring/kustomization.yaml')).toBe(true);
  });

  it('keeps the shared bases byte-identical whatever cluster renders them', () => {
    const reference = baseFiles(renderedFiles([lab]));
    expect(reference.length).toBeGreaterThan(10);
    expect(baseFiles(renderedFiles([mini]))).toEqual(reference);
    expect(baseFiles(renderedFiles([labChanged]))).toEqual(reference);
    expect(baseFiles(renderedFiles([lab, mini]))).toEqual(reference);
  });

  it('puts every per-cluster value in the overlay', () => {
    const files = renderedFiles([labChanged]);
    const overlay = [...files.entries()].filter(([p]) => p.startsWith('apps/pi5-lab/monitoring/')).map(([, f]) => f.content).join('\n');
    for (const value of ['observability', 'dash.iot.local', '--storage.tsdb.retention.time=30d', '--storage.tsdb.retention.size=32768MB', 'storage: 40Gi', 'memory: 768Mi']) {
      expect(overlay, value).toContain(value);
    }
    expect(overlay).not.toContain('cert-manager.io/cluster-issuer');
  });

  it('renders nothing of monitoring when spec.monitoring.enabled is false', () => {
    const files = renderedFiles([labOff]);
    expect([...files.keys()].filter((p) => p.includes('monitoring'))).toEqual([]);
    const apps = parseObjects(files.get('clusters/pi5-lab/apps.yaml')!.content);
    expect(apps.map((o) => o.metadata.name)).toEqual(['apps']);
    expect(requiredSecrets(labOff.cluster).filter((s) => s.namespace === 'monitoring')).toEqual([]);
  });

  it('keeps the bases while another cluster still enables monitoring, and drops only the disabled overlay', () => {
    const files = renderedFiles([labOff, mini]);
    expect(baseFiles(files)).toEqual(baseFiles(renderedFiles([lab])));
    expect([...files.keys()].some((p) => p.startsWith('apps/pi5-lab/monitoring/'))).toBe(false);
    expect(files.has('apps/pi5-mini/monitoring/kustomization.yaml')).toBe(true);
  });

  it('renders the same bytes twice', () => {
    const a = [...renderedFiles([lab, mini]).values()].map((f) => f.content);
    const b = [...renderedFiles([lab, mini]).values()].map((f) => f.content);
    expect(a).toEqual(b);
  });

  it('declares the Grafana admin and InfluxDB-token Secrets for the bootstrap, never their values', () => {
    const secrets = requiredSecrets(lab.cluster).filter((s) => s.namespace === 'monitoring');
    expect(secrets.map((s) => [s.name, s.keys.map((k) => [k.key, k.value])])).toEqual([
      ['grafana-admin', [['admin-user', { literal: 'admin' }], ['admin-password', 'random']]],
      // InfluxDB 2 only accepts the admin token's value up front: the bootstrap copies it for Grafana.
      ['grafana-influxdb-token', [['token', { copyOf: { namespace: 'iot', name: 'influxdb-admin', key: 'token' } }]]],
    ]);
    const rendered = [...renderedFiles([lab]).values()].map((f) => f.content).join('\n');
    expect(rendered).not.toMatch(/kind: Secret\b/);
    expect(rendered).not.toMatch(/GF_SECURITY_ADMIN_PASSWORD\s*\n\s*value:/);
  });
});

describe('turning monitoring off in a generated tree', () => {
  it('removes every monitoring file the generator wrote and touches nothing else', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pi-gitops-off-'));
    try {
      // Given a tree generated with monitoring on
      await applyPlan(root, (await plan(root, renderRepository([lab]))).changes);
      expect(existsSync(join(root, 'apps/pi5-lab/monitoring/prometheus/configmap.yaml'))).toBe(true);
      // When the spec turns it off and the tree is regenerated
      const { changes } = await plan(root, renderRepository([labOff]));
      await applyPlan(root, changes);
      // Then exactly the monitoring files went, and the Flux entry dropped its Kustomization
      const removed = changes.filter((c) => c.kind === 'removed').map((c) => c.path);
      expect(removed.length).toBeGreaterThan(40);
      expect(removed.every((p) => p.startsWith('apps/base/monitoring/') || p.startsWith('apps/pi5-lab/monitoring/'))).toBe(true);
      // Other files change only where they served monitoring: the Flux entry, the apps overlay (exporter
      // sidecars, scrape annotations, the policy letting Prometheus in) and the bootstrap (Grafana Secrets).
      const changed = changes.filter((c) => c.kind !== 'removed');
      expect(changed.map((c) => c.path)).toContain('clusters/pi5-lab/apps.yaml');
      for (const change of changed) {
        expect(change.path).toMatch(/^(clusters\/pi5-lab\/apps\.yaml|apps\/pi5-lab\/[^/]+(\/[^/]+)?\.yaml|bootstrap\/pi5-lab\/flux\.sh)$/);
        expect(change.path.startsWith('apps/pi5-lab/monitoring/')).toBe(false);
        expect(change.file?.content, change.path).not.toMatch(/grafana|prometheus\.io\/scrape|kubernetes\.io\/metadata\.name: monitoring/);
      }
      expect(existsSync(join(root, 'apps/pi5-lab/monitoring/kustomization.yaml'))).toBe(false);
      expect(existsSync(join(root, 'apps/base/monitoring/prometheus/statefulset.yaml'))).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
