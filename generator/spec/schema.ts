import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import type { Finding } from '../findings.js';
import { packageRequire } from '../package-root.js';
import { formatPath } from '../findings.js';
import type { SourcePosition } from './types.js';
import { closest } from './suggest.js';
import { loadValidator } from './validator.js';
import type { LocateOptions } from './yaml-source.js';

/** The one place every spec field's type, default, description and example live. */
export const clusterSchema = packageRequire('./schemas/cluster.schema.json') as JsonSchema;

export interface JsonSchema {
  readonly [key: string]: unknown;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
}

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  compiled ??= loadValidator(clusterSchema).validate;
  return compiled;
}

export type Locate = (path: readonly (string | number)[], options?: LocateOptions) => SourcePosition | undefined;

/**
 * Validates (and fills defaults into) a parsed spec. Every finding names the field path, what was
 * expected and found, and a hint; a misspelt key gets a "did you mean".
 */
export function checkSchema(file: string, value: unknown, locate: Locate, validate: ValidateFunction = validator()): Finding[] {
  if (validate(value)) return [];
  const findings: (Finding & { suggestion?: string })[] = [];
  const seen = new Set<string>();
  for (const error of validate.errors ?? []) {
    const finding = toFinding(file, value, error, locate);
    if (!finding) continue;
    const key = `${finding.path}|${finding.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push(finding);
  }
  // A misspelt required key shows up twice (unknown + missing): keep the one with the suggestion.
  const suggested = new Set(findings.filter((f) => f.code === 'E_SPEC_UNKNOWN_FIELD' && f.suggestion).map((f) => f.suggestion!));
  return findings.filter((f) => !(f.code === 'E_SPEC_REQUIRED' && suggested.has(f.path!))).map(({ suggestion: _, ...f }) => f);
}

function toFinding(file: string, root: unknown, error: ErrorObject, locate: Locate): (Finding & { suggestion?: string }) | undefined {
  const path = pointerToPath(error.instancePath);
  const found = valueAt(root, path);
  const base = { stage: 'spec' as const, code: 'E_SPEC_SCHEMA', severity: 'error' as const, file };
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys((error.parentSchema as JsonSchema | undefined)?.properties ?? {});
      const suggestion = closest(key, allowed);
      const fieldPath = [...path, key];
      return {
        ...base,
        code: 'E_SPEC_UNKNOWN_FIELD',
        path: formatPath(fieldPath),
        position: locate(fieldPath, { key: true }),
        message: `unknown field "${key}"`,
        expected: allowed.length > 0 ? `one of ${allowed.join(', ')}` : 'no further fields',
        found: key,
        hint: suggestion ? `did you mean \`${suggestion}\`?` : `remove "${key}" or check its indentation`,
        ...(suggestion ? { suggestion: formatPath([...path, suggestion]) } : {}),
      };
    }
    case 'required': {
      const missing = String(params.missingProperty);
      return {
        ...base,
        code: 'E_SPEC_REQUIRED',
        path: formatPath([...path, missing]),
        position: locate(path, { key: true }),
        message: `missing required field "${missing}"${path.length > 0 ? ` in ${formatPath(path)}` : ''}`,
        expected: `a value for ${missing}`,
        found: 'nothing',
        hint: describe(error.parentSchema, missing) ?? `add ${missing}`,
      };
    }
    case 'propertyNames':
      return undefined; // reported through the nested pattern error, which names the key
    case 'if':
    case 'allOf':
    case 'anyOf':
      return undefined;
    default: {
      const isKeyError = error.propertyName !== undefined;
      const fieldPath = isKeyError ? [...path, error.propertyName!] : path;
      const expected = expectation(error);
      const shown = isKeyError ? error.propertyName : found;
      return {
        ...base,
        path: formatPath(fieldPath),
        position: locate(fieldPath, { key: isKeyError }),
        message: `${formatPath(fieldPath) || 'document'}: ${isKeyError ? 'key ' : ''}must be ${expected} (found ${render(shown)})`,
        expected,
        found: render(shown),
        hint: isKeyError ? (hintFor(error, true) ?? `rename "${error.propertyName}"`) : hintFor(error),
      };
    }
  }
}

function expectation(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'enum':
      return `one of ${(params.allowedValues as unknown[]).map(render).join(', ')}`;
    case 'const':
      return render(params.allowedValue);
    case 'type':
      return `of type ${String(params.type)}`;
    case 'pattern': {
      // Schema descriptions of patterned fields are noun phrases ("A memory quantity such as 512Mi"),
      // so "must be <description>" names what is expected in words, not as a regular expression.
      const description = (error.parentSchema as JsonSchema | undefined)?.description;
      return typeof description === 'string' ? description.replace(/\.$/, '').replace(/^(A|An|The) /, (article) => article.toLowerCase()) : `text matching ${String(params.pattern)}`;
    }
    case 'format':
      return `a valid ${String(params.format)}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `${String(params.comparison)} ${String(params.limit)}`;
    case 'minItems':
      return `at least ${String(params.limit)} item(s)`;
    case 'minProperties':
      return `at least ${String(params.limit)} entr${params.limit === 1 ? 'y' : 'ies'}`;
    case 'uniqueItems':
      return `without duplicates (items ${String(params.j)} and ${String(params.i)} are equal)`;
    case 'not':
      return 'a pinned version, not "latest"';
    case 'maxLength':
      return `at most ${String(params.limit)} characters`;
    default:
      return error.message ?? error.keyword;
  }
}

function hintFor(error: ErrorObject, keyError = false): string | undefined {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'enum' || error.keyword === 'const') {
    const allowed = error.keyword === 'enum' ? (params.allowedValues as unknown[]) : [params.allowedValue];
    const found = String(error.data);
    // Edit distance says nothing about numbers (12 is not a typo of 1): list them instead.
    const suggestion = allowed.every((v) => typeof v === 'string') ? closest(found, allowed.map(String)) : undefined;
    if (suggestion) return `did you mean \`${suggestion}\`?`;
    return `use ${allowed.length === 1 ? render(allowed[0]) : `one of ${allowed.map(render).join(', ')}`}`;
  }
  if (error.keyword === 'not') return 'pin the image tag to a release, e.g. 1.4.2';
  if (error.keyword === 'pattern' && params.pattern === DNS_LABEL_PATTERN && typeof error.data === 'string') {
    const label = dnsLabel(error.data);
    if (label) return `use lower case and '-', e.g. ${label}`;
  }
  if (keyError) return undefined;
  if (error.keyword === 'type') {
    const type = String(params.type);
    if (type === 'array') return "write a list: one item per line, each starting with '- '";
    if (type === 'object') return 'write a mapping: one `key: value` per line, indented under this key';
  }
  const description = (error.parentSchema as JsonSchema | undefined)?.description;
  const examples = (error.parentSchema as JsonSchema | undefined)?.examples;
  if (Array.isArray(examples) && examples.length > 0) return `for example ${render(examples[0])}`;
  return typeof description === 'string' ? description : undefined;
}

const DNS_LABEL_PATTERN = ((clusterSchema.$defs as Record<string, JsonSchema>).dnsLabel as { pattern: string }).pattern;

/** The nearest DNS-1123 label to a name people wrote: Api_Service → api-service. */
function dnsLabel(name: string): string | undefined {
  const label = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
  return label === '' ? undefined : label;
}

function describe(parentSchema: unknown, field: string): string | undefined {
  const schema = (parentSchema as JsonSchema | undefined)?.properties?.[field];
  if (!schema) return undefined;
  const examples = schema.examples;
  const description = typeof schema.description === 'string' ? schema.description : '';
  const example = Array.isArray(examples) && examples.length > 0 ? `, e.g. ${field}: ${render(examples[0])}` : '';
  return `add ${field}${description ? ` (${description.replace(/\.$/, '').replace(/^(A|An|The) /, (article) => article.toLowerCase())})` : ''}${example}`;
}

function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let node = root;
  for (const part of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[part];
  }
  return node;
}

/** A found value as a message shows it: scalars as written, collections by their kind. */
function render(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'nothing';
  if (value === null) return 'null (an empty value)';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') return `a mapping (${Object.keys(value).slice(0, 3).join(', ')}${Object.keys(value).length > 3 ? ', …' : ''})`;
  return JSON.stringify(value);
}
