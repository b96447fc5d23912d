import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadSpec } from '../../generator/spec/load.js';

// renovate.json's regex managers, run the way Renovate runs them (each matchString with the g
// flag over the whole file) against the real example specs, the schema and the generator source.

interface Manager {
  customType: string;
  description: string;
  managerFilePatterns: string[];
  matchStrings: string[];
  datasourceTemplate?: string;
  depNameTemplate?: string;
  versioningTemplate?: string;
}
interface Dep {
  depName: string;
  currentValue: string;
  datasource: string;
}

const config = JSON.parse(readFileSync('renovate.json', 'utf8')) as { customManagers: Manager[]; enabledManagers: string[]; ignorePaths: string[] };

function filePattern(pattern: string): RegExp {
  const m = pattern.match(/^\/(.*)\/$/);
  if (!m) throw new Error(`managerFilePatterns entry ${pattern} is not a /regex/`);
  return new RegExp(m[1]!);
}

/** What Renovate would extract from one file: every match of every matchString of every manager whose file pattern fits. */
function extract(file: string, content: string): Dep[] {
  const deps: Dep[] = [];
  for (const manager of config.customManagers) {
    if (!manager.managerFilePatterns.some((p) => filePattern(p).test(file))) continue;
    for (const source of manager.matchStrings) {
      for (const match of content.matchAll(new RegExp(source, 'g'))) {
        const g = match.groups ?? {};
        deps.push({ depName: g.depName ?? manager.depNameTemplate ?? '?', currentValue: g.currentValue ?? '?', datasource: g.datasource ?? manager.datasourceTemplate ?? '?' });
      }
    }
  }
  return deps.sort((a, b) => a.depName.localeCompare(b.depName) || a.currentValue.localeCompare(b.currentValue));
}

const officialImage: Record<string, string> = { postgresql: 'postgres', redis: 'redis', mosquitto: 'eclipse-mosquitto', influxdb: 'influxdb' };

interface RawSpec {
  spec: {
    k3s: { version: string };
    flux?: { version?: string; operatorVersion?: string };
    platform?: { tls?: { certManagerVersion?: string } };
    apps?: Record<string, { type: string; image?: string; version: string | number }>;
  };
}

/** The dependencies a spec declares, read with a YAML parser (no defaults filled in). */
function declared(text: string): Dep[] {
  const raw = parseYaml(text) as RawSpec;
  const s = raw.spec;
  const deps: Dep[] = [{ depName: 'k3s-io/k3s', currentValue: s.k3s.version, datasource: 'github-releases' }];
  if (s.flux?.version) deps.push({ depName: 'fluxcd/flux2', currentValue: s.flux.version, datasource: 'github-releases' });
  if (s.flux?.operatorVersion) deps.push({ depName: 'controlplaneio-fluxcd/flux-operator', currentValue: s.flux.operatorVersion, datasource: 'github-releases' });
  if (s.platform?.tls?.certManagerVersion) deps.push({ depName: 'cert-manager', currentValue: s.platform.tls.certManagerVersion, datasource: 'helm' });
  for (const app of Object.values(s.apps ?? {})) {
    deps.push({ depName: app.image ?? officialImage[app.type]!, currentValue: String(app.version), datasource: 'docker' });
  }
  return deps.sort((a, b) => a.depName.localeCompare(b.depName) || a.currentValue.localeCompare(b.currentValue));
}

describe('renovate.json', () => {
  it('is JSON with regex managers, npm and GitHub Actions enabled, and skips the generated folders', () => {
    expect(config.enabledManagers).toEqual(['custom.regex', 'npm', 'github-actions']);
    expect(config.ignorePaths).toEqual(expect.arrayContaining(['apps/**', 'infrastructure/**', 'bootstrap/**']));
    expect(config.customManagers.length).toBeGreaterThanOrEqual(9);
    for (const m of config.customManagers) expect(m.customType).toBe('regex');
  });

  it('uses only regex features RE2 supports (no lookaround, no backreferences)', () => {
    for (const m of config.customManagers) {
      for (const s of m.matchStrings) {
        expect(s, m.description).not.toMatch(/\(\?[=!]|\(\?<[=!]|\\[1-9]/);
        expect(() => new RegExp(s, 'g')).not.toThrow();
      }
    }
  });

  it.each(['clusters/pi5-lab/cluster.yaml', 'clusters/pi5-mini/cluster.yaml'])('finds every image, K3s and Flux version in %s, and nothing else', (file) => {
    const text = readFileSync(file, 'utf8');

    expect(extract(file, text)).toEqual(declared(text));
  });

  it('finds flow-style flux, the Flux Operator and cert-manager versions in a valid spec', () => {
    const lab = readFileSync('clusters/pi5-lab/cluster.yaml', 'utf8');
    const text = lab
      .replace('  flux:\n    version: 2.9.4\n', '  flux: { version: 2.9.4, operatorVersion: "0.33.0" }\n')
      .replace('tls: { mode: selfSigned }', 'tls: { mode: selfSigned, certManagerVersion: v1.19.1 }')
      .replace('  k3s:\n    version: v1.36.1+k3s1\n    apiHost: k3s.iot.local\n', '  k3s:\n    apiHost: k3s.iot.local\n    version: v1.36.1+k3s1 # pinned\n');
    expect(loadSpec('clusters/pi5-lab/cluster.yaml', text).findings).toEqual([]);

    const deps = extract('clusters/pi5-lab/cluster.yaml', text);

    expect(deps).toEqual(declared(text));
    expect(deps).toEqual(expect.arrayContaining([
      { depName: 'controlplaneio-fluxcd/flux-operator', currentValue: '0.33.0', datasource: 'github-releases' },
      { depName: 'cert-manager', currentValue: 'v1.19.1', datasource: 'helm' },
      { depName: 'k3s-io/k3s', currentValue: 'v1.36.1+k3s1', datasource: 'github-releases' },
    ]));
  });

  it('keeps the defaults in the schema current too', () => {
    const text = readFileSync('schemas/cluster.schema.json', 'utf8');
    const spec = (JSON.parse(text) as { properties: { spec: { properties: Record<string, { properties: Record<string, { default?: string; properties?: Record<string, { default?: string }> }> }> } } }).properties.spec.properties;

    expect(extract('schemas/cluster.schema.json', text)).toEqual([
      { depName: 'cert-manager', currentValue: spec.platform!.properties.tls!.properties!.certManagerVersion!.default!, datasource: 'helm' },
      { depName: 'controlplaneio-fluxcd/flux-operator', currentValue: spec.flux!.properties.operatorVersion!.default!, datasource: 'github-releases' },
      { depName: 'fluxcd/flux2', currentValue: spec.flux!.properties.version!.default!, datasource: 'github-releases' },
    ]);
  });

  it('reads the K3s version scheme, build number included', () => {
    const k3s = config.customManagers.find((m) => m.depNameTemplate === 'k3s-io/k3s')!;
    const scheme = new RegExp(k3s.versioningTemplate!.replace(/^regex:/, ''));

    expect(scheme.exec('v1.36.1+k3s2')?.groups).toEqual({ major: '1', minor: '36', patch: '1', build: '2' });
  });

  it('picks up pinned versions in generator source written with the `// renovate:` convention', () => {
    const source = [
      '// renovate: datasource=docker depName=prom/prometheus',
      "export const PROMETHEUS_IMAGE = 'prom/prometheus:v3.5.0';",
      '// renovate: datasource=docker depName=grafana/loki',
      "const lokiTag = 'v3.4.2';",
      '// renovate: datasource=helm depName=traefik registryUrl=https://traefik.github.io/charts',
      '  chartVersion: "34.1.0",',
    ].join('\n');

    expect(extract('generator/render/monitoring/prometheus.ts', source)).toEqual([
      { depName: 'grafana/loki', currentValue: 'v3.4.2', datasource: 'docker' },
      { depName: 'prom/prometheus', currentValue: 'v3.5.0', datasource: 'docker' },
      { depName: 'traefik', currentValue: '34.1.0', datasource: 'helm' },
    ]);
    expect(extract('test/fixture.ts', source)).toEqual([]);
  });

  it('every `renovate:` comment in the generator source is followed by a version it can extract', () => {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (path.endsWith('.ts')) files.push(path);
      }
    };
    walk('generator');
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const comments = (text.match(/\/\/[ \t]*renovate:[ \t]*datasource=/g) ?? []).length;
      expect(extract(file, text).length, file).toBe(comments);
    }
  });
});
