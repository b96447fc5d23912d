import { describe, expect, it } from 'vitest';
import { actionable, base, edit, expectNoStack, validateMemory } from './_tree.js';

const bomb = `a: &a ["x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
`;

/** Each invalid case: the repository, and exactly the findings (code@file:line) it must produce. */
const cases: [string, Record<string, string>, string[]][] = [
  ['a flow sequence left open', edit([['apps/lab/service.yaml', '    app: web', '    app: [web']]), ['E_FILE_YAML@apps/lab/service.yaml:9']],
  ['a duplicate key', edit([['apps/lab/configmap.yaml', '  GREETING: hello', '  GREETING: hello\n  GREETING: again']]), ['E_FILE_DUPLICATE_KEY@apps/lab/configmap.yaml:8', 'E_REF_CONFIGMAP@apps/lab/deployment.yaml:36'] /* the ConfigMap cannot be applied, so its reference dangles */],
  ['an alias bomb', edit([], { 'apps/lab/bomb.yaml': bomb }), ['E_FILE_ALIASES@apps/lab/bomb.yaml:2']],
  ['a tab in indentation', edit([['apps/lab/service.yaml', '    app: web', '\tapp: web']]), ['E_FILE_TAB@apps/lab/service.yaml:8']],
  ['a document that is a list', edit([], { 'apps/lab/list.yaml': '- a\n- b\n' }), ['E_FILE_NOT_OBJECT@apps/lab/list.yaml:1']],
  ['an object without apiVersion', edit([['apps/lab/configmap.yaml', 'apiVersion: v1\n', '']]), ['E_FILE_NO_API_VERSION@apps/lab/configmap.yaml:1']],
  ['an object without kind', edit([], { 'apps/lab/extra.yaml': 'apiVersion: v1\nmetadata:\n  name: x\n  namespace: iot\n' }), ['E_FILE_NO_KIND@apps/lab/extra.yaml:1']],
  ['an object without metadata.name', edit([['apps/lab/configmap.yaml', '  name: web-config\n', '']]), ['E_FILE_NO_NAME@apps/lab/configmap.yaml:3', 'E_REF_CONFIGMAP@apps/lab/deployment.yaml:36']],
  ['a Deployment on a removed apiVersion', edit([['apps/lab/deployment.yaml', 'apiVersion: apps/v1', 'apiVersion: extensions/v1beta1']]), ['E_FILE_API_VERSION@apps/lab/deployment.yaml:1']],
  ['a Deployment as core v1', edit([['apps/lab/deployment.yaml', 'apiVersion: apps/v1', 'apiVersion: v1']]), ['E_FILE_API_VERSION@apps/lab/deployment.yaml:1']],
  ['a Flux Kustomization on the removed v1beta2', edit([['clusters/lab/apps.yaml', 'kustomize.toolkit.fluxcd.io/v1', 'kustomize.toolkit.fluxcd.io/v1beta2']]), ['E_FILE_API_VERSION@clusters/lab/apps.yaml:1']],
  ['a GitRepository on the removed v1beta2', edit([['clusters/lab/flux-system/gotk-sync.yaml', 'source.toolkit.fluxcd.io/v1', 'source.toolkit.fluxcd.io/v1beta2']]), ['E_FILE_API_VERSION@clusters/lab/flux-system/gotk-sync.yaml:2']],
  ['a PodDisruptionBudget on policy/v1beta1', edit([['apps/lab/policy.yaml', 'policy/v1', 'policy/v1beta1']]), ['E_FILE_API_VERSION@apps/lab/policy.yaml:2']],
];

describe('files stage: invalid corpus', () => {
  it.each(cases)('%s', async (_name, files, expected) => {
    const result = await validateMemory(files);
    expect(actionable(result)).toEqual(expected.sort());
    expectNoStack(result);
  });

  it('reports a file larger than the cap without reading it as YAML', async () => {
    const files: Record<string, string | Uint8Array> = { ...base, 'apps/lab/huge.yaml': new Uint8Array(1024 * 1024 + 1).fill(0x20) };
    const result = await validateMemory(files as Record<string, string>);
    expect(actionable(result)).toEqual(['E_FILE_TOO_LARGE@apps/lab/huge.yaml:0']);
  });

  it('reports bytes that are not UTF-8 with their line', async () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: '), 0xff, 0xfe, 0x0a]);
    const result = await validateMemory({ ...base, 'apps/lab/bad.yaml': bytes } as unknown as Record<string, string>);
    expect(actionable(result)).toEqual(['E_FILE_ENCODING@apps/lab/bad.yaml:4']);
    expect(result.unusable).toBe(true);
  });
});

describe('files stage: what is not a manifest', () => {
  it('accepts workflow files, Helm values, the K3s config and .sops.yaml without apiVersion', async () => {
    const result = await validateMemory(edit([], {
      '.github/workflows/ci.yaml': 'on: [pull_request]\njobs:\n  validate:\n    runs-on: ubuntu-latest\n',
      'apps/lab/values.yaml': 'replicaCount: 2\n',
      'bootstrap/lab/config.yaml': 'write-kubeconfig-mode: "0600"\n',
      '.sops.yaml': 'creation_rules:\n  - path_regex: .*\\.sops\\.yaml$\n',
    }));
    expect(actionable(result)).toEqual([]);
  });

  it('stops after the files stage when a YAML file does not parse, and says why later stages did not run', async () => {
    const result = await validateMemory(edit([['apps/lab/service.yaml', '    app: web', '    app: [web']]));
    expect(result.unusable).toBe(true);
    expect(result.stages.find((s) => s.stage === 'build')).toMatchObject({ status: 'skipped', note: expect.stringContaining('does not parse') });
    expect(result.stages.find((s) => s.stage === 'policy')?.status).toBe('skipped');
  });

  it('says in an info finding that the schemas and budget stages are not wired, instead of passing silently', async () => {
    const result = await validateMemory({ ...base });
    expect(result.findings.filter((f) => f.code === 'I_STAGE_NOT_WIRED').map((f) => f.stage).sort()).toEqual(['budget', 'schemas']);
    expect(result.stages.find((s) => s.stage === 'schemas')?.status).toBe('not-wired');
  });
});
