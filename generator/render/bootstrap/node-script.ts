import type { LoadedSpec } from '../../spec/types.js';
import { textFile, type GeneratedFile } from '../files.js';
import { COMMON_SH, NODE_CHECKS_SH, NODE_SH } from './_assets.js';
import { K3S_CONFIG_PATH, K3S_TOKEN_PATH, NODE_SYSCTLS } from './k3s-config.js';
import { shComment, shq, shReadonly } from './shell.js';

/** The official K3s installer; the version is pinned by INSTALL_K3S_VERSION, not by the URL. */
export const K3S_INSTALLER_URL = 'https://get.k3s.io';
export const SHEBANG = '#!/usr/bin/env bash';

/** The spec's nodes as shell data: the script finds itself by hostname or --node NAME. */
function nodeTable(spec: LoadedSpec): string {
  const nodes = spec.cluster.spec.nodes;
  const cases = nodes.map((node) => [
    `    ${shq(node.name)})`,
    `      NODE_ADDRESS=${shq(node.address)}`,
    `      NODE_ROLE=${shq(node.role)}`,
    `      NODE_MEMORY_GIB=${shq(String(node.memoryGiB))}`,
    `      NODE_DEVICE=${shq(node.storage.device)}`,
    `      NODE_MOUNT=${shq(node.storage.mountPath)}`,
    `      NODE_PAGE_SIZE_4K=${shq(String(node.pageSize4k))}`,
    '      ;;',
  ].join('\n'));
  return [
    `readonly SPEC_NODES=(${nodes.map((n) => shq(n.name)).join(' ')})`,
    '# spec_node NAME: sets NODE_* for NAME from the spec; fails for a name the spec does not know.',
    'spec_node() {',
    '  case "$1" in',
    ...cases,
    '    *) return 1 ;;',
    '  esac',
    '}',
  ].join('\n');
}

function sysctlFunction(): string {
  return [
    '# The kernel settings file the script installs (see generator/render/bootstrap/k3s-config.ts NODE_SYSCTLS).',
    'sysctl_conf() {',
    `  printf '%s\\n' ${NODE_SYSCTLS.map(([key, value]) => shq(`${key} = ${value}`)).join(' ')}`,
    '}',
  ].join('\n');
}

/** bootstrap/<cluster>/node.sh: checks, node preparation and K3s install for any node of the spec. */
export function renderNodeScript(spec: LoadedSpec, path: string): GeneratedFile {
  const { cluster } = spec;
  const data = [
    'set -euo pipefail',
    '',
    '# ---- from the spec ----',
    shReadonly('CLUSTER_NAME', cluster.metadata.name),
    shComment('Pinned K3s release (spec.k3s.version), installed with INSTALL_K3S_VERSION.'),
    shReadonly('K3S_VERSION', cluster.spec.k3s.version),
    shReadonly('K3S_INSTALLER_URL', K3S_INSTALLER_URL),
    shReadonly('K3S_CONFIG_PATH', K3S_CONFIG_PATH),
    shReadonly('K3S_TOKEN_PATH', K3S_TOKEN_PATH),
    nodeTable(spec),
    sysctlFunction(),
  ].join('\n');
  return textFile(path, spec.file, `${data}\n${COMMON_SH}${NODE_CHECKS_SH}${NODE_SH}`, { shebang: SHEBANG, mode: 0o755 });
}
