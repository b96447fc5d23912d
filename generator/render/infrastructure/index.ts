import type { LoadedSpec } from '../../spec/types.js';
import { kustomizationFile } from '../apps/index.js';
import type { BaseFile } from '../apps/_component.js';
import type { ClusterRenderer, SharedRenderer } from '../compose.js';
import { SHARED_SOURCE, type GeneratedFile } from '../files.js';
import { kustomizeFile } from '../flux/kustomization.js';
import { layout } from '../layout.js';
import { yamlFile } from '../serialize.js';
import { certManagerBase, certManagerVersionPatch, restrictedNamespace } from './cert-manager.js';
import { acmeIssuer, selfSignedBase, storageClass } from './configs.js';
import { traefikConfig } from './traefik.js';

function baseFiles(dir: string, parts: readonly BaseFile[]): GeneratedFile[] {
  return [
    ...parts.map((part) => yamlFile(`${dir}/${part.file}`, SHARED_SOURCE, part.objects)),
    kustomizationFile(dir, SHARED_SOURCE, kustomizeFile(parts.map((p) => p.file))),
  ];
}

/** infrastructure/base/: cert-manager and the self-signed CA chain, rendered when some cluster uses them. */
export const renderInfrastructureBases: SharedRenderer = (specs) => {
  const modes = new Set(specs.map((s) => s.cluster.spec.platform.tls.mode));
  return [
    ...(modes.has('selfSigned') || modes.has('acme') ? baseFiles(layout.infraBase('cert-manager'), certManagerBase()) : []),
    ...(modes.has('selfSigned') ? baseFiles(layout.infraBase('tls-selfsigned'), selfSignedBase()) : []),
  ];
};

/** infrastructure/controllers/<cluster>/: the apps namespace, cert-manager (version pinned) and Traefik's HelmChartConfig. */
export const renderInfraControllers: ClusterRenderer = (spec: LoadedSpec) => {
  const cluster = spec.cluster;
  const dir = layout.infraControllers(cluster.metadata.name);
  const tls = cluster.spec.platform.tls.mode !== 'none';
  // With K3s's Traefik disabled there is nothing for a HelmChartConfig to configure.
  const traefik = !cluster.spec.k3s.disable.includes('traefik');
  const files = [yamlFile(`${dir}/namespace.yaml`, spec.file, [restrictedNamespace(cluster.spec.namespace)])];
  if (traefik) files.push(yamlFile(`${dir}/traefik.yaml`, spec.file, [traefikConfig(cluster)]));
  if (tls) files.push(yamlFile(`${dir}/cert-manager-version.yaml`, spec.file, [certManagerVersionPatch(cluster)]));
  const resources = ['namespace.yaml', ...(traefik ? ['traefik.yaml'] : []), ...(tls ? [`../../base/cert-manager`] : [])];
  files.push(kustomizationFile(dir, spec.file, kustomizeFile(resources, tls ? { patches: [{ path: 'cert-manager-version.yaml' }] } : {})));
  return files;
};

/** infrastructure/configs/<cluster>/: the SSD StorageClass and the `pi-gitops-issuer` ClusterIssuer. */
export const renderInfraConfigs: ClusterRenderer = (spec: LoadedSpec) => {
  const cluster = spec.cluster;
  const dir = layout.infraConfigs(cluster.metadata.name);
  const mode = cluster.spec.platform.tls.mode;
  const files = [yamlFile(`${dir}/storageclass.yaml`, spec.file, [storageClass(cluster)])];
  const resources = ['storageclass.yaml'];
  if (mode === 'selfSigned') resources.push('../../base/tls-selfsigned');
  if (mode === 'acme') {
    files.push(yamlFile(`${dir}/clusterissuer.yaml`, spec.file, [acmeIssuer(cluster)]));
    resources.push('clusterissuer.yaml');
  }
  files.push(kustomizationFile(dir, spec.file, kustomizeFile(resources)));
  return files;
};
