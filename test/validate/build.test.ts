import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runValidation } from '../../generator/validate/run.js';
import { isRemote } from '../../generator/validate/_kustomize-tree.js';
import { actionable, base, edit, expectNoStack, validateMemory } from './_tree.js';

const kustomization = (resources: string[], extra = ''): string => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${resources.map((r) => `  - ${r}`).join('\n')}\n${extra}`;
const K = 'apps/lab/kustomization.yaml';
const withK = (resources: string[], extra = ''): Record<string, string> => edit([], { [K]: kustomization(resources, extra) });

/** Cases decided before kustomize runs (the folder is then not built), so they need no kubectl. */
const cases: [string, Record<string, string>, Record<string, string>, string[]][] = [
  ['a remote resource by URL', withK(['deployment.yaml', 'https://raw.githubusercontent.com/org/repo/main/deploy.yaml']), {}, ['E_BUILD_REMOTE@apps/lab/kustomization.yaml:5']],
  ['a remote base as a go-getter path with ?ref=', withK(['github.com/org/repo//deploy/base?ref=v1.2.3']), {}, ['E_BUILD_REMOTE@apps/lab/kustomization.yaml:4']],
  ['a remote base over SSH', withK(['deployment.yaml', 'service.yaml', 'git@github.com:org/repo.git//base']), {}, ['E_BUILD_REMOTE@apps/lab/kustomization.yaml:6']],
  ['a remote component', withK(['deployment.yaml'], 'components:\n  - https://github.com/org/components//tls?ref=main\n'), {}, ['E_BUILD_REMOTE@apps/lab/kustomization.yaml:6']],
  ['a remote base two levels down', edit([], { [K]: kustomization(['../base']), 'apps/base/kustomization.yaml': kustomization(['git::https://example.com/repo.git//x?ref=v1']) }), {}, ['E_BUILD_REMOTE@apps/base/kustomization.yaml:4']],
  ['a resource outside the repository', withK(['../../../etc/app']), {}, ['E_BUILD_OUTSIDE@apps/lab/kustomization.yaml:4']],
  ['an absolute resource path', withK(['/etc/kubernetes/app.yaml']), {}, ['E_BUILD_OUTSIDE@apps/lab/kustomization.yaml:4']],
  ['a resource that does not exist', withK(['deployment.yaml', 'sevrice.yaml']), {}, ['E_BUILD_MISSING@apps/lab/kustomization.yaml:5']],
  ['a resource through a symlink that escapes', withK(['shared']), { 'apps/lab/shared': '../../../outside' }, ['E_BUILD_SYMLINK_ESCAPE@apps/lab/kustomization.yaml:4']],
  ['a symlink escaping from a folder Flux builds whole', { ...base }, { 'apps/lab/secrets': '/etc/ssl/private' }, ['E_BUILD_SYMLINK_ESCAPE@apps/lab/secrets:0']],
  ['a Flux path that does not exist', edit([['clusters/lab/apps.yaml', './apps/lab', './apps/lob']]), {}, ['E_BUILD_PATH_MISSING@clusters/lab/apps.yaml:10']],
  ['a Flux path outside the repository', edit([['clusters/lab/apps.yaml', './apps/lab', './../other-repo/apps']]), {}, ['E_BUILD_OUTSIDE@clusters/lab/apps.yaml:10']],
  ['a Flux path through an escaping symlink', edit([['clusters/lab/apps.yaml', './apps/lab', './apps/current']]), { 'apps/current': '../../shared/apps' }, ['E_BUILD_SYMLINK_ESCAPE@clusters/lab/apps.yaml:10']],
];

describe('build stage: checked offline before kustomize runs', () => {
  it.each(cases)('%s', async (_name, files, symlinks, expected) => {
    const result = await validateMemory(files, {}, symlinks);
    expect(actionable(result)).toEqual(expected.sort());
    expectNoStack(result);
  });

  it('recognises remote references in every form kustomize fetches, and only those', () => {
    for (const remote of ['https://github.com/a/b', 'http://x/y.yaml', 'git@github.com:a/b.git', 'git::https://x/y', 'github.com/a/b//c?ref=v1', 'gitlab.com/a/b', 'example.com/org/repo//base', 'ssh://git@x/y', 'oci://ghcr.io/a/b']) expect(isRemote(remote), remote).toBe(true);
    for (const local of ['../base', 'deployment.yaml', './x/y', 'base/github.com-mirror']) expect(isRemote(local), local).toBe(false);
  });

  it('reports a remote base shared by two clusters once', async () => {
    const files: Record<string, string> = edit([], { [K]: kustomization(['../base']), 'apps/base/kustomization.yaml': kustomization(['https://example.com/app.yaml']) });
    for (const [path, text] of Object.entries(files)) if (path.startsWith('clusters/lab/')) files[path.replace('clusters/lab/', 'clusters/edge/')] = text.replace('./clusters/lab', './clusters/edge');
    const result = await validateMemory(files);
    expect(actionable(result)).toEqual(['E_BUILD_REMOTE@apps/base/kustomization.yaml:4']);
  });

  it('follows a symlink that stays inside the repository', async () => {
    const result = await validateMemory(edit([['clusters/lab/apps.yaml', './apps/lab', './apps/current']]), {}, { 'apps/current': 'lab' });
    expect(actionable(result)).toEqual([]);
  });
});

describe('build stage: real kustomize', () => {
  let root: string;
  const write = (files: Record<string, string>): string => {
    const dir = mkdtempSync(join(root, 'case-'));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    return dir;
  };
  beforeAll(() => {
    try {
      execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    } catch {
      throw new Error('kubectl (with kustomize v5) is required for the build-stage tests and was not found on PATH');
    }
    root = mkdtempSync(join(tmpdir(), 'pi-gitops-build-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reports a kustomize error with kustomize\'s own message, relative to the repository', async () => {
    const dir = write(withK(['deployment.yaml', 'service.yaml', 'policy.yaml', 'configmap.yaml'], 'patches:\n  - path: missing-patch.yaml\n'));
    const result = await runValidation(dir);
    expect(actionable(result)).toEqual(['E_BUILD@apps/lab/kustomization.yaml:1']);
    const finding = result.findings.find((f) => f.code === 'E_BUILD')!;
    expect(finding.message).toContain('missing-patch.yaml');
    expect(finding.message).not.toContain(dir);
    expectNoStack(result);
  });

  it('builds overlays, applies targetNamespace, and points findings at the line that set the value', async () => {
    const files = edit([
      ['clusters/lab/apps.yaml', '  prune: true', '  prune: true\n  targetNamespace: iot'],
      ['apps/lab/deployment.yaml', '  namespace: iot\n', ''],
    ], {
      [K]: kustomization(['deployment.yaml', 'service.yaml', 'policy.yaml', 'configmap.yaml'], 'images:\n  - name: docker.io/library/nginx\n    newTag: latest\n'),
    });
    const result = await runValidation(write(files));
    expect(actionable(result)).toEqual(['E_POLICY_IMAGE_TAG@apps/lab/kustomization.yaml:10']);
  });

  it('says kubectl is missing and calls the input unusable, instead of passing', async () => {
    const saved = process.env.PI_GITOPS_KUBECTL;
    process.env.PI_GITOPS_KUBECTL = join(root, 'no-such-kubectl');
    try {
      const result = await runValidation('test/fixtures/flux-example');
      expect(result.unusable).toBe(true);
      expect(actionable(result)).toEqual(['E_BUILD_TOOL_MISSING@:0']);
      expect(result.stages.find((s) => s.stage === 'references')).toMatchObject({ status: 'skipped', note: expect.stringContaining('kustomize is missing') });
    } finally {
      if (saved === undefined) delete process.env.PI_GITOPS_KUBECTL;
      else process.env.PI_GITOPS_KUBECTL = saved;
    }
  });

  it('validates the hand-written Flux example clean with real builds', async () => {
    const result = await runValidation('test/fixtures/flux-example');
    expect(actionable(result)).toEqual([]);
    expect(result.stages.find((s) => s.stage === 'spec')).toMatchObject({ status: 'skipped' });
    expect(result.stages.find((s) => s.stage === 'build')).toMatchObject({ status: 'ran', errors: 0 });
  });
});
