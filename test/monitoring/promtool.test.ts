import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { runbookAnchor, runbookBase } from '../../generator/render/monitoring/alerts.js';
import { PROMETHEUS_PATHS } from '../../generator/render/monitoring/prometheus-config.js';
import { alertCases, type AlertCase } from './alert-cases.js';
import { configMapData, renderedFiles } from './_rendered.js';
import { exampleSpec } from './_spec.js';
import { haveTool, run } from './_tools.js';

const hasPromtool = haveTool('promtool');
const spec = exampleSpec('pi5-lab');
const data = configMapData(renderedFiles([spec]), 'apps/pi5-lab/monitoring/prometheus/configmap.yaml', 'prometheus-config');
const rules = configMapData(renderedFiles([spec]), 'apps/pi5-lab/monitoring/prometheus/configmap.yaml', 'prometheus-rules');
const rulesText = rules['alerts.yaml']!;
const configText = data['prometheus.yml']!;

interface RuleFile {
  groups: { name: string; rules: { alert: string; labels: Record<string, string>; annotations: Record<string, string> }[] }[];
}
const renderedAlerts = (parse(rulesText) as RuleFile).groups.flatMap((g) => g.rules);

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pi-gitops-promtool-'));
  mkdirSync(join(dir, 'rules'));
  writeFileSync(join(dir, 'rules', 'alerts.yaml'), rulesText);
  // Stand-ins for what only a cluster provides: the ServiceAccount token and CA.
  writeFileSync(join(dir, 'token'), 'dummy-token\n');
  writeFileSync(join(dir, 'ca.crt'), '');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The rendered config with only file locations moved into the temp dir. */
function localConfig(): string {
  return configText
    .replaceAll(PROMETHEUS_PATHS.rulesDir, join(dir, 'rules'))
    .replaceAll(PROMETHEUS_PATHS.saToken, join(dir, 'token'))
    .replaceAll(PROMETHEUS_PATHS.saCa, join(dir, 'ca.crt'));
}

/**
 * Debian's prometheus package is built without the Kubernetes service discovery (its Go client is not
 * packaged), so its promtool rejects `kubernetes_sd_configs` as an unknown field. Detect that once.
 */
function promtoolKnowsKubernetesSd(): boolean {
  const probe = join(dir, 'probe.yml');
  writeFileSync(probe, stringify({ scrape_configs: [{ job_name: 'probe', kubernetes_sd_configs: [{ role: 'pod' }] }] }));
  return run('promtool', ['check', 'config', probe]).code === 0;
}

/** Kubernetes SD as promtool would check it: known role, named namespaces, meta labels of that role. */
function kubernetesSdProblems(config: { scrape_configs: Record<string, unknown>[] }): string[] {
  const problems: string[] = [];
  const metaPrefix: Record<string, readonly string[]> = { pod: ['__meta_kubernetes_pod_', '__meta_kubernetes_namespace'], node: ['__meta_kubernetes_node_'] };
  for (const job of config.scrape_configs) {
    const sds = (job.kubernetes_sd_configs ?? []) as { role?: string; namespaces?: { names?: unknown[] } }[];
    for (const sd of sds) {
      if (!sd.role || !(sd.role in metaPrefix)) problems.push(`${String(job.job_name)}: role ${String(sd.role)}`);
      if (sd.namespaces && !(sd.namespaces.names ?? []).every((n) => typeof n === 'string' && /^[a-z0-9-]+$/.test(n))) problems.push(`${String(job.job_name)}: namespaces`);
      const relabels = (job.relabel_configs ?? []) as { source_labels?: string[] }[];
      for (const label of relabels.flatMap((r) => r.source_labels ?? [])) {
        if (label.startsWith('__meta_kubernetes_') && !metaPrefix[sd.role ?? '']?.some((p) => label.startsWith(p))) problems.push(`${String(job.job_name)}: ${label} is not a ${String(sd.role)} meta label`);
      }
    }
  }
  return problems;
}

function promtoolCase(name: string, c: AlertCase): object[] {
  const base = runbookBase(spec.cluster);
  return [
    {
      interval: c.interval ?? '1m',
      input_series: c.fires.series,
      alert_rule_test: [
        {
          eval_time: c.fires.at,
          alertname: name,
          exp_alerts: [{ exp_labels: c.fires.labels, exp_annotations: { summary: c.fires.summary, description: c.fires.description, runbook_url: `${base}#${runbookAnchor(name)}` } }],
        },
      ],
    },
    { interval: c.interval ?? '1m', input_series: c.quiet.series, alert_rule_test: [{ eval_time: c.quiet.at, alertname: name, exp_alerts: [] }] },
  ];
}

describe.skipIf(!hasPromtool)('promtool on the rendered Prometheus configuration (pi5-lab)', () => {
  it('passes `promtool check config` (Kubernetes SD checked structurally when Debian promtool lacks it)', () => {
    let text = localConfig();
    const config = parse(text) as { scrape_configs: Record<string, unknown>[] };
    if (!promtoolKnowsKubernetesSd()) {
      expect(kubernetesSdProblems(config)).toEqual([]);
      writeFileSync(join(dir, 'targets.json'), '[]\n');
      for (const job of config.scrape_configs) {
        if (job.kubernetes_sd_configs) {
          delete job.kubernetes_sd_configs;
          job.file_sd_configs = [{ files: [join(dir, 'targets.json')] }];
        }
      }
      text = stringify(config);
    }
    writeFileSync(join(dir, 'prometheus.yml'), text);
    const result = run('promtool', ['check', 'config', join(dir, 'prometheus.yml')]);
    expect(result.output).toContain('SUCCESS: 1 rule files found');
    expect(result.code, result.output).toBe(0);
  });

  it('passes `promtool check rules`', () => {
    const result = run('promtool', ['check', 'rules', join(dir, 'rules', 'alerts.yaml')]);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain(`SUCCESS: ${renderedAlerts.length} rules found`);
  });

  it('passes `promtool check rules` for pi5-mini and for pi5-lab without TLS or exporters', () => {
    const variants = [exampleSpec('pi5-mini'), exampleSpec('pi5-lab', (t) => t.replace('tls: { mode: selfSigned }', 'tls: { mode: none }').replace('logStorageGiB: 20', 'logStorageGiB: 20\n    exporters: false'))];
    for (const variant of variants) {
      const name = variant.cluster.metadata.name;
      const text = configMapData(renderedFiles([variant]), `apps/${name}/monitoring/prometheus/configmap.yaml`, 'prometheus-rules')['alerts.yaml']!;
      const file = join(dir, `variant-${name}-${variant.cluster.spec.platform.tls.mode}.yaml`);
      writeFileSync(file, text);
      const result = run('promtool', ['check', 'rules', file]);
      expect(result.code, result.output).toBe(0);
    }
  });

  it('has a firing and a quiet promtool unit test for every rendered alert, and no test for a missing one', () => {
    expect(Object.keys(alertCases).sort()).toEqual(renderedAlerts.map((r) => r.alert).sort());
  });

  it('passes `promtool test rules`: each alert fires on its series and stays quiet on the other', () => {
    const tests = Object.entries(alertCases).flatMap(([name, c]) => promtoolCase(name, c));
    const file = join(dir, 'rules', 'alerts.test.yaml');
    writeFileSync(file, stringify({ rule_files: ['alerts.yaml'], evaluation_interval: '1m', tests }, { lineWidth: 0 }));
    const result = run('promtool', ['test', 'rules', file]);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('SUCCESS');
  });

  it('fails `promtool test rules` when an alert is broken (the unit tests can fail)', () => {
    const broken = rulesText.replace("expr: up{job=\"node-exporter\"} == 0", 'expr: up{job="node-exporter"} == 2');
    expect(broken).not.toBe(rulesText);
    writeFileSync(join(dir, 'rules', 'broken.yaml'), broken);
    const tests = promtoolCase('NodeDown', alertCases.NodeDown!);
    const file = join(dir, 'rules', 'broken.test.yaml');
    writeFileSync(file, stringify({ rule_files: ['broken.yaml'], evaluation_interval: '1m', tests }, { lineWidth: 0 }));
    expect(run('promtool', ['test', 'rules', file]).code).not.toBe(0);
  });
});
