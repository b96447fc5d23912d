import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { renderFluxScript } from '../../../generator/render/bootstrap/flux-script.js';
import { renderFluxEntry } from '../../../generator/render/flux/index.js';
import type { RequiredSecret } from '../../../generator/render/secrets.js';
import { loadSpec } from '../../../generator/spec/load.js';
import type { LoadedSpec } from '../../../generator/spec/types.js';
import { createSandbox, type Sandbox } from './_sandbox.js';

/**
 * flux.sh run for real against a fake cluster: kubectl and helm are stubs that keep Secrets,
 * namespaces, the Helm release and the applied FluxInstance in files, and log every argument.
 */

const KUBECTL = [
  'k="$STUB_STATE/k8s"; mkdir -p "$k/ns" "$k/secrets"',
  'ns=""; args=(); while [ $# -gt 0 ]; do case "$1" in --namespace) ns="$2"; shift 2 ;; *) args+=("$1"); shift ;; esac; done',
  'set -- "${args[@]}"',
  'case "$1 ${2:-}" in',
  '  "get --raw=/readyz") echo ok ;;',
  '  "get namespace") [ -d "$k/ns/$3" ] ;;',
  '  "get secret")',
  '    [ -d "$k/secrets/$ns/$3" ] || exit 1',
  '    if [ "${4:-}" = -o ]; then key="${5#jsonpath=\\{.data.}"; key="${key%\\}}"; key="${key//\\\\./.}"; [ -f "$k/secrets/$ns/$3/$key" ] || exit 0; base64 -w0 <"$k/secrets/$ns/$3/$key"; fi ;;',
  '  "create namespace") mkdir "$k/ns/$3" ;;',
  '  "create secret")',
  '    name="$4"; [ ! -e "$k/secrets/$ns/$name" ] || { echo "AlreadyExists" >&2; exit 1; }',
  '    mkdir -p "$k/secrets/$ns/$name"; shift 4',
  '    for a in "$@"; do spec="${a#--from-file=}"; cp "${spec#*=}" "$k/secrets/$ns/$name/${spec%%=*}"; done ;;',
  '  "diff --server-side") [ -f "$k/applied" ] && cmp -s "$4" "$k/applied" && exit 0; exit 1 ;;',
  '  "apply --server-side") cp "$4" "$k/applied" ;;',
  '  "wait fluxinstance/flux") exit 0 ;;',
  '  *) echo "kubectl stub: unexpected $*" >&2; exit 9 ;;',
  'esac',
].join('\n');

const HELM = [
  'h="$STUB_STATE/helm"',
  'case "$1" in',
  '  list) if [ -f "$h" ]; then printf \'[{"name":"flux-operator","namespace":"flux-system","revision":"1","status":"deployed","chart":"flux-operator-%s","app_version":"v%s"}]\\n\' "$(cat "$h")" "$(cat "$h")"; else echo "[]"; fi ;;',
  '  upgrade) while [ $# -gt 0 ]; do [ "$1" = --version ] && echo "$2" > "$h"; shift; done ;;',
  '  *) exit 9 ;;',
  'esac',
].join('\n');

const SECRETS: RequiredSecret[] = [
  { namespace: 'iot', name: 'postgresql-credentials', description: 'PostgreSQL owner', keys: [{ key: 'password', value: 'random' }, { key: 'username', value: { literal: "iot'$(touch owned)" } }] },
  { namespace: 'monitoring', name: 'grafana-admin', description: 'Grafana admin\nsecond line', keys: [{ key: 'admin-password', value: 'random' }] },
];

function load(edit: (text: string) => string = (t) => t): LoadedSpec {
  const file = 'clusters/pi5-lab/cluster.yaml';
  const { spec, findings } = loadSpec(file, edit(readFileSync(file, 'utf8')));
  if (!spec) throw new Error(JSON.stringify(findings));
  return spec;
}

function sandboxFor(spec: LoadedSpec, secrets: readonly RequiredSecret[] = SECRETS): Sandbox {
  const files = [renderFluxScript(spec, 'bootstrap/pi5-lab/flux.sh', secrets), ...renderFluxEntry(spec)];
  const box = createSandbox(files, { kubectl: KUBECTL, helm: HELM });
  box.write('home/deploy-key', '-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-real-key\n-----END OPENSSH PRIVATE KEY-----\n', 0o600);
  box.write('home/known_hosts', 'github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n');
  return box;
}

const MUTATING = /^(kubectl (create|apply)|helm upgrade)/;
const state = (box: Sandbox, path: string): string => box.read(`../state/k8s/${path}`);

let box: Sandbox;
afterEach(() => box?.dispose());

describe('flux.sh', () => {
  it('installs the operator, creates the Secrets with random values, applies the FluxInstance, then has nothing to change', () => {
    // Given a reachable cluster without Flux and a deploy key with mode 0600
    box = sandboxFor(load());
    const args = ['--git-ssh-key', `${box.root}/home/deploy-key`, '--known-hosts', `${box.root}/home/known_hosts`];

    // When flux.sh runs
    const first = box.run('bootstrap/pi5-lab/flux.sh', args, { PI_GITOPS_REPO: box.repo });

    // Then it installs the pinned operator, creates every Secret and applies the rendered FluxInstance
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(box.calls().filter((c) => MUTATING.test(c) || c.startsWith('kubectl create namespace'))).toEqual([
      'kubectl create namespace flux-system',
      'helm upgrade --install flux-operator oci://ghcr.io/controlplaneio-fluxcd/charts/flux-operator --version 0.33.0 --namespace flux-system --wait --timeout 5m',
      `kubectl create secret generic flux-system --namespace flux-system --from-file=identity=${box.root}/home/deploy-key --from-file=known_hosts=${box.root}/home/known_hosts`,
      'kubectl create namespace iot',
      expect.stringMatching(/^kubectl create secret generic postgresql-credentials --namespace iot --from-file=password=\S+\/iot\.postgresql-credentials\/password --from-file=username=\S+$/),
      'kubectl create namespace monitoring',
      expect.stringMatching(/^kubectl create secret generic grafana-admin --namespace monitoring --from-file=admin-password=\S+$/),
      `kubectl apply --server-side -f ${box.repo}/clusters/pi5-lab/flux-system/flux-instance.yaml`,
    ]);
    expect(state(box, 'secrets/flux-system/flux-system/identity')).toBe(box.read('home/deploy-key'));
    expect(state(box, 'secrets/flux-system/flux-system/known_hosts')).toBe(box.read('home/known_hosts'));
    const password = state(box, 'secrets/iot/postgresql-credentials/password');
    const grafana = state(box, 'secrets/monitoring/grafana-admin/admin-password');
    expect(password).toMatch(/^[0-9a-f]{64}$/);
    expect(grafana).toMatch(/^[0-9a-f]{64}$/);
    expect(grafana).not.toBe(password);
    // A literal value arrives byte for byte, quotes and $(…) included, and ran nothing.
    expect(state(box, 'secrets/iot/postgresql-credentials/username')).toBe("iot'$(touch owned)");
    expect(state(box, 'applied')).toBe(readFileSync(`${box.repo}/clusters/pi5-lab/flux-system/flux-instance.yaml`, 'utf8'));
    // No secret value in the output or on any command line.
    for (const value of [password, grafana, 'not-a-real-key']) {
      expect(first.stdout + first.stderr).not.toContain(value);
      expect(box.calls().join('\n')).not.toContain(value);
    }

    // When it runs again, Then it changes nothing, keeps the generated values and says so
    const before = box.snapshot();
    box.clearLog();
    const second = box.run('bootstrap/pi5-lab/flux.sh', [], { PI_GITOPS_REPO: box.repo });
    expect(second.stderr).toBe('');
    expect(second.status).toBe(0);
    expect(second.stdout).toContain('nothing to change: Flux on pi5-lab already matches the repository');
    expect(box.calls().filter((c) => MUTATING.test(c))).toEqual([]);
    expect(box.snapshot()).toEqual(before);
  });

  it('copies a value from a Secret created earlier in the run, whatever the list order, without printing it', () => {
    // Given a copying Secret listed before its source (namespace a-… sorts first)
    const secrets: RequiredSecret[] = [
      { namespace: 'a-monitoring', name: 'grafana-influxdb-token', description: 'copy', keys: [{ key: 'token', value: { copyOf: { namespace: 'iot', name: 'influxdb-admin', key: 'token' } } }] },
      { namespace: 'iot', name: 'influxdb-admin', description: 'source', keys: [{ key: 'token', value: 'random' }] },
    ];
    box = sandboxFor(load(), secrets);
    // When flux.sh runs
    const result = box.run('bootstrap/pi5-lab/flux.sh', ['--git-ssh-key', `${box.root}/home/deploy-key`, '--known-hosts', `${box.root}/home/known_hosts`], { PI_GITOPS_REPO: box.repo });
    // Then the copy holds exactly the source's random value, which appears in no output
    expect(result.status, result.stderr).toBe(0);
    const token = state(box, 'secrets/iot/influxdb-admin/token');
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(state(box, 'secrets/a-monitoring/grafana-influxdb-token/token')).toBe(token);
    expect(result.stdout + result.stderr).not.toContain(token);
  });

  it('never overwrites a Secret that already exists', () => {
    box = sandboxFor(load());
    box.write('../state/k8s/ns/iot/.keep', '');
    box.write('../state/k8s/secrets/iot/postgresql-credentials/password', 'chosen-by-the-operator');
    const result = box.run('bootstrap/pi5-lab/flux.sh', ['--git-ssh-key', `${box.root}/home/deploy-key`, '--known-hosts', `${box.root}/home/known_hosts`], { PI_GITOPS_REPO: box.repo });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('ok: Secret iot/postgresql-credentials exists, left unchanged');
    expect(state(box, 'secrets/iot/postgresql-credentials/password')).toBe('chosen-by-the-operator');
    expect(box.calls().some((c) => c.startsWith('kubectl create secret generic postgresql-credentials'))).toBe(false);
  });

  it('refuses without Git credentials, or with a key others can read, and changes nothing', () => {
    for (const [args, message] of [
      [[], 'git credentials: ssh://git@github.com/example/pi-fleet.git is SSH: give --git-ssh-key FILE and --known-hosts FILE'],
      [['--git-ssh-key', 'KEY', '--known-hosts', 'HOSTS'], 'has mode 644; it holds a secret'],
    ] as const) {
      box = sandboxFor(load());
      box.write('home/deploy-key', 'key\n', 0o644);
      const resolved = args.map((a) => (a === 'KEY' ? `${box.root}/home/deploy-key` : a === 'HOSTS' ? `${box.root}/home/known_hosts` : a));
      const result = box.run('bootstrap/pi5-lab/flux.sh', resolved, { PI_GITOPS_REPO: box.repo });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(message);
      expect(box.calls().filter((c) => MUTATING.test(c) || c.startsWith('kubectl create'))).toEqual([]);
      box.dispose();
    }
  });

  it('with SOPS, creates sops-age (key age.agekey) from the age key file, and requires it', () => {
    const sops = load((t) => t.replace('secrets: { mode: bootstrap }', 'secrets: { mode: sops, ageRecipients: [age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p] }'));
    box = sandboxFor(sops);
    const args = ['--git-ssh-key', `${box.root}/home/deploy-key`, '--known-hosts', `${box.root}/home/known_hosts`];
    const missing = box.run('bootstrap/pi5-lab/flux.sh', args, { PI_GITOPS_REPO: box.repo });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('sops: secrets mode is sops: give --age-key FILE');

    box.write('home/age.key', '# created: 2026-01-01\n# public key: age1...\nAGE-SECRET-KEY-1NOTAREALKEY\n', 0o600);
    box.clearLog();
    const result = box.run('bootstrap/pi5-lab/flux.sh', args, { PI_GITOPS_REPO: box.repo, SOPS_AGE_KEY_FILE: `${box.root}/home/age.key` });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(state(box, 'secrets/flux-system/sops-age/age.agekey')).toBe(box.read('home/age.key'));
    expect(result.stdout + box.calls().join('\n')).not.toContain('AGE-SECRET-KEY-1NOTAREALKEY');
  });

  it('with an https:// Git URL, stores the token file (without its line break) as the password', () => {
    box = sandboxFor(load((t) => t.replace('ssh://git@github.com/example/pi-fleet.git', 'https://github.com/example/pi-fleet.git')));
    box.write('home/git-token', 'ghp_notarealtoken\n', 0o600);
    const result = box.run('bootstrap/pi5-lab/flux.sh', ['--git-token-file', `${box.root}/home/git-token`, '--git-username', 'flux'], { PI_GITOPS_REPO: box.repo });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(state(box, 'secrets/flux-system/flux-system/password')).toBe('ghp_notarealtoken');
    expect(state(box, 'secrets/flux-system/flux-system/username')).toBe('flux');
    expect(result.stdout + box.calls().join('\n')).not.toContain('ghp_notarealtoken');
  });

  it('renders the Secrets list generically, one commented call per Secret', () => {
    const script = renderFluxScript(load(), 'bootstrap/pi5-lab/flux.sh', SECRETS).content;
    expect(script).toContain("  # PostgreSQL owner\n  ensure_generated_secret 'iot' 'postgresql-credentials' 'password' random '' 'username' literal 'iot'\\''$(touch owned)'\n");
    expect(script).toContain("  # Grafana admin second line\n  ensure_generated_secret 'monitoring' 'grafana-admin' 'admin-password' random ''\n");
    expect(renderFluxScript(load(), 'x.sh', []).content).toContain('required_secrets() {\n  : # this cluster references no generated Secret\n}');
  });
});
