import type { Severity } from '../../findings.js';
import type { BuiltObject } from '../types.js';

/** Policy rules: the id is what `pi-gitops.dev/allow` names; the code is what findings carry. */
export const RULES = {
  'run-as-non-root': { code: 'E_POLICY_RUN_AS_NON_ROOT', severity: 'error' },
  'allow-privilege-escalation': { code: 'E_POLICY_PRIVILEGE_ESCALATION', severity: 'error' },
  'capabilities': { code: 'E_POLICY_CAPABILITIES', severity: 'error' },
  'seccomp': { code: 'E_POLICY_SECCOMP', severity: 'error' },
  'privileged': { code: 'E_POLICY_PRIVILEGED', severity: 'error' },
  'host-path': { code: 'E_POLICY_HOST_PATH', severity: 'error' },
  'host-namespaces': { code: 'E_POLICY_HOST_NAMESPACES', severity: 'error' },
  'host-port': { code: 'E_POLICY_HOST_PORT', severity: 'error' },
  'resources': { code: 'E_POLICY_RESOURCES', severity: 'error' },
  'probes': { code: 'W_POLICY_PROBES', severity: 'warning' },
  'image-tag': { code: 'E_POLICY_IMAGE_TAG', severity: 'error' },
  'image-arm64': { code: 'W_POLICY_IMAGE_ARM64', severity: 'warning' },
  'page-size-16k': { code: 'W_POLICY_PAGE_SIZE', severity: 'warning' },
  'plaintext-secret': { code: 'E_POLICY_PLAINTEXT_SECRET', severity: 'error' },
  'credential-literal': { code: 'E_POLICY_CREDENTIAL', severity: 'error' },
  'pdb': { code: 'E_POLICY_PDB', severity: 'error' },
  'spread': { code: 'W_POLICY_SPREAD', severity: 'warning' },
  'default-deny': { code: 'E_POLICY_DEFAULT_DENY', severity: 'error' },
} as const satisfies Record<string, { code: string; severity: Severity }>;

export type RuleId = keyof typeof RULES;

/** One broken rule on one object, before suppressions. */
export interface Violation {
  readonly rule: RuleId;
  readonly object: BuiltObject;
  readonly path: readonly (string | number)[];
  readonly message: string;
  readonly hint: string;
  /** Where to point instead of the object's own field (e.g. the overlay's `images:` entry that set a tag). */
  readonly location?: { readonly file: string; readonly position?: { readonly line: number; readonly column: number } };
}

export const ALLOW_ANNOTATION = 'pi-gitops.dev/allow';

/**
 * Workloads that need the node itself, by design: metrics from the host (node-exporter), logs from
 * the host (Grafana Alloy's DaemonSet), and K3s's servicelb (klipper-lb) holding host ports
 * (FACTS.md "K3s": servicelb takes hostPorts 80/443). Only the host-* rules are waived for them.
 */
export const HOST_ACCESS_ALLOWLIST = [/node-exporter/, /(^|-)alloy(-|$)/, /^svclb-/, /servicelb/, /klipper-lb/];
export const HOST_RULES: readonly RuleId[] = ['host-path', 'host-namespaces', 'host-port'];
