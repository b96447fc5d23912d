import type { Finding } from '../../findings.js';
import { at, describe } from '../locate.js';
import type { BuiltObject } from '../types.js';
import { availabilityViolations } from './availability.js';
import { imageViolations, type ImageContext } from './images.js';
import { podViolations } from './pods.js';
import { RULES, type Violation } from './rules.js';
import { credentialViolations, plaintextSecretViolations } from './secrets.js';
import { suppressions } from './suppress.js';

export { ALLOW_ANNOTATION, RULES, type RuleId } from './rules.js';

export interface PolicyContext extends ImageContext {
  /** Finds the line that really sets a field when it is not the object's own file (e.g. an overlay's images: entry). */
  readonly relocate?: (violation: Violation) => Violation['location'];
}

/** Policy stage over one cluster's built objects: every rule, then per-object suppressions. */
export async function checkPolicy(objects: readonly BuiltObject[], context: PolicyContext = { pageSize16k: true }): Promise<Finding[]> {
  const violations: Violation[] = [];
  for (const b of objects) violations.push(...podViolations(b), ...imageViolations(b, context));
  violations.push(...plaintextSecretViolations(objects), ...availabilityViolations(objects), ...(await credentialViolations(objects)));
  const findings: Finding[] = [];
  const allowedBy = new Map<BuiltObject, ReadonlySet<string>>();
  for (const b of objects) {
    const s = suppressions(b);
    findings.push(...s.findings);
    allowedBy.set(b, s.allowed);
  }
  for (const violation of violations) {
    if (allowedBy.get(violation.object)?.has(violation.rule)) continue;
    const rule = RULES[violation.rule];
    const location = violation.location ?? context.relocate?.(violation);
    const where = at(violation.object, violation.path);
    findings.push({
      stage: 'policy', code: rule.code, severity: rule.severity,
      ...where, ...(location ? { file: location.file, ...(location.position ? { position: location.position } : {}) } : {}),
      message: `${describe(violation.object.object)}: ${violation.message} [${violation.rule}]`,
      hint: `${violation.hint}; to accept it, annotate the object pi-gitops.dev/allow: "${violation.rule}: <reason>"`,
    });
  }
  return findings;
}
