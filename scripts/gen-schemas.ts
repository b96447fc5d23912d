/**
 * `npm run schemas`: generate strict JSON Schemas (draft-07) for every kind in scripts/schema-roots.ts
 * from the installed type packages, into schemas/k8s/: definitions.json (one bundle, each type once),
 * index.json (apiVersion/kind → definition, versions, sources) and validators/<family>.cjs (precompiled ajv code).
 *
 * Source of truth: the TypeScript declarations of `kubernetes-models` (generated upstream from the
 * Kubernetes OpenAPI document, so they carry its required fields and enums; Quantity and IntOrString
 * are `string | number`), `@kubernetes-models/flux-cd` and `@kubernetes-models/cert-manager` (generated
 * from the CRDs), and hand-written declarations in scripts/crd-types/ for the Flux Operator and K3s.
 * ts-json-schema-generator turns them into JSON Schema with `additionalProperties: false` on every
 * object (kubeconform -strict); then:
 *  - an object type with no declared properties (apiextensions JSON, RawExtension, FieldsV1 — the
 *    OpenAPI `x-kubernetes-preserve-unknown-fields` objects) becomes `{}`: open, any value;
 *  - scripts/schema-overrides.ts adds required fields and enums the API server enforces but the types lack;
 *  - `number` becomes `integer` (the OpenAPI/CRD formats are int32/int64), except in CRD JSONSchemaProps;
 *  - descriptions are dropped and keys sorted, so the output is small and byte-for-byte deterministic.
 * The whole of schemas/k8s/ is owned by this script: stale files there are removed.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import standaloneModule from 'ajv/dist/standalone/index.js';
import { createGenerator } from 'ts-json-schema-generator';
import { AJV_OPTIONS, SCHEMA_BUNDLE_ID, exportName, validatorFamily } from '../generator/validate/schemas/_store.js';
import { SCHEMA_ROOTS, type SchemaRoot } from './schema-roots.js';
import { finish, type Json, type JsonObject } from './_schema-postprocess.js';
import { PATTERN_HINTS, SCHEMA_KUBERNETES_VERSION, SCHEMA_OVERRIDES } from './schema-overrides.js';

const standaloneCode = ((standaloneModule as unknown as { default?: unknown }).default ?? standaloneModule) as (ajv: Ajv, refs: Record<string, string>) => string;


const here = dirname(fileURLToPath(import.meta.url));
export const projectRoot = resolve(here, '..');
export const schemaDir = join(projectRoot, 'schemas', 'k8s');
const SOURCE_PACKAGES = [
  'kubernetes-models', '@kubernetes-models/flux-cd', '@kubernetes-models/cert-manager', '@kubernetes-models/prometheus-operator',
  '@kubernetes-models/traefik', 'ts-json-schema-generator',
];
/** Packages whose declarations are copied (renamed) into the work folder. */
const TYPE_PACKAGES = [
  'kubernetes-models', '@kubernetes-models/flux-cd', '@kubernetes-models/cert-manager', '@kubernetes-models/prometheus-operator',
  '@kubernetes-models/traefik', '@kubernetes-models/apimachinery', '@kubernetes-models/base',
];
const ALIAS_LINE = /^export type \{([^}]*)\};?\s*$/m;

function kindKey(apiVersion: string, kind: string): string {
  return `${apiVersion}/${kind}`;
}

function rootTypeName(root: SchemaRoot): string {
  return `Root_${root.apiVersion.replace(/[^A-Za-z0-9]/g, '_')}_${root.kind}`;
}

/**
 * kubernetes-models declares short interface names (`ILocalObjectReference`) that repeat across API
 * groups with different shapes, and ts-json-schema-generator names definitions after declarations.
 * Every declaration file ends with `export type { IShort as IIoK8sApiCoreV1Long, … }`, and importers
 * already use the long names, so renaming each interface to its long alias inside its own file makes
 * every definition name unique (and says which API it belongs to). Only `.d.ts` and package.json are copied.
 */
function copyRenamed(from: string, to: string): void {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) {
      copyRenamed(source, target);
    } else if (entry.name === 'package.json') {
      mkdirSync(to, { recursive: true });
      cpSync(source, target);
    } else if (entry.name.endsWith('.d.ts')) {
      mkdirSync(to, { recursive: true });
      let text = readFileSync(source, 'utf8');
      const aliases = ALIAS_LINE.exec(text)?.[1];
      if (aliases !== undefined) {
        const pairs = aliases.split(',').map((pair) => [pair, ...pair.trim().split(/\s+as\s+/)] as const);
        const longs = new Set(pairs.map(([, , long]) => long));
        for (const [pair, short, long] of pairs) {
          // Only the interface alias (`IX as IIoK8s…X`, whose class twin is `X as IoK8s…X`); class names
          // such as Ingress must stay, or the `kind: "Ingress"` literal would be renamed with them.
          if (short === undefined || long === undefined || short === long || !longs.has(long.slice(1))) continue;
          text = text.replace(ALIAS_LINE, (line) => line.replace(pair, ''));
          text = text.replace(new RegExp(`\\b${short}\\b`, 'g'), long);
        }
        text = text.replace(ALIAS_LINE, (line) => (line.replace(/[{,\s}]/g, '').replace('exporttype', '') === '' ? '' : line.replace(/,\s*,/g, ',').replace(/\{\s*,/, '{').replace(/,\s*\}/, '}')));
      }
      writeFileSync(target, text);
    }
  }
}

/** The exported (long, after renaming) name of a root's type. */
function rootExport(work: string, root: SchemaRoot): string {
  if (root.type !== undefined) return root.type;
  const file = join(work, 'node_modules', `${root.module}.d.ts`);
  const match = new RegExp(`export interface (I\\w*${root.kind}) extends TypeMeta`).exec(readFileSync(file, 'utf8'));
  if (match?.[1] === undefined) throw new Error(`no root interface for ${root.apiVersion}/${root.kind} in ${root.module}`);
  return match[1];
}

function entrySource(work: string): string {
  const lines = ['// Generated by scripts/gen-schemas.ts for ts-json-schema-generator; not committed.'];
  SCHEMA_ROOTS.forEach((root, i) => {
    lines.push(`import type { ${rootExport(work, root)} as T${i} } from ${JSON.stringify(root.module)};`);
    lines.push(`export type ${rootTypeName(root)} = T${i};`);
  });
  return `${lines.join('\n')}\n`;
}

function packageVersion(name: string): string {
  const file = join(projectRoot, 'node_modules', ...name.split('/'), 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/** All files under schemas/k8s/, repository-relative to that folder, with their exact content. */
export function generateSchemas(): Map<string, string> {
  const work = mkdtempSync(join(tmpdir(), 'pi-gitops-schemas-'));
  try {
    for (const name of TYPE_PACKAGES) copyRenamed(join(projectRoot, 'node_modules', ...name.split('/')), join(work, 'node_modules', ...name.split('/')));
    cpSync(join(here, 'crd-types'), join(work, 'crd-types'), { recursive: true });
    const entry = join(work, 'entry.ts');
    writeFileSync(entry, entrySource(work));
    return generateFrom(entry);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function generateFrom(entry: string): Map<string, string> {
  const generator = createGenerator({
    path: entry,
    tsconfig: join(projectRoot, 'tsconfig.json'),
    skipTypeCheck: true,
    expose: 'all',
    topRef: true,
    jsDoc: 'none',
    additionalProperties: false,
    sortProps: true,
  });
  const opened = new Set<string>();
  const overridesUsed = new Set<string>();
  const definitions = new Map<string, string>();
  const kinds: Record<string, string> = {};
  const roots = [...SCHEMA_ROOTS].sort((a, b) => kindKey(a.apiVersion, a.kind).localeCompare(kindKey(b.apiVersion, b.kind)));
  for (const root of roots) {
    const schema = finish(generator.createSchema(rootTypeName(root)) as unknown as JsonObject, opened, overridesUsed);
    const own = schema.definitions as JsonObject;
    const alias = own[rootTypeName(root)] as { $ref?: string } | undefined;
    const target = alias?.$ref?.replace('#/definitions/', '');
    if (target === undefined || own[target] === undefined) throw new Error(`${kindKey(root.apiVersion, root.kind)}: root type did not resolve`);
    for (const [name, def] of Object.entries(own)) {
      if (name === rootTypeName(root)) continue;
      const text = JSON.stringify(def);
      // One bundle for all kinds: a name must mean one shape everywhere (the renaming guarantees it; this proves it).
      if (definitions.has(name) && definitions.get(name) !== text) throw new Error(`definition ${name} differs between kinds`);
      definitions.set(name, text);
    }
    kinds[kindKey(root.apiVersion, root.kind)] = target;
  }
  const unused = SCHEMA_OVERRIDES.filter((o) => !overridesUsed.has(o.definition)).map((o) => o.definition);
  if (unused.length > 0) throw new Error(`overrides match no definition: ${unused.join(', ')}`);
  const bundle: JsonObject = {
    $id: SCHEMA_BUNDLE_ID,
    $schema: 'http://json-schema.org/draft-07/schema#',
    definitions: Object.fromEntries([...definitions.keys()].sort().map((name) => [name, JSON.parse(definitions.get(name)!) as Json])),
  };
  const index = {
    comment: 'Generated by scripts/gen-schemas.ts (npm run schemas). Do not edit.',
    kubernetesVersion: SCHEMA_KUBERNETES_VERSION,
    packages: Object.fromEntries(SOURCE_PACKAGES.map((name) => [name, packageVersion(name)])),
    handWritten: ['scripts/crd-types/flux-operator.ts', 'scripts/crd-types/k3s-helm.ts'],
    openDefinitions: [...opened].sort(),
    patternHints: PATTERN_HINTS,
    kinds,
  };
  return new Map<string, string>([
    ['definitions.json', `${JSON.stringify(bundle, null, 1)}\n`],
    ['index.json', `${JSON.stringify(index, null, 1)}\n`],
    ...standaloneValidators(bundle, kinds),
  ]);
}

/**
 * Precompiled validators (ajv standalone code), one export per kind, sharing one function per
 * definition: loading them costs ~60 ms where compiling the schemas at run time cost ~1 s on this
 * 2-core machine (compile once, at `npm run schemas`).
 */
function standaloneValidators(bundle: JsonObject, kinds: Record<string, string>): Map<string, string> {
  const families = new Map<string, [string, string][]>();
  for (const [key, definition] of Object.entries(kinds)) {
    const family = validatorFamily(key.slice(0, key.lastIndexOf('/')));
    families.set(family, [...(families.get(family) ?? []), [key, definition]]);
  }
  const files = new Map<string, string>();
  for (const [family, members] of [...families].sort(([a], [b]) => a.localeCompare(b))) {
    const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true, esm: false, lines: true } });
    ajv.addSchema(bundle);
    const exports: Record<string, string> = {};
    for (const [key, definition] of members) {
      ajv.addSchema({ $id: `kind:${key}`, $ref: `${SCHEMA_BUNDLE_ID}#/definitions/${definition}` });
      exports[exportName(key)] = `kind:${key}`;
    }
    const code = standaloneCode(ajv, exports);
    files.set(`validators/${family}.cjs`, `// Generated by scripts/gen-schemas.ts (npm run schemas) from schemas/k8s/definitions.json with ajv ${packageVersion('ajv')}. Do not edit.\n${code}\n`);
  }
  return files;
}

function removeEmptyDirs(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    removeEmptyDirs(join(dir, entry.name));
    if (readdirSync(join(dir, entry.name)).length === 0) rmSync(join(dir, entry.name), { recursive: true });
  }
}

function listFiles(dir: string): string[] {
  let out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    out = entry.isDirectory() ? out.concat(listFiles(path)) : out.concat(path);
  }
  return out;
}

function main(): void {
  const files = generateSchemas();
  mkdirSync(schemaDir, { recursive: true });
  for (const stale of listFiles(schemaDir)) {
    if (!files.has(relative(schemaDir, stale))) rmSync(stale);
  }
  removeEmptyDirs(schemaDir);
  for (const [file, content] of files) {
    mkdirSync(dirname(join(schemaDir, file)), { recursive: true });
    writeFileSync(join(schemaDir, file), content);
  }
  process.stdout.write(`wrote ${files.size} files to ${relative(projectRoot, schemaDir)}/\n`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
