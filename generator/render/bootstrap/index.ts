import type { LoadedSpec } from '../../spec/types.js';
import { headerLine, type GeneratedFile } from '../files.js';
import { layout } from '../layout.js';
import { yamlDocument } from '../serialize.js';
import { renderAnsible } from './ansible.js';
import { renderFluxScript } from './flux-script.js';
import { k3sConfig } from './k3s-config.js';
import { renderNodeScript } from './node-script.js';

/** Where each bootstrap file lives, relative to the repository root. */
export const bootstrapPaths = {
  nodeScript: (cluster: string): string => `${layout.bootstrap(cluster)}/node.sh`,
  fluxScript: (cluster: string): string => `${layout.bootstrap(cluster)}/flux.sh`,
  k3sConfig: (cluster: string, node: string): string => `${layout.bootstrap(cluster)}/nodes/${node}/config.yaml`,
  ansible: (cluster: string): string => `${layout.bootstrap(cluster)}/ansible`,
} as const;

/** bootstrap/<cluster>/: node.sh, flux.sh, nodes/<node>/config.yaml, ansible/{inventory.ini,site.yaml,node-tasks.yaml}. */
export function renderBootstrap(spec: LoadedSpec): GeneratedFile[] {
  const name = spec.cluster.metadata.name;
  const configs = spec.cluster.spec.nodes.map((node) => ({
    path: bootstrapPaths.k3sConfig(name, node.name),
    content: `${headerLine(spec.file)}\n# /etc/rancher/k3s/config.yaml of ${node.name}; node.sh installs it (mode 0600).\n${yamlDocument(k3sConfig(spec.cluster.spec, node))}`,
  }));
  return [
    renderNodeScript(spec, bootstrapPaths.nodeScript(name)),
    renderFluxScript(spec, bootstrapPaths.fluxScript(name)),
    ...configs,
    ...renderAnsible(spec, bootstrapPaths.ansible(name)),
  ];
}
