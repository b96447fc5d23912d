import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REFERENCE_PATH, specReference } from '../../generator/spec/reference.js';
import { clusterSchema, type JsonSchema } from '../../generator/spec/schema.js';

describe('docs/spec-reference.md', () => {
  it('is the page the schema generates (run `npm run docs:spec` after changing the schema)', () => {
    const committed = readFileSync(REFERENCE_PATH, 'utf8');
    expect(committed === specReference(), `${REFERENCE_PATH} is out of date: run \`npm run docs:spec\` and commit it`).toBe(true);
  });

  it('has a row for every field the schema defines, with its default', () => {
    const page = specReference();
    expect(page).toContain('| `memoryGiB` | one of `1`, `2`, `4`, `8`, `16` | yes |');
    expect(page).toContain('| `headroomPercent` | integer 10–100 |  | `80` |');
    expect(page).toMatch(/\| `nodes` \| \[list of objects\]\(#specnodes\) \| yes \|/);
  });

  it('follows a change in the schema', () => {
    const changed = structuredClone(clusterSchema) as { properties: { spec: { properties: { budget: { properties: { headroomPercent: { default: number } } } } } } };
    changed.properties.spec.properties.budget.properties.headroomPercent.default = 70;
    expect(specReference(changed as unknown as JsonSchema)).toContain('| `headroomPercent` | integer 10–100 |  | `70` |');
  });
});
