import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { GeneratedFile } from '../../generator/render/files.js';
import { renderRepository } from '../../generator/render/repository.js';
import { SHARED, summariseChanges } from '../../generator/report/changes.js';
import { changesMarkdown, changesText } from '../../generator/report/changes-format.js';
import { loadSpec } from '../../generator/spec/load.js';
import type { LoadedSpec } from '../../generator/spec/types.js';
import { git, runCli, sandbox, type Sandbox } from '../ci/helpers.js';

const labText = readFileSync('clusters/pi5-lab/cluster.yaml', 'utf8');
const miniText = readFileSync('clusters/pi5-mini/cluster.yaml', 'utf8');

function spec(file: string, text: string): LoadedSpec {
  const { spec: loaded, findings } = loadSpec(file, text);
  if (!loaded) throw new Error(JSON.stringify(findings));
  return loaded;
}

describe('summariseChanges', () => {
  it('names the changed object and field when a spec upgrades Flux', () => {
    const before = renderRepository([spec('clusters/pi5-lab/cluster.yaml', labText)]);
    const after = renderRepository([spec('clusters/pi5-lab/cluster.yaml', labText.replace('version: 2.9.4', 'version: 2.9.5'))]);

    const summary = summariseChanges(before, after, ['pi5-lab'], 'origin/main');

    expect(summary.clusters).toEqual([
      {
        cluster: 'pi5-lab',
        added: [],
        removed: [],
        changed: [{ kind: 'FluxInstance', namespace: 'flux-system', name: 'flux', file: 'clusters/pi5-lab/flux-system/flux-instance.yaml', fields: [{ path: 'spec.distribution.version', before: '2.9.4', after: '2.9.5' }], fieldCount: 1 }],
      },
    ]);
  });

  it('lists the objects of a new cluster as added, in that cluster’s own folders', () => {
    const before = renderRepository([spec('clusters/pi5-lab/cluster.yaml', labText)]);
    const after = renderRepository([spec('clusters/pi5-lab/cluster.yaml', labText), spec('clusters/pi5-mini/cluster.yaml', miniText)]);

    const summary = summariseChanges(before, after, ['pi5-lab', 'pi5-mini'], 'HEAD');

    expect(summary.clusters.map((c) => c.cluster)).toContain('pi5-mini');
    expect(summary.clusters.map((c) => c.cluster)).not.toContain('pi5-lab');
    const mini = summary.clusters.find((c) => c.cluster === 'pi5-mini')!;
    expect(mini.changed).toEqual([]);
    expect(mini.removed).toEqual([]);
    expect(mini.added.map((a) => `${a.kind} ${a.namespace}/${a.name}`)).toContain('FluxInstance flux-system/flux');
    expect(mini.added.every((a) => a.file.split('/').includes('pi5-mini'))).toBe(true);
  });

  it('reports a replica count raised in an overlay kustomization, and removals, grouped by cluster with shared bases last', () => {
    const file = (path: string, content: string): GeneratedFile => ({ path, content });
    const overlay = (count: number): string => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../base/api-service\nreplicas:\n  - name: api-service\n    count: ${count}\n`;
    const base = '---\napiVersion: v1\nkind: Service\nmetadata:\n  name: api-service\n  namespace: iot\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: old\n  namespace: iot\n';
    const before = [file('apps/pi5-lab/kustomization.yaml', overlay(2)), file('apps/base/api-service/service.yaml', base)];
    const after = [file('apps/pi5-lab/kustomization.yaml', overlay(4)), file('apps/base/api-service/service.yaml', base.split('---\n').slice(0, 2).join('---\n'))];

    const summary = summariseChanges(before, after, ['pi5-lab'], 'origin/main');

    expect(summary.clusters.map((c) => c.cluster)).toEqual(['pi5-lab', SHARED]);
    expect(summary.clusters[0]!.changed[0]).toMatchObject({ kind: 'Kustomization', name: 'apps/pi5-lab/kustomization.yaml', fields: [{ path: 'replicas[0].count', before: '2', after: '4' }] });
    expect(summary.clusters[1]!.removed).toEqual([{ kind: 'ConfigMap', namespace: 'iot', name: 'old', file: 'apps/base/api-service/service.yaml' }]);
    expect(changesText(summary)).toContain('  ~ Kustomization apps/pi5-lab/kustomization.yaml  (apps/pi5-lab/kustomization.yaml)\n      replicas[0].count: 2 → 4');
    expect(changesMarkdown(summary)).toContain('| pi5-lab | 0 | 1 | 0 |');
  });

  it('says so when nothing changes', () => {
    const files = renderRepository([spec('clusters/pi5-lab/cluster.yaml', labText)]);

    const summary = summariseChanges(files, files, ['pi5-lab'], 'HEAD');

    expect(summary.clusters).toEqual([]);
    expect(changesMarkdown(summary)).toBe('No rendered Kubernetes object changes against `HEAD`.\n');
  });
});

describe('pi-gitops diff', () => {
  let box: Sandbox | undefined;
  afterEach(() => {
    box?.cleanup();
    box = undefined;
  });

  it('compares the specs committed at --base with the working tree, as JSON with a version', async () => {
    box = sandbox();
    const work = box.clone('work');
    const file = join(work, 'clusters/pi5-lab/cluster.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('version: 2.9.4', 'version: 2.9.5'));
    git(work, 'commit', '-q', '-am', 'Upgrade Flux');
    writeFileSync(join(work, 'clusters/pi5-mini/cluster.yaml'), miniText.replace('branch: main', 'branch: release'));

    const run = await runCli(['diff', '--base', 'HEAD~1', '--format', 'json'], work);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as ReturnType<typeof summariseChanges>;
    expect(summary.version).toBe(1);
    expect(summary.base).toBe('HEAD~1');
    const fields = (cluster: string): string[] => (summary.clusters.find((c) => c.cluster === cluster)?.changed ?? []).flatMap((m) => m.fields.map((f) => `${m.kind} ${f.path}: ${f.before} → ${f.after}`));
    expect(fields('pi5-lab')).toContain('FluxInstance spec.distribution.version: 2.9.4 → 2.9.5');
    expect(fields('pi5-mini')).toContain('FluxInstance spec.sync.ref: refs/heads/main → refs/heads/release');
  });

  it('exits 2 naming an unknown base', async () => {
    box = sandbox();
    const work = box.clone('work');

    const run = await runCli(['diff', '--base', 'no-such-branch'], work);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('diff: cannot read clusters/ at no-such-branch');
  });
});
