import { describe, expect, it } from 'vitest';
import { loadSpec } from '../../generator/spec/load.js';
import { clusterSchema, type JsonSchema } from '../../generator/spec/schema.js';
import { fieldsOf, itemsOf, mapValues } from '../../generator/spec/schema-walk.js';
import { SCHEMA_COMMENT, starterSpec } from '../../generator/spec/starter.js';
import { presets } from '../../generator/spec/starter-presets.js';
import { renderRepository } from '../../generator/render/repository.js';

/** Every property name the schema defines, with the path it was found at. */
function schemaFields(schema: JsonSchema, at = '', out: { path: string; name: string; schema: JsonSchema }[] = []): typeof out {
  for (const field of fieldsOf(clusterSchema, schema)) {
    const path = `${at}.${field.name}`;
    out.push({ path, name: field.name, schema: field.schema });
    if (field.schema.properties) schemaFields(field.schema, path, out);
    const items = itemsOf(clusterSchema, field.schema);
    if (items?.properties) schemaFields(items, `${path}[]`, out);
    const values = mapValues(clusterSchema, field.schema);
    if (values?.properties) schemaFields(values, `${path}.*`, out);
  }
  return out;
}

/** Notes wrap over several comment lines; join them so a phrase can be searched. */
function unwrapped(text: string): string {
  return text.replace(/\n[ #]*#(?= )/g, '');
}

describe('starterSpec', () => {
  for (const preset of presets) {
    it(`writes a ${preset} spec that loads without findings and renders`, () => {
      const text = starterSpec('demo', preset);
      const { spec, findings } = loadSpec('clusters/demo/cluster.yaml', text);
      expect(findings).toEqual([]);
      expect(spec?.cluster.metadata.name).toBe('demo');
      expect(renderRepository([spec!]).map((f) => f.path)).toContain('clusters/demo/flux-system/flux-instance.yaml');
    });
  }

  it('starts with the yaml-language-server schema comment so editors validate as the user types', () => {
    expect(starterSpec('demo', 'lab').split('\n')[0]).toBe(SCHEMA_COMMENT);
    expect(SCHEMA_COMMENT).toBe('# yaml-language-server: $schema=../../schemas/cluster.schema.json');
  });

  it('mentions every field of the schema, each with a REQUIRED or OPTIONAL note', () => {
    const text = starterSpec('demo', 'lab');
    const missing = schemaFields(clusterSchema).filter((f) => !new RegExp(`^[ #-]*${f.name}:`, 'm').test(text));
    expect(missing.map((f) => f.path)).toEqual([]);
    const keyLines = text.split('\n').filter((line) => /^[ #-]*[A-Za-z][\w-]*:( |$)/.test(line) && !/# (REQUIRED|OPTIONAL)\./.test(line));
    expect(keyLines.length).toBeGreaterThan(100);
  });

  it('writes each scalar default as the schema states it', () => {
    const text = unwrapped(starterSpec('demo', 'lab'));
    const defaults = schemaFields(clusterSchema).filter((f) => f.schema.default !== undefined && typeof f.schema.default !== 'object');
    expect(defaults.length).toBeGreaterThan(30);
    for (const field of defaults) expect(text, field.path).toContain(`Default: ${String(field.schema.default)}.`);
  });

  it('takes defaults and descriptions from the schema it is given, not from a copy of its own', () => {
    const changed = structuredClone(clusterSchema) as { properties: { spec: { properties: { git: { properties: { branch: { default: string; description: string } } } } } } };
    changed.properties.spec.properties.git.properties.branch.default = 'production';
    changed.properties.spec.properties.git.properties.branch.description = 'The branch to follow.';
    const text = starterSpec('demo', 'lab', changed as unknown as JsonSchema);
    expect(text).toContain('    # OPTIONAL. The branch to follow. Default: production. Example: main.\n    # branch: production\n');
  });

  it('comments out optional blocks so uncommenting a whole block keeps nested notes as comments', () => {
    const text = starterSpec('demo', 'lab');
    expect(text).toContain('  # reservations:\n  #   # OPTIONAL. Reservations on server nodes.');
    // acmeEmail has no default: inside the commented platform block it is commented once more.
    expect(text).toMatch(/^  # {5}# acmeEmail: ops@example.com$/m);
  });

  it('shows each commented-out field at its default: uncommenting it changes nothing', () => {
    // For every commented-out block whose note states a default, uncomment just that block (as an
    // editor's toggle-comment does) and load: the spec must be valid and equal to the starter as is.
    for (const preset of presets) {
      const text = starterSpec('demo', preset);
      const lines = text.split('\n');
      const original = loadSpec('clusters/demo/cluster.yaml', text).spec!.cluster;
      const tried: string[] = [];
      lines.forEach((line, index) => {
        const key = /^( *)# ([a-z][\w-]*):( .*)?$/.exec(line);
        if (!key) return;
        const indent = key[1]!;
        const isKeyLine = (text: string): boolean => new RegExp(`^${indent}# [a-z][\\w-]*:( |$)`).test(text);
        let start = index;
        while (start > 0 && lines[start - 1]!.startsWith(`${indent}# `) && !isKeyLine(lines[start - 1]!)) start--;
        const note = lines.slice(start, index).join(' ');
        if (!/# (OPTIONAL|REQUIRED)\./.test(note) || !note.includes('Default:') || note.includes('are an example')) return;
        let end = index + 1;
        while (end < lines.length && lines[end]!.startsWith(`${indent}#   `)) end++;
        const edited = [...lines];
        for (let i = index; i < end; i++) edited[i] = indent + lines[i]!.slice(indent.length + 2);
        const { spec, findings } = loadSpec('clusters/demo/cluster.yaml', edited.join('\n'));
        expect(findings, `${preset}: uncommenting line ${index + 1} (${line.trim()})`).toEqual([]);
        expect(spec!.cluster, `${preset}: uncommenting line ${index + 1} (${line.trim()})`).toEqual(original);
        tried.push(key[2]!);
      });
      expect(tried, preset).toEqual(expect.arrayContaining(['namespace', 'branch', 'flux', 'reservations', 'platform', 'healthPath', 'env']));
      expect(tried.length, preset).toBeGreaterThan(15);
    }
  });

  it('keeps every line within 100 columns, without trailing spaces', () => {
    for (const preset of presets) {
      const long = starterSpec('a-rather-long-cluster-name', preset).split('\n').filter((line) => line.length > 100 || / $/.test(line));
      expect(long, preset).toEqual([]);
    }
  });

  it('does not carry the generated-file marker, so generate never treats the spec as its own', () => {
    expect(starterSpec('demo', 'mini')).not.toContain('Generated by pi-gitops');
  });
});
