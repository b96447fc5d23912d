import type { Finding } from '../../findings.js';
import { formatPath } from '../../findings.js';
import { closest } from '../../spec/suggest.js';

/** Stable codes of the schemas stage. */
export const SCHEMA_CODES = {
  unknownField: 'E_SCHEMA_UNKNOWN_FIELD',
  type: 'E_SCHEMA_TYPE',
  required: 'E_SCHEMA_REQUIRED',
  enum: 'E_SCHEMA_ENUM',
  constraint: 'E_SCHEMA_CONSTRAINT',
  pattern: 'E_SCHEMA_PATTERN',
  missing: 'E_SCHEMA_MISSING',
  name: 'E_SCHEMA_NAME',
  label: 'E_SCHEMA_LABEL',
  notObject: 'E_SCHEMA_NOT_OBJECT',
  versionGap: 'I_SCHEMA_VERSION_GAP',
} as const;

/** Where a finding about one object points: object id for the message, file/position when known. */
export interface ObjectContext {
  readonly id: string;
  readonly file?: string;
  readonly position?: Finding['position'];
  /** The object, to read the offending value. */
  readonly object: unknown;
  /** Accept a whole-value Flux `${var}` placeholder where a number, enum or pattern is expected. */
  readonly allowFluxVariables: boolean;
  /** What a pattern means (index.json patternHints). */
  readonly patternHint: (pattern: string) => string | undefined;
  /** Field names allowed at a path (for did-you-mean). */
  readonly fieldsAt: (path: readonly (string | number)[]) => string[];
}

/** An ajv error as the precompiled validators report it (no `verbose`: data is read from the object). */
export interface SchemaError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
  readonly message?: string;
}

function valueAt(object: unknown, path: readonly (string | number)[]): unknown {
  let current = object;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[part];
  }
  return current;
}

/** `/spec/template/spec/containers/0/image` → ['spec', 'template', 'spec', 'containers', 0, 'image'] */
export function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^(0|[1-9]\d*)$/.test(part) ? Number(part) : part));
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  if (typeof value === 'number') return Number.isInteger(value) ? `integer ${value}` : `number ${value}`;
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}`;
  return `${typeof value} ${String(value)}`;
}

function finding(context: ObjectContext, code: string, path: (string | number)[], message: string, extra: Partial<Finding>): Finding {
  const where = formatPath(path);
  return {
    stage: 'schemas',
    code,
    severity: 'error',
    message: `${context.id}: ${where === '' ? '' : `${where}: `}${message}`,
    ...(context.file === undefined ? {} : { file: context.file }),
    ...(context.position === undefined ? {} : { position: context.position }),
    path: where,
    ...extra,
  };
}

/** One finding per distinct problem; undefined for errors that say nothing new. */
/** A whole value that Flux's postBuild substitution replaces: `${name}` or `${name:=default}`. */
const FLUX_VARIABLE = /^\$\{[A-Za-z_][A-Za-z0-9_]*(:?[=-][^}]*)?\}$/;

export function toFinding(error: SchemaError, context: ObjectContext, schemaVersion: string): Finding | undefined {
  const path = pointerToPath(error.instancePath);
  const data = valueAt(context.object, path);
  if (context.allowFluxVariables && typeof data === 'string' && FLUX_VARIABLE.test(data) && ['type', 'enum', 'const', 'pattern'].includes(error.keyword)) {
    return undefined;
  }
  switch (error.keyword) {
    case 'additionalProperties': {
      const field = String((error.params as { additionalProperty: string }).additionalProperty);
      const known = context.fieldsAt(path);
      const suggestion = closest(field, known);
      return finding(context, SCHEMA_CODES.unknownField, [...path, field], `unknown field "${field}"`, {
        expected: known.length > 0 ? `one of ${known.join(', ')}` : 'no fields',
        found: field,
        hint: suggestion !== undefined ? `did you mean "${suggestion}"?` : `not a field of this object in the Kubernetes ${schemaVersion} / CRD schema`,
      });
    }
    case 'required': {
      const field = String((error.params as { missingProperty: string }).missingProperty);
      return finding(context, SCHEMA_CODES.required, [...path, field], `missing required field "${field}"`, {
        expected: field,
        found: 'absent',
      });
    }
    case 'type': {
      // The API server decodes an explicit null as "unset" (kubectl-created manifests carry creationTimestamp: null).
      if (data === null) return undefined;
      const expected = String((error.params as { type: string | string[] }).type).replace(',', ' or ');
      return finding(context, SCHEMA_CODES.type, path, `must be ${expected}, found ${describe(data)}`, {
        expected,
        found: describe(data),
      });
    }
    case 'enum':
    case 'const': {
      const allowed = error.keyword === 'enum'
        ? ((error.params as { allowedValues: unknown[] }).allowedValues ?? [])
        : [(error.params as { allowedValue: unknown }).allowedValue];
      const suggestion = typeof data === 'string' ? closest(data, allowed.map(String)) : undefined;
      return finding(context, SCHEMA_CODES.enum, path, `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}, found ${describe(data)}`, {
        expected: allowed.map(String).join(', '),
        found: describe(data),
        ...(suggestion === undefined ? {} : { hint: `did you mean "${suggestion}"?` }),
      });
    }
    case 'pattern': {
      const pattern = String((error.params as { pattern: string }).pattern);
      const meaning = context.patternHint(pattern);
      return finding(context, SCHEMA_CODES.pattern, path, `must match ${pattern}, found ${describe(data)}`, {
        expected: meaning ?? pattern,
        found: describe(data),
        ...(meaning === undefined ? {} : { hint: `expected ${meaning}` }),
      });
    }
    default:
      return finding(context, SCHEMA_CODES.constraint, path, error.message ?? error.keyword, {
        expected: `${error.keyword} ${JSON.stringify(error.params)}`,
        found: describe(data),
      });
  }
}
