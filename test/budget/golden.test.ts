import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { asInputs, budget, formatBudgetMarkdown, formatBudgetText } from '../../generator/budget/index.js';
import { oldSetupOnSix4GbPis, syntheticObjects } from './fixtures.js';

// Golden reports on the real bytes, for a fixed spec that does not fit (so every part of the report shows).
// Rewrite them after an intended change with: UPDATE_GOLDEN=1 npx vitest run test/budget/golden.test.ts
const dir = 'test/budget/golden';

async function golden(name: string, actual: string): Promise<void> {
  const path = `${dir}/${name}`;
  if (process.env.UPDATE_GOLDEN === '1') {
    await mkdir(dir, { recursive: true });
    await writeFile(path, actual);
  }
  expect(actual).toBe(await readFile(path, 'utf8'));
}

describe('budget report golden files', () => {
  const spec = oldSetupOnSix4GbPis();
  const report = budget(spec, asInputs(syntheticObjects(spec.cluster.spec)));

  it('text report of six 4 GB Pis with the old setup', async () => {
    await golden('old-setup-six-4gb.txt', formatBudgetText(report));
  });

  it('markdown report of six 4 GB Pis with the old setup', async () => {
    await golden('old-setup-six-4gb.md', formatBudgetMarkdown(report));
  });
});
