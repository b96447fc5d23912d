import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { generateSchemas, schemaDir } from '../../scripts/gen-schemas.js';
import { SCHEMA_ROOTS } from '../../scripts/schema-roots.js';

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path) : [path];
  });
}

const index = JSON.parse(readFileSync(join(schemaDir, 'index.json'), 'utf8')) as { kinds: Record<string, string>; kubernetesVersion: string };

describe('generated object schemas (npm run schemas)', () => {
  it('are exactly what scripts/gen-schemas.ts produces from the installed packages', () => {
    // Given the committed schemas/k8s/ and a fresh generation
    const generated = generateSchemas();
    const committed = listFiles(schemaDir).map((file) => relative(schemaDir, file)).sort();
    // Then the file sets match and every byte matches (run `npm run schemas` after changing a package or an override)
    expect(committed).toEqual([...generated.keys()].sort());
    for (const [file, content] of generated) expect(readFileSync(join(schemaDir, file), 'utf8'), file).toBe(content);
  }, 120_000);

  it('cover every root listed in scripts/schema-roots.ts', () => {
    expect(Object.keys(index.kinds).sort()).toEqual(SCHEMA_ROOTS.map((r) => `${r.apiVersion}/${r.kind}`).sort());
  });

  it('cover every apiVersion/kind in the rendered repository (kustomize files are not cluster objects)', () => {
    // Given every YAML document the generator wrote under clusters/, apps/, infrastructure/
    const roots = ['clusters', 'apps', 'infrastructure'].filter((dir) => existsSync(dir));
    const kinds = new Set<string>();
    for (const file of roots.flatMap(listFiles).filter((f) => /\.ya?ml$/.test(f) && !f.endsWith('cluster.yaml'))) {
      for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
        const value = (Array.isArray(doc) ? undefined : doc.toJS()) as { apiVersion?: string; kind?: string } | null | undefined;
        if (!value?.apiVersion || !value.kind || value.apiVersion.startsWith('kustomize.config.k8s.io/')) continue;
        kinds.add(`${value.apiVersion}/${value.kind}`);
      }
    }
    // Then each has a schema (a missing one would fail validate with E_SCHEMA_MISSING)
    expect(kinds.size).toBeGreaterThan(0);
    expect([...kinds].filter((kind) => !(kind in index.kinds))).toEqual([]);
  });
});
