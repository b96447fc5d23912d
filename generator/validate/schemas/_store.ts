import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';

const require = createRequire(import.meta.url);

/** schemas/k8s/index.json, written by scripts/gen-schemas.ts. */
export interface SchemaIndex {
  readonly kubernetesVersion: string;
  readonly packages: Readonly<Record<string, string>>;
  readonly openDefinitions: readonly string[];
  /** `apiVersion/Kind` → file under schemas/k8s/. */
  readonly kinds: Readonly<Record<string, string>>;
}

/** Loads the committed schemas on first use and compiles one validator per kind, once. */
export class SchemaStore {
  private index: SchemaIndex | undefined;
  private ajv: Ajv | undefined;
  private readonly compiled = new Map<string, ValidateFunction>();

  /** @param load reads a file under schemas/k8s/ (injectable for tests); default: the committed files. */
  constructor(private readonly load: (file: string) => unknown = (file) => require(`../../../schemas/k8s/${file}`)) {}

  schemaIndex(): SchemaIndex {
    this.index ??= this.load('index.json') as SchemaIndex;
    return this.index;
  }

  /** The validator for `apiVersion/kind`, or undefined when no schema exists. */
  validator(apiVersion: string, kind: string): ValidateFunction | undefined {
    const key = `${apiVersion}/${kind}`;
    const cached = this.compiled.get(key);
    if (cached) return cached;
    const file = Object.hasOwn(this.schemaIndex().kinds, key) ? this.schemaIndex().kinds[key] : undefined;
    if (file === undefined) return undefined;
    // verbose: errors carry the failing data and parent schema (for "found" and did-you-mean).
    this.ajv ??= new Ajv({ strict: false, allErrors: true, verbose: true, allowUnionTypes: true });
    const validate = this.ajv.compile(this.load(file) as object);
    this.compiled.set(key, validate);
    return validate;
  }

  /** Served apiVersions that have a schema for `kind` (for the E_SCHEMA_MISSING hint). */
  versionsOf(kind: string): string[] {
    return Object.keys(this.schemaIndex().kinds)
      .filter((key) => key.slice(key.lastIndexOf('/') + 1) === kind)
      .map((key) => key.slice(0, key.lastIndexOf('/')))
      .sort();
  }
}
