/**
 * API-server rules for names and labels that no OpenAPI schema states (apimachinery
 * `validation.IsDNS1123Subdomain`, `IsDNS1123Label`, `IsQualifiedName`, `IsValidLabelValue`;
 * RBAC objects use path-segment names). Checked on the object's metadata and on every pod template
 * and label selector, so a kustomize commonLabels value with a space fails here, not at apply.
 */
import type { Finding } from '../../findings.js';
import { formatPath } from '../../findings.js';

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Contains a Flux postBuild variable: judged after substitution, not here. */
const HAS_VARIABLE = /\$\{[A-Za-z_][A-Za-z0-9_]*(:?[=-][^}]*)?\}/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Kinds whose names must be DNS-1123 labels (they become DNS names or label values). */
const LABEL_NAMED = new Set(['v1/Namespace', 'v1/Service']);
const RBAC = 'rbac.authorization.k8s.io/v1';

export interface NameIssue {
  readonly code: 'E_SCHEMA_NAME' | 'E_SCHEMA_LABEL' | 'E_SCHEMA_REQUIRED';
  readonly path: string;
  readonly message: string;
  readonly expected: string;
  readonly found: string;
}

function nameRule(apiVersion: string, kind: string): { test: (name: string) => boolean; expected: string } {
  if (LABEL_NAMED.has(`${apiVersion}/${kind}`)) {
    return { test: (n) => n.length <= 63 && LABEL.test(n), expected: 'a DNS-1123 label: lower-case letters, digits and "-", starting and ending alphanumeric, at most 63 characters' };
  }
  if (apiVersion === RBAC) {
    return { test: (n) => n !== '.' && n !== '..' && n.length > 0 && !/[/%]/.test(n), expected: 'a path segment name: no "/" or "%", not "." or ".."' };
  }
  return { test: (n) => n.length <= 253 && SUBDOMAIN.test(n), expected: 'a DNS-1123 subdomain: lower-case letters, digits, "-" and ".", starting and ending alphanumeric, at most 253 characters' };
}

/** `prefix/name` with a DNS subdomain prefix (≤ 253) and a qualified name (≤ 63). */
export function isQualifiedKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const name = slash < 0 ? key : key.slice(slash + 1);
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !SUBDOMAIN.test(prefix))) return false;
  return name.length > 0 && name.length <= 63 && QUALIFIED_NAME.test(name);
}

function checkLabels(labels: unknown, path: (string | number)[], issues: NameIssue[], variables: boolean): void {
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) return;
  for (const [key, value] of Object.entries(labels)) {
    if (variables && (HAS_VARIABLE.test(key) || (typeof value === 'string' && HAS_VARIABLE.test(value)))) continue;
    if (!isQualifiedKey(key)) {
      issues.push({ code: 'E_SCHEMA_LABEL', path: formatPath([...path, key]), message: `label key "${key}" is not a qualified name`, expected: 'optional DNS subdomain prefix and "/", then at most 63 of [A-Za-z0-9-_.], starting and ending alphanumeric', found: key });
    }
    if (typeof value === 'string' && (value.length > 63 || !LABEL_VALUE.test(value))) {
      issues.push({ code: 'E_SCHEMA_LABEL', path: formatPath([...path, key]), message: `label value ${JSON.stringify(value)} is not valid`, expected: 'empty, or at most 63 of [A-Za-z0-9-_.], starting and ending alphanumeric', found: value });
    }
  }
}

/** Label maps inside an object: metadata.labels of it and its templates, selectors' matchLabels. `path` is a shared stack. */
function walkLabels(value: unknown, path: (string | number)[], issues: NameIssue[], variables: boolean): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      walkLabels(value[i], path, issues, variables);
      path.pop();
    }
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const key in value) {
    // HelmRelease values and similar open maps are chart input, not Kubernetes labels.
    if (key === 'values' || key === 'data' || key === 'stringData' || key === 'annotations') continue;
    const child = (value as Record<string, unknown>)[key];
    if (child === null || typeof child !== 'object') continue;
    path.push(key);
    if ((key === 'labels' && path[path.length - 2] === 'metadata') || key === 'matchLabels') checkLabels(child, [...path], issues, variables);
    else walkLabels(child, path, issues, variables);
    path.pop();
  }
}

/** Name, namespace and label problems of one object (apiVersion and kind already known to be strings). */
export function nameIssues(object: Record<string, unknown>, apiVersion: string, kind: string, variables: boolean): NameIssue[] {
  const issues: NameIssue[] = [];
  const metadata = object.metadata;
  const meta = metadata !== null && typeof metadata === 'object' && !Array.isArray(metadata) ? (metadata as Record<string, unknown>) : {};
  const { name, namespace, generateName } = meta;
  if (metadata === undefined || metadata === null) {
    issues.push({ code: 'E_SCHEMA_REQUIRED', path: 'metadata', message: 'missing required field "metadata"', expected: 'metadata', found: 'absent' });
  } else if (name === undefined && generateName === undefined) {
    issues.push({ code: 'E_SCHEMA_REQUIRED', path: 'metadata.name', message: 'missing required field "name"', expected: 'metadata.name', found: 'absent' });
  } else if (typeof name === 'string' && !(variables && HAS_VARIABLE.test(name))) {
    const rule = nameRule(apiVersion, kind);
    if (!rule.test(name)) issues.push({ code: 'E_SCHEMA_NAME', path: 'metadata.name', message: `name "${name}" is not valid for a ${kind}`, expected: rule.expected, found: name });
  }
  if (typeof namespace === 'string' && !(variables && HAS_VARIABLE.test(namespace)) && (namespace.length > 63 || !LABEL.test(namespace))) {
    issues.push({ code: 'E_SCHEMA_NAME', path: 'metadata.namespace', message: `namespace "${namespace}" is not a DNS-1123 label`, expected: 'a DNS-1123 label (lower-case letters, digits, "-"; at most 63)', found: namespace });
  }
  walkLabels(object, [], issues, variables);
  return issues;
}

export function nameFindings(issues: readonly NameIssue[], id: string, base: Pick<Finding, 'stage' | 'severity' | 'file' | 'position'>): Finding[] {
  return issues.map((issue) => ({ ...base, code: issue.code, message: `${id}: ${issue.path}: ${issue.message}`, path: issue.path, expected: issue.expected, found: issue.found }));
}
