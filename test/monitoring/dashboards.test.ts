import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { alertGroups } from '../../generator/render/monitoring/alerts.js';
import { knownMetrics, metricNames } from '../../generator/render/monitoring/metrics.js';
import { configMapData, renderedFiles } from './_rendered.js';
import { exampleSpec } from './_spec.js';

const spec = exampleSpec('pi5-lab');
const files = renderedFiles([spec]);
const dashboards = configMapData(files, 'apps/base/monitoring/grafana/configmap.yaml', 'grafana-dashboards');
const provisioned = (parse(configMapData(files, 'apps/pi5-lab/monitoring/grafana/configmap.yaml', 'grafana-datasources')['datasources.yaml']!) as {
  datasources: { uid: string; type: string; name: string; jsonData?: Record<string, unknown>; secureJsonData?: Record<string, string> }[];
}).datasources;
const dsTypes = new Map(provisioned.map((d) => [d.uid, d.type]));

interface Panel {
  id: number;
  title: string;
  type: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource: { type: string; uid: string };
  targets: { refId: string; expr: string; datasource: { type: string; uid: string } }[];
}
const parsed = Object.entries(dashboards).map(([file, json]) => ({ file, board: JSON.parse(json) as { uid: string; title: string; panels: Panel[]; templating: { list: { datasource?: { uid: string } }[] } } }));

describe('Grafana provisioning', () => {
  it('provisions Prometheus, Loki and InfluxDB (Flux language, token read from the mounted Secret)', () => {
    expect([...dsTypes.entries()].sort()).toEqual([['influxdb', 'influxdb'], ['loki', 'loki'], ['prometheus', 'prometheus']]);
    const influx = provisioned.find((d) => d.uid === 'influxdb')!;
    expect(influx.jsonData).toMatchObject({ version: 'Flux', organization: 'pi-gitops', defaultBucket: 'iot' });
    expect(influx.secureJsonData?.token).toMatch(/^\$__file\{\/etc\/grafana\/secrets\/influxdb\/token\}$/);
  });

  it('ships the two dashboards: Raspberry Pi cluster overview and IoT services', () => {
    expect(parsed.map((p) => p.board.title).sort()).toEqual(['IoT services', 'Raspberry Pi cluster overview']);
  });

  for (const { file, board } of parsed) {
    it(`${file}: every panel and query names a provisioned datasource by uid and matching type`, () => {
      for (const panel of board.panels) {
        expect(dsTypes.get(panel.datasource.uid), `${panel.title}`).toBe(panel.datasource.type);
        expect(panel.targets.length, panel.title).toBeGreaterThan(0);
        for (const target of panel.targets) expect(dsTypes.get(target.datasource.uid), `${panel.title}/${target.refId}`).toBe(target.datasource.type);
      }
      for (const variable of board.templating.list) if (variable.datasource) expect(dsTypes.has(variable.datasource.uid)).toBe(true);
    });

    it(`${file}: panel ids are unique and panels fit the 24-column grid`, () => {
      const ids = board.panels.map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const p of board.panels) expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
    });

    it(`${file}: every Prometheus query uses only metrics a scrape job exposes`, () => {
      const known = knownMetrics(spec.cluster);
      const unknown = board.panels
        .flatMap((p) => p.targets.filter((t) => t.datasource.type === 'prometheus').map((t) => ({ panel: p.title, names: metricNames(t.expr) })))
        .flatMap(({ panel, names }) => names.filter((n) => !known.has(n)).map((n) => `${panel}: ${n}`));
      expect(unknown).toEqual([]);
    });
  }

  it('checks the dashboards include the Pi temperature and IoT panels the issue asks for', () => {
    const exprs = parsed.flatMap((p) => p.board.panels.flatMap((panel) => panel.targets.map((t) => t.expr))).join('\n');
    for (const metric of ['node_thermal_zone_temp', 'node_hwmon_temp_celsius', 'node_cpu_seconds_total', 'node_memory_MemAvailable_bytes', 'node_filesystem_avail_bytes', 'node_network_receive_bytes_total', 'iot_ingested_messages_total', 'http_request_duration_seconds_bucket', 'iot_mqtt_messages_received_total', 'New client connected', 'pg_up', 'redis_up']) {
      expect(exprs).toContain(metric);
    }
  });
});

describe('alert rule metrics', () => {
  it('uses only metrics a scrape job exposes, for every example variant', () => {
    for (const variant of [spec, exampleSpec('pi5-mini'), exampleSpec('pi5-lab', (t) => t.replace('tls: { mode: selfSigned }', 'tls: { mode: none }').replace('logStorageGiB: 20', 'logStorageGiB: 20\n    exporters: false'))]) {
      const known = knownMetrics(variant.cluster);
      const unknown = alertGroups(variant.cluster).flatMap((g) => g.rules.flatMap((r) => metricNames(r.expr).filter((n) => !known.has(n)).map((n) => `${r.alert}: ${n}`)));
      expect(unknown).toEqual([]);
    }
  });

  it('extracts metric names from PromQL and so catches an unknown one', () => {
    expect(metricNames('sum by (app, le) (rate(foo_seconds_bucket{a="b"}[5m])) / on (app) group_left bar_total offset 5m')).toEqual(['bar_total', 'foo_seconds_bucket']);
    expect(metricNames('max by (instance) (x or label_replace(y{chip="z"}, "type", "t", "", "")) > 80')).toEqual(['x', 'y']);
    expect(knownMetrics(spec.cluster).has('foo_seconds_bucket')).toBe(false);
  });
});
