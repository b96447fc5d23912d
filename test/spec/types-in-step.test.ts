import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { clusterSchema, type JsonSchema } from '../../generator/spec/schema.js';
import { fieldsOf, itemsOf, mapValues } from '../../generator/spec/schema-walk.js';

/** Every field path the schema defines: spec.nodes[].storage.mountPath, spec.apps.*.resources… */
function schemaPaths(schema: JsonSchema, at: string, out: Set<string>): Set<string> {
  const descend = (child: JsonSchema, path: string): void => {
    if (child.properties) schemaPaths(child, path, out);
    const items = child.type === 'array' ? itemsOf(clusterSchema, child) : undefined;
    if (items) {
      out.add(`${path}[]`);
      descend(items, `${path}[]`);
    }
    const values = child.properties ? undefined : mapValues(clusterSchema, child);
    if (values) {
      out.add(`${path}.*`);
      descend(values, `${path}.*`);
    }
  };
  for (const field of fieldsOf(clusterSchema, schema)) {
    const path = at === '' ? field.name : `${at}.${field.name}`;
    out.add(path);
    descend(field.schema, path);
  }
  return out;
}

/** The same paths read from the ClusterSpec type in generator/spec/types.ts by the TypeScript checker. */
function typePaths(): Set<string> {
  const program = ts.createProgram(['generator/spec/types.ts'], { strict: true, noEmit: true, skipLibCheck: true, types: [] });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile('generator/spec/types.ts')!;
  const symbol = checker.getExportsOfModule(checker.getSymbolAtLocation(source)!).find((s) => s.name === 'ClusterSpec')!;
  const out = new Set<string>();
  const visit = (type: ts.Type, at: string, depth: number): void => {
    if (depth > 12) return;
    const t = checker.getNonNullableType(type);
    if (checker.isArrayType(t) || checker.isTupleType(t)) {
      const element = checker.getTypeArguments(t as ts.TypeReference)[0];
      out.add(`${at}[]`);
      if (element) visit(element, `${at}[]`, depth + 1);
      return;
    }
    if (t.flags & (ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike) || t.isUnion()) return;
    const index = checker.getIndexInfoOfType(t, ts.IndexKind.String);
    if (index && t.getProperties().length === 0) {
      out.add(`${at}.*`);
      visit(index.type, `${at}.*`, depth + 1);
      return;
    }
    for (const property of t.getProperties()) {
      const path = at === '' ? property.name : `${at}.${property.name}`;
      out.add(path);
      visit(checker.getTypeOfSymbolAtLocation(property, property.valueDeclaration ?? source), path, depth + 1);
    }
  };
  visit(checker.getDeclaredTypeOfSymbol(symbol), '', 0);
  return out;
}

describe('generator/spec/types.ts', () => {
  it('declares exactly the fields of schemas/cluster.schema.json, at the same paths', () => {
    const fromSchema = schemaPaths(clusterSchema, '', new Set());
    const fromTypes = typePaths();
    expect(fromSchema.size).toBeGreaterThan(100);
    const missingInTypes = [...fromSchema].filter((p) => !fromTypes.has(p)).sort();
    const missingInSchema = [...fromTypes].filter((p) => !fromSchema.has(p)).sort();
    expect({ missingInTypes, missingInSchema }).toEqual({ missingInTypes: [], missingInSchema: [] });
  });
});
