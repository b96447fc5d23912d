import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSchema, clusterSchema } from '../../generator/spec/schema.js';
import { loadValidator, validatorSource } from '../../generator/spec/validator.js';
import { parseYamlSource } from '../../generator/spec/yaml-source.js';
import { readCases } from './_corpus.js';

// Inside the repository so the standalone code's require('ajv/dist/runtime/…') resolves (.pi-gitops-*/ is ignored by git).
const dir = mkdtempSync(join(process.cwd(), '.pi-gitops-validator-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const source = validatorSource(clusterSchema);

describe('the precompiled (standalone) spec validator', () => {
  const file = join(dir, 'cluster-validator.cjs');
  writeFileSync(file, source);
  const standalone = loadValidator(clusterSchema, file);
  const runtime = loadValidator(clusterSchema, join(dir, 'absent.cjs'));

  it('is used when it was built from the schema as it is', () => {
    expect(standalone.precompiled).toBe(true);
    expect(runtime.precompiled).toBe(false);
  });

  it('finds exactly what the runtime-compiled validator finds, and fills the same defaults', () => {
    const cases = [...readCases('test/fixtures/spec/invalid'), ...readCases('test/fixtures/spec/valid')];
    let checked = 0;
    for (const c of cases) {
      const parse = (): { value: unknown; locate: Parameters<typeof checkSchema>[2] } => {
        const parsed = parseYamlSource(c.file, c.bytes, { stage: 'spec', codePrefix: 'E_SPEC' });
        return { value: parsed.values[0], locate: () => ({ line: 1, column: 1 }) };
      };
      const a = parse();
      const b = parse();
      if (a.value === undefined || a.value === null || typeof a.value !== 'object') continue;
      expect(checkSchema(c.file, a.value, a.locate, standalone.validate), c.name).toEqual(checkSchema(c.file, b.value, b.locate, runtime.validate));
      expect(a.value, c.name).toEqual(b.value);
      checked++;
    }
    expect(checked).toBeGreaterThan(40);
  });

  it('is ignored when the schema changed since it was built', () => {
    const stale = join(dir, 'stale.cjs');
    writeFileSync(stale, source.replace(/module\.exports\.schemaHash = "[0-9a-f]+";/, 'module.exports.schemaHash = "0";'));
    expect(loadValidator(clusterSchema, stale).precompiled).toBe(false);
    const changed = structuredClone(clusterSchema) as { title: string };
    changed.title = 'changed';
    expect(loadValidator(changed as never, file).precompiled).toBe(false);
  });
});
