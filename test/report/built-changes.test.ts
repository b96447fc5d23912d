import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildChanges } from '../../generator/io/built-changes.js';
import type { GeneratedFile } from '../../generator/render/files.js';
import { summariseBuilt, type ChangeSummary } from '../../generator/report/changes.js';
import { changesMarkdown } from '../../generator/report/changes-format.js';
import { git, runCli, sandbox, type Sandbox } from '../ci/helpers.js';

// `diff --build`: both renderings built per cluster with the real kubectl kustomize, as Flux would.

const deployment = (replicas?: number): Record<string, unknown> => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'iot' }, spec: { ...(replicas ? { replicas } : {}), template: { spec: { containers: [{ name: 'web', image: 'ghcr.io/example/web:1.0.0' }] } } } });

describe('summariseBuilt', () => {
  it('shows a change to a shared base in every cluster that builds it', () => {
    const before = ['pi5-lab', 'pi5-mini'].map((cluster) => ({ cluster, fluxPath: `apps/${cluster}`, object: deployment(2) }));
    const after = before.map((e) => ({ ...e, object: { ...e.object, metadata: { name: 'web', namespace: 'iot', labels: { tier: 'edge' } } } }));

    const summary = summariseBuilt(before, after, 'origin/main');

    expect(summary.mode).toBe('build');
    expect(summary.clusters.map((c) => [c.cluster, c.changed.map((m) => `${m.kind} ${m.namespace}/${m.name} ${m.fields.map((f) => `${f.path}: ${f.before ?? ''} → ${f.after}`).join()}`)])).toEqual([
      ['pi5-lab', ['Deployment iot/web metadata.labels:  → {"tier":"edge"}']],
      ['pi5-mini', ['Deployment iot/web metadata.labels:  → {"tier":"edge"}']],
    ]);
  });
});

describe('buildChanges with kubectl kustomize', () => {
  // A minimal Flux repository: the cluster entry points a Flux Kustomization at apps/pi5-lab,
  // whose overlay sets the replica count of a shared base.
  const tree = (count: number): GeneratedFile[] => [
    { path: 'clusters/pi5-lab/kustomization.yaml', content: 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - apps.yaml\n' },
    {
      path: 'clusters/pi5-lab/apps.yaml',
      content: 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  interval: 1h\n  path: ./apps/pi5-lab\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n',
    },
    { path: 'apps/pi5-lab/kustomization.yaml', content: `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../base/web\nreplicas:\n  - name: web\n    count: ${count}\n` },
    { path: 'apps/base/web/kustomization.yaml', content: 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - deployment.yaml\n' },
    { path: 'apps/base/web/deployment.yaml', content: JSON.stringify(deployment()) },
  ];

  it('reports the replica count a pull request raises as a change to the Deployment the cluster runs', async () => {
    const summary: ChangeSummary = await buildChanges(tree(2), tree(3), ['pi5-lab'], 'origin/main');

    expect(summary.buildErrors).toEqual([]);
    expect(summary.clusters).toEqual([
      { cluster: 'pi5-lab', added: [], removed: [], changed: [{ kind: 'Deployment', namespace: 'iot', name: 'web', file: 'apps/pi5-lab', fields: [{ path: 'spec.replicas', before: '2', after: '3' }], fieldCount: 1 }] },
    ]);
    expect(changesMarkdown(summary)).toContain('- ✏️ `Deployment iot/web` (built from `apps/pi5-lab`)\n  - `spec.replicas: 2 → 3`');
  });

  it('reports a folder that fails to build, once, naming the sides and without the temporary path', async () => {
    const broken = tree(3).map((f) => (f.path === 'apps/pi5-lab/kustomization.yaml' ? { ...f, content: f.content.replace('../base/web', '../base/missing') } : f));

    const summary = await buildChanges(tree(2), broken, ['pi5-lab'], 'origin/main');

    expect(summary.buildErrors).toHaveLength(1);
    expect(summary.buildErrors[0]).toMatch(/^pi5-lab apps\/pi5-lab \(head\): .*missing/);
    expect(summary.buildErrors[0]).not.toContain('pi-gitops-diff-');
    expect(summary.clusters[0]!.removed.map((r) => `${r.kind} ${r.name}`)).toEqual(['Deployment web']);
  });
});

describe('pi-gitops diff --build', () => {
  let box: Sandbox | undefined;
  afterEach(() => {
    box?.cleanup();
    box = undefined;
  });

  it('builds both sides per cluster and reports JSON in build mode', async () => {
    box = sandbox();
    const work = box.clone('work');
    const file = join(work, 'clusters/pi5-lab/cluster.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('version: 2.9.4', 'version: 2.9.5'));

    const run = await runCli(['diff', '--build', '--base', 'HEAD', '--format', 'json'], work);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as ChangeSummary;
    expect(summary.mode).toBe('build');
    const lab = summary.clusters.find((c) => c.cluster === 'pi5-lab');
    expect(lab?.changed).toEqual([{ kind: 'FluxInstance', namespace: 'flux-system', name: 'flux', file: 'clusters/pi5-lab', fields: [{ path: 'spec.distribution.version', before: '2.9.4', after: '2.9.5' }], fieldCount: 1 }]);
    git(work, 'checkout', '-q', '--', '.');
  });
});
