import type { SharedRenderer } from '../compose.js';
import { layout } from '../layout.js';
import { yamlDocument } from '../serialize.js';
import { SHARED_SOURCE, textFile } from '../files.js';

/**
 * .sops.yaml for clusters with spec.platform.secrets.mode sops: Secrets under that cluster's folders
 * are encrypted for its age recipients, and only their data/stringData (so reviews still show
 * names and keys). Flux decrypts with the sops-age Secret (clusters/<c>/*.yaml `decryption`).
 */
export const renderSopsConfig: SharedRenderer = (specs) => {
  const sops = specs.filter((s) => s.cluster.spec.platform.secrets.mode === 'sops').sort((a, b) => (a.cluster.metadata.name < b.cluster.metadata.name ? -1 : 1));
  if (sops.length === 0) return [];
  const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const rules = sops.map((s) => {
    const c = escape(s.cluster.metadata.name);
    const dirs = [layout.apps('X'), layout.infraControllers('X'), layout.infraConfigs('X'), layout.clusterDir('X')].map((d) => escape(d).replace('X', c));
    return {
      path_regex: `^(${dirs.join('|')})/.*\\.ya?ml$`,
      encrypted_regex: '^(data|stringData)$',
      age: s.cluster.spec.platform.secrets.ageRecipients.join(','),
    };
  });
  return [textFile('.sops.yaml', SHARED_SOURCE, yamlDocument({ creation_rules: rules }))];
};
