import { join } from 'node:path';
import { packageRequire, packageRoot, requireCompiled } from '../../package-root.js';

/** `$id` of schemas/k8s/definitions.json. */
export const SCHEMA_BUNDLE_ID = 'https://pi-gitops.invalid/schemas/k8s/definitions.json';

/**
 * ajv options the validators are compiled with (scripts/gen-schemas.ts): every error, not the first;
 * refs as shared functions so a definition (PodSpec …) is compiled once for all kinds; `[number, string]`
 * unions for Quantity and IntOrString.
 */
export const AJV_OPTIONS = { strict: false, allErrors: true, allowUnionTypes: true, inlineRefs: false } as const;

/** Export name of a kind's validator: `apps/v1/Deployment` → `apps_v1_Deployment`. */
export function exportName(key: string): string {
  return key.replace(/[^A-Za-z0-9]/g, '_');
}

/**
 * Which precompiled module (schemas/k8s/validators/<family>.cjs) holds an apiVersion's validators:
 * one per API family, so a run loads only the families its objects use (built-in Kubernetes and
 * Flux always; Prometheus Operator or Traefik only when rendered).
 */
export function validatorFamily(apiVersion: string): string {
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  if (group === '' || !group.includes('.') || group.endsWith('.k8s.io')) return 'kubernetes';
  if (group.endsWith('.fluxcd.io') || group === 'fluxcd.controlplane.io') return 'flux';
  return group.replace(/[^A-Za-z0-9.-]/g, '_');
}

/** schemas/k8s/index.json, written by scripts/gen-schemas.ts. */
export interface SchemaIndex {
  readonly kubernetesVersion: string;
  readonly packages: Readonly<Record<string, string>>;
  readonly openDefinitions: readonly string[];
  /** Regular expression → what it means, for E_SCHEMA_PATTERN hints. */
  readonly patternHints: Readonly<Record<string, string>>;
  /** `apiVersion/Kind` → definition name in definitions.json. */
  readonly kinds: Readonly<Record<string, string>>;
}

export interface SchemaBundle {
  readonly definitions: Readonly<Record<string, SchemaNode>>;
}

export interface SchemaNode {
  readonly $ref?: string;
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly additionalProperties?: boolean | SchemaNode;
  readonly items?: SchemaNode;
  readonly anyOf?: readonly SchemaNode[];
  readonly required?: readonly string[];
}

/** An ajv-compiled validator as standalone code exports it. */
export interface CompiledValidator {
  (data: unknown): boolean;
  errors?: readonly { instancePath: string; keyword: string; params: Record<string, unknown>; message?: string }[] | null;
}

/** The files of schemas/k8s/; injectable so tests can count or replace loads. */
export interface SchemaFiles {
  index(): SchemaIndex;
  bundle(): SchemaBundle;
  validators(family: string): Readonly<Record<string, CompiledValidator>>;
}

const committedFiles: SchemaFiles = {
  index: () => packageRequire('./schemas/k8s/index.json') as SchemaIndex,
  bundle: () => packageRequire('./schemas/k8s/definitions.json') as SchemaBundle,
  validators: (family) => requireCompiled(join(packageRoot, 'schemas/k8s/validators', `${family}.cjs`)) as Record<string, CompiledValidator>,
};

/** The committed schemas and their precompiled validators, each file loaded once, on first use. */
export class SchemaStore {
  private loadedIndex: SchemaIndex | undefined;
  private loadedBundle: SchemaBundle | undefined;
  private readonly loadedValidators = new Map<string, Readonly<Record<string, CompiledValidator>>>();

  constructor(private readonly files: SchemaFiles = committedFiles) {}

  schemaIndex(): SchemaIndex {
    this.loadedIndex ??= this.files.index();
    return this.loadedIndex;
  }

  /** Only needed to explain an error (known fields for did-you-mean), so loaded lazily. */
  bundle(): SchemaBundle {
    this.loadedBundle ??= this.files.bundle();
    return this.loadedBundle;
  }

  /** The validator for `apiVersion/kind`, or undefined when no schema exists. */
  validator(apiVersion: string, kind: string): CompiledValidator | undefined {
    const key = `${apiVersion}/${kind}`;
    if (!Object.hasOwn(this.schemaIndex().kinds, key)) return undefined;
    return this.family(validatorFamily(apiVersion))[exportName(key)];
  }

  /** Loads a family's validators now (compiling them takes a while) rather than at first use. */
  family(family: string): Readonly<Record<string, CompiledValidator>> {
    let module = this.loadedValidators.get(family);
    if (!module) {
      module = this.files.validators(family);
      this.loadedValidators.set(family, module);
    }
    return module;
  }

  /** The definition a kind's objects are validated against. */
  rootDefinition(apiVersion: string, kind: string): string | undefined {
    const key = `${apiVersion}/${kind}`;
    return Object.hasOwn(this.schemaIndex().kinds, key) ? this.schemaIndex().kinds[key] : undefined;
  }

  /** The schema node describing the value at `path` inside an object of that root definition. */
  schemaAt(definition: string, path: readonly (string | number)[]): SchemaNode | undefined {
    const definitions = this.bundle().definitions;
    const deref = (node: SchemaNode | undefined): SchemaNode | undefined => {
      let current = node;
      for (let hops = 0; current?.$ref !== undefined && hops < 32; hops++) current = definitions[current.$ref.replace('#/definitions/', '')];
      return current;
    };
    let node = deref(definitions[definition]);
    for (const part of path) {
      if (node === undefined) return undefined;
      if (typeof part === 'number') node = deref(node.items);
      else if (node.properties && Object.hasOwn(node.properties, part)) node = deref(node.properties[part]);
      else if (typeof node.additionalProperties === 'object') node = deref(node.additionalProperties);
      else return undefined;
    }
    return node;
  }

  /** Served apiVersions that have a schema for `kind` (for the E_SCHEMA_MISSING hint). */
  versionsOf(kind: string): string[] {
    return Object.keys(this.schemaIndex().kinds)
      .filter((key) => key.slice(key.lastIndexOf('/') + 1) === kind)
      .map((key) => key.slice(0, key.lastIndexOf('/')))
      .sort();
  }
}
