import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseBuiltObjects } from '../../generator/repo/flux-graph.js';
import { formatPath } from '../../generator/findings.js';
import { checkObjectSchemas, SchemaStore } from '../../generator/validate/schemas/index.js';

/**
 * Exhaustive over the valid fixture: at EVERY object node of every object, an extra key must fail as
 * E_SCHEMA_UNKNOWN_FIELD at exactly that path when the schema declares the node's fields, and must pass
 * when the node is an open map (labels, values, data …); deleting any required field must fail as
 * E_SCHEMA_REQUIRED at exactly its path.
 */
const objects = parseBuiltObjects(readFileSync('test/validate/fixtures/schemas-valid.yaml', 'utf8'));
const store = new SchemaStore();

type Path = (string | number)[];

function objectNodes(value: unknown, path: Path = []): Path[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => objectNodes(item, [...path, i]));
  if (value === null || typeof value !== 'object') return [];
  return [path, ...Object.entries(value).flatMap(([key, child]) => objectNodes(child, [...path, key]))];
}

function at(object: unknown, path: Path): Record<string, unknown> {
  return path.reduce<any>((node, part) => node[part], object) as Record<string, unknown>;
}

function definitionOf(object: Record<string, unknown>): string {
  const definition = store.rootDefinition(String(object.apiVersion), String(object.kind));
  if (!definition) throw new Error(`no schema for ${String(object.kind)}`);
  return definition;
}

const cases = objects.flatMap((object) =>
  objectNodes(object).map((path) => {
    const schema = store.schemaAt(definitionOf(object), path);
    const closed = schema?.properties !== undefined && schema.additionalProperties === false;
    return { object, path, closed, required: closed ? [...(schema?.required ?? [])] : [] };
  }),
);

describe('schemas stage, exhaustively over the valid fixture', () => {
  it('finds hundreds of object nodes: 240 closed, 35 open maps', () => {
    expect(cases.length).toBeGreaterThan(250);
    expect(cases.filter((c) => c.closed).length).toBeGreaterThan(200);
    expect(cases.filter((c) => !c.closed).length).toBeGreaterThanOrEqual(30);
  });

  it('rejects an extra key at every closed node, at exactly that path', () => {
    const wrong: string[] = [];
    for (const { object, path } of cases.filter((c) => c.closed)) {
      const copy = structuredClone(object);
      at(copy, path).zzNotAField = 'x';
      const findings = checkObjectSchemas([{ object: copy, fluxPath: 'x' }]);
      const want = formatPath([...path, 'zzNotAField']);
      if (findings.length !== 1 || findings[0]?.code !== 'E_SCHEMA_UNKNOWN_FIELD' || findings[0].path !== want) {
        wrong.push(`${String(object.kind)} ${want}: ${JSON.stringify(findings.map((f) => [f.code, f.path]))}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('accepts an extra string key in every open map', () => {
    const wrong: string[] = [];
    for (const { object, path } of cases.filter((c) => !c.closed)) {
      const copy = structuredClone(object);
      at(copy, path)['example.com/any-key'] = 'x';
      const findings = checkObjectSchemas([{ object: copy, fluxPath: 'x' }]);
      if (findings.length > 0) wrong.push(`${String(object.kind)} ${formatPath(path)}: ${JSON.stringify(findings.map((f) => [f.code, f.path]))}`);
    }
    expect(wrong).toEqual([]);
  });

  it('requires every required field, at exactly its path', () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const { object, path, required } of cases) {
      for (const field of required) {
        const copy = structuredClone(object);
        if (!(field in at(copy, path))) continue;
        delete at(copy, path)[field];
        checked++;
        const findings = checkObjectSchemas([{ object: copy, fluxPath: 'x' }]);
        const want = formatPath([...path, field]);
        if (findings.length !== 1 || findings[0]?.code !== 'E_SCHEMA_REQUIRED' || findings[0].path !== want) {
          wrong.push(`${String(object.kind)} ${want}: ${JSON.stringify(findings.map((f) => [f.code, f.path]))}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(wrong).toEqual([]);
  });
});

describe('schemas stage on arbitrary input', () => {
  it('returns findings and never throws, whatever the built documents hold', async () => {
    const fc = await import('fast-check');
    const kinds = objects.map((o) => [String(o.apiVersion), String(o.kind)] as const);
    fc.assert(
      fc.property(fc.constantFrom(...kinds), fc.anything(), fc.anything(), ([apiVersion, kind], spec, metadata) => {
        const findings = checkObjectSchemas([
          { object: { apiVersion, kind, metadata, spec } as Record<string, unknown>, fluxPath: 'x' },
          { object: spec as Record<string, unknown>, fluxPath: 'y' },
        ]);
        expect(Array.isArray(findings)).toBe(true);
        for (const finding of findings) expect(finding.code).toMatch(/^E_SCHEMA_[A-Z_]+$/);
      }),
      { numRuns: 500, seed: 4 },
    );
  });
});
