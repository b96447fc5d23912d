import type { Finding } from '../../findings.js';
import { meta } from '../_kinds.js';
import { at, describe } from '../locate.js';
import type { BuiltObject } from '../types.js';
import { ALLOW_ANNOTATION, RULES, type RuleId } from './rules.js';

export interface Suppressions {
  readonly allowed: ReadonlySet<RuleId>;
  readonly findings: Finding[];
}

/**
 * Reads `pi-gitops.dev/allow: "<rule-id>: <reason>"` (several separated by `;` or new lines).
 * A suppression must say why; one without a reason is itself an error and suppresses nothing.
 */
export function suppressions(built: BuiltObject): Suppressions {
  const value = meta(built.object).annotations[ALLOW_ANNOTATION];
  const allowed = new Set<RuleId>();
  const findings: Finding[] = [];
  if (value === undefined) return { allowed, findings };
  const where = at(built, ['metadata', 'annotations', ALLOW_ANNOTATION]);
  for (const entry of String(value).split(/[;\n]/).map((e) => e.trim()).filter(Boolean)) {
    const match = /^([a-z0-9-]+)\s*(?::\s*(.*))?$/.exec(entry);
    const rule = match?.[1];
    const reason = match?.[2]?.trim();
    if (!rule || !(rule in RULES)) {
      findings.push({ stage: 'policy', code: 'W_POLICY_SUPPRESSION_UNKNOWN', severity: 'warning', ...where, message: `${describe(built.object)}: ${ALLOW_ANNOTATION} names unknown rule "${rule ?? entry}"`, hint: `rules: ${Object.keys(RULES).join(', ')}` });
    } else if (!reason) {
      findings.push({ stage: 'policy', code: 'E_POLICY_SUPPRESSION_REASON', severity: 'error', ...where, message: `${describe(built.object)}: suppression of ${rule} gives no reason`, hint: `write it as "${rule}: <why this object needs it>"` });
    } else allowed.add(rule as RuleId);
  }
  return { allowed, findings };
}
