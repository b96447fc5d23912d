import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../generator/findings.js';
import { checkPolicy } from '../../generator/validate/policy/index.js';
import { runValidation } from '../../generator/validate/run.js';
import type { ClusterContext } from '../../generator/validate/object-checks.js';
import type { BuiltObject } from '../../generator/validate/types.js';
import { copyRepo, requireKubectl } from './_cli.js';
import { actionable, base, validateMemory } from './_tree.js';

describe('schemas and budget slots', () => {
  it('runs a wired schemas ObjectCheck over every built object of each cluster and reports it as ran', async () => {
    const seen: string[] = [];
    const schemas = (objects: readonly BuiltObject[]): Finding[] => {
      seen.push(...objects.map((o) => String(o.object.kind)));
      const deployment = objects.find((o) => o.object.kind === 'Deployment')!;
      return [{ stage: 'schemas', code: 'E_SCHEMA_UNKNOWN_FIELD', severity: 'error', message: 'replica is not a field', file: deployment.source!.file, position: deployment.source!.position! }];
    };
    const result = await validateMemory({ ...base }, { objectChecks: { schemas } });
    expect(seen).toEqual(expect.arrayContaining(['Deployment', 'Service', 'ConfigMap', 'Namespace', 'Kustomization', 'GitRepository']));
    expect(actionable(result)).toEqual(['E_SCHEMA_UNKNOWN_FIELD@apps/lab/deployment.yaml:1']);
    expect(result.stages.find((s) => s.stage === 'schemas')).toMatchObject({ status: 'ran', errors: 1 });
    expect(result.stages.find((s) => s.stage === 'budget')).toMatchObject({ status: 'not-wired' });
  });

  it('moves a schema finding from the object\'s line to the field\'s line when the file writes that field', async () => {
    const files = { ...base, 'apps/lab/deployment.yaml': base['apps/lab/deployment.yaml']!.replace('  replicas: 2', '  replica: 2') };
    const schemas = (objects: readonly BuiltObject[]): Finding[] => objects.filter((o) => o.object.kind === 'Deployment').map((o) => ({ stage: 'schemas', code: 'E_SCHEMA_UNKNOWN_FIELD', severity: 'error', message: 'unknown field', file: o.source!.file, position: o.source!.position!, path: 'spec.replica' }));
    const result = await validateMemory(files, { objectChecks: { schemas } });
    expect(actionable(result)).toEqual(expect.arrayContaining(['E_SCHEMA_UNKNOWN_FIELD@apps/lab/deployment.yaml:7']));
  });

  it('gives a per-cluster budget check its cluster name', async () => {
    const contexts: ClusterContext[] = [];
    const budget = { forCluster: (context: ClusterContext) => (contexts.push(context), () => []) };
    const result = await validateMemory({ ...base }, { objectChecks: { budget } });
    expect(contexts.map((c) => c.cluster)).toEqual(['lab']);
    expect(result.stages.find((s) => s.stage === 'budget')).toMatchObject({ status: 'ran', errors: 0 });
    expect(result.findings.some((f) => f.code === 'I_STAGE_NOT_WIRED' && f.stage === 'budget')).toBe(false);
  });

  it('says so when a per-cluster check does not apply (no spec for the budget), instead of passing silently', async () => {
    const result = await validateMemory({ ...base }, { objectChecks: { budget: { forCluster: (c) => (c.spec ? () => [] : undefined) } } });
    expect(result.findings.filter((f) => f.stage === 'budget').map((f) => [f.code, f.message])).toEqual([['I_STAGE_NOT_APPLICABLE', 'budget stage does not apply to cluster lab: it has no usable clusters/<name>/cluster.yaml']]);
  });
});

describe('findings in generated repositories', () => {
  beforeAll(requireKubectl);
  it('name the spec field that produced the object, and the spec is handed to per-cluster checks', async () => {
    const dir = copyRepo('.');
    try {
      mkdirSync(join(dir, 'apps/pi5-lab'), { recursive: true });
      writeFileSync(join(dir, 'apps/pi5-lab/kustomization.yaml'), 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - deployment.yaml\n');
      writeFileSync(join(dir, 'apps/pi5-lab/deployment.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: device-management\n  namespace: iot\n  labels:\n    app.kubernetes.io/name: device-management\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ghcr.io/example/device-management:latest\n');
      const contexts: ClusterContext[] = [];
      const result = await runValidation(dir, { cluster: 'pi5-lab', objectChecks: { budget: { forCluster: (c) => (contexts.push(c), () => []) } } });
      const finding = result.findings.find((f) => f.code === 'E_POLICY_IMAGE_TAG');
      expect(finding).toMatchObject({ file: 'apps/pi5-lab/deployment.yaml', position: { line: 13 }, origin: { file: 'clusters/pi5-lab/cluster.yaml', path: 'spec.apps.device-management', position: { line: 63 } } });
      expect(contexts[0]?.spec?.cluster.metadata.name).toBe('pi5-lab');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Pi 5 page size', () => {
  const influx: BuiltObject = { object: { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'influxdb', namespace: 'iot' }, spec: { template: { spec: { containers: [{ name: 'influxdb', image: 'quay.io/influxdb/influxdb3-core:3.4.1' }] } } } }, fluxPath: 'apps' };

  it('warns about InfluxDB 3 on the 16 KB kernel and names the kernel8.img workaround', async () => {
    const finding = (await checkPolicy([influx], { pageSize16k: true })).find((f) => f.code === 'W_POLICY_PAGE_SIZE');
    expect(finding?.hint).toContain('kernel=kernel8.img');
    expect(finding?.hint).toContain('pageSize4k: true');
  });

  it('stays quiet when every node boots the 4 KB kernel', async () => {
    expect((await checkPolicy([influx], { pageSize16k: false })).map((f) => f.code)).not.toContain('W_POLICY_PAGE_SIZE');
  });
});

describe('a bug in a check', () => {
  it('becomes one finding of that stage, and the other stages still report', async () => {
    const schemas = (): never => { throw new TypeError('boom'); };
    const result = await validateMemory({ ...base, 'apps/lab/deployment.yaml': base['apps/lab/deployment.yaml']!.replace('nginx:1.27.3', 'nginx:latest') }, { objectChecks: { schemas } });
    expect(actionable(result)).toEqual(['E_POLICY_IMAGE_TAG@apps/lab/deployment.yaml:30', 'E_VALIDATE_INTERNAL@clusters/lab:0']);
    expect(result.findings.find((f) => f.code === 'E_VALIDATE_INTERNAL')?.message).toContain('boom');
  });
});

describe('field paths', () => {
  it('parse back what formatPath writes', async () => {
    const { formatPath } = await import('../../generator/findings.js');
    const { parsePath } = await import('../../generator/validate/locate.js');
    for (const path of [['spec', 'template', 'spec', 'containers', 0, 'image'], ['metadata', 'labels', 'app.kubernetes.io/name'], ['spec', 'apps', 'device-management', 'env', 'LOG_LEVEL']]) {
      expect(parsePath(formatPath(path))).toEqual(path);
    }
  });
});
