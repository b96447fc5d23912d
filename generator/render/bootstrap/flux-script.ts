import type { LoadedSpec } from '../../spec/types.js';
import { textFile, type GeneratedFile } from '../files.js';
import { fluxInstance, SOPS_AGE_SECRET } from '../flux/index.js';
import { FLUX_NAMESPACE, FLUX_SOURCE_NAME, layout } from '../layout.js';
import { requiredSecrets, type RequiredSecret } from '../secrets.js';
import { COMMON_SH, FLUX_SH } from './_assets.js';
import { SHEBANG } from './node-script.js';
import { shComment, shq, shReadonly } from './shell.js';

/** The Flux Operator's Helm chart (controlplaneio-fluxcd/charts, OCI); its chart version is the operator version. */
export const FLUX_OPERATOR_CHART = 'oci://ghcr.io/controlplaneio-fluxcd/charts/flux-operator';
/** Key of the age private key in the sops-age Secret, the name kustomize-controller's SOPS decryption looks for. */
export const SOPS_AGE_KEY = 'age.agekey';

/** One `ensure_generated_secret` call per Secret of `requiredSecrets()`, rendered generically from the list. */
function secretCalls(secrets: readonly RequiredSecret[]): string {
  // Secrets that copy another Secret's value come after every Secret they could copy from.
  const copies = (secret: RequiredSecret): boolean => secret.keys.some((k) => typeof k.value === 'object' && 'copyOf' in k.value);
  const ordered = [...secrets.filter((s) => !copies(s)), ...secrets.filter(copies)];
  const calls = ordered.map((secret) => {
    const keys = secret.keys.map((k) => {
      if (k.value === 'random') return `${shq(k.key)} random ''`;
      if ('literal' in k.value) return `${shq(k.key)} literal ${shq(k.value.literal)}`;
      const from = k.value.copyOf;
      return `${shq(k.key)} copy ${shq(`${from.namespace}/${from.name}/${from.key}`)}`;
    });
    return [`  ${shComment(secret.description)}`, `  ensure_generated_secret ${shq(secret.namespace)} ${shq(secret.name)} ${keys.join(' ')}`].join('\n');
  });
  return [
    '# The Secrets the manifests reference but never contain (generator/render/secrets.ts requiredSecrets).',
    'required_secrets() {',
    ...(calls.length > 0 ? calls : ['  : # this cluster references no generated Secret']),
    '}',
  ].join('\n');
}

/** bootstrap/<cluster>/flux.sh: Flux Operator, Git/age/app Secrets, FluxInstance. */
export function renderFluxScript(spec: LoadedSpec, path: string, secrets: readonly RequiredSecret[] = requiredSecrets(spec.cluster)): GeneratedFile {
  const { cluster } = spec;
  const name = cluster.metadata.name;
  const instance = fluxInstance(spec) as { metadata: { name: string } };
  const data = [
    'set -euo pipefail',
    '',
    '# ---- from the spec ----',
    shReadonly('CLUSTER_NAME', name),
    shReadonly('GIT_URL', cluster.spec.git.url),
    shComment('ssh:// URLs authenticate with a deploy key, https:// with a token.'),
    shReadonly('GIT_AUTH', cluster.spec.git.url.startsWith('ssh://') ? 'ssh' : 'token'),
    shReadonly('FLUX_VERSION', cluster.spec.flux.version),
    shReadonly('FLUX_OPERATOR_VERSION', cluster.spec.flux.operatorVersion),
    shReadonly('FLUX_OPERATOR_CHART', FLUX_OPERATOR_CHART),
    shReadonly('FLUX_NAMESPACE', FLUX_NAMESPACE),
    shComment('FluxInstance.spec.sync.pullSecret (generator/render/flux/index.ts).'),
    shReadonly('GIT_SECRET', FLUX_SOURCE_NAME),
    shReadonly('FLUX_INSTANCE_FILE', `${layout.fluxSystem(name)}/flux-instance.yaml`),
    shReadonly('FLUX_INSTANCE_NAME', instance.metadata.name),
    shReadonly('SOPS_ENABLED', String(cluster.spec.platform.secrets.mode === 'sops')),
    shReadonly('SOPS_SECRET', SOPS_AGE_SECRET),
    shReadonly('SOPS_KEY', SOPS_AGE_KEY),
    secretCalls(secrets),
  ].join('\n');
  return textFile(path, spec.file, `${data}\n${COMMON_SH}${FLUX_SH}`, { shebang: SHEBANG, mode: 0o755 });
}
