/**
 * Golden files: each fixture repository under test/fixtures/golden/<name>/ (one or more
 * clusters/<c>/cluster.yaml) renders in memory and must match test/golden/<name>/ file by file,
 * byte for byte, including the executable bit.
 *
 * After an intended change to a renderer, rewrite the expected trees with ONE command:
 *
 *     UPDATE_GOLDEN=1 npx vitest run test/golden.test.ts      (or: npm run golden:update)
 *
 * then review `git diff test/golden` and commit it with the change. The update deletes and rewrites
 * each test/golden/<name>/ so files a renderer no longer produces disappear too.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { describe, expect, it } from 'vitest';
import { formatFindings } from '../generator/findings-format.js';
import { loadSpecs } from '../generator/io/specs.js';
import { renderRepository } from '../generator/render/repository.js';

const FIXTURES = 'test/fixtures/golden';
const EXPECTED = 'test/golden';
const update = process.env.UPDATE_GOLDEN === '1';

function listFiles(root: string, dir = ''): string[] {
  if (!existsSync(join(root, dir))) return [];
  return readdirSync(join(root, dir), { withFileTypes: true })
    .flatMap((entry) => {
      const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
      return entry.isDirectory() ? listFiles(root, path) : [path];
    })
    .sort();
}

const isExecutable = (path: string): boolean => (statSync(path).mode & 0o111) !== 0;

const fixtures = readdirSync(FIXTURES).sort();

describe('golden files', () => {
  it('has the bundled examples among its fixtures', () => {
    expect(fixtures).toEqual(expect.arrayContaining(['pi5-lab', 'pi5-mini']));
  });

  for (const name of fixtures) {
    it(`${name}: renders byte for byte what test/golden/${name}/ holds`, async () => {
      // Given the fixture's specs
      const loaded = await loadSpecs(join(FIXTURES, name));
      expect(loaded.findings, formatFindings(loaded.findings)).toEqual([]);
      // when they render in memory
      const files = renderRepository(loaded.specs);
      const expectedRoot = join(EXPECTED, name);
      if (update) {
        rmSync(expectedRoot, { recursive: true, force: true });
        for (const file of files) {
          const target = join(expectedRoot, file.path);
          mkdirSync(dirname(target), { recursive: true });
          writeFileSync(target, file.content, { mode: file.mode ?? 0o644 });
        }
      }
      // then the set of paths, every byte and every executable bit match the expected tree
      expect(files.map((f) => f.path), `files differ from ${expectedRoot}; if intended, run UPDATE_GOLDEN=1 npx vitest run test/golden.test.ts`).toEqual(listFiles(expectedRoot));
      const differing = files.filter((f) => readFileSync(join(expectedRoot, f.path), 'utf8') !== f.content);
      const diffs = differing.slice(0, 3).map((f) => createTwoFilesPatch(`expected/${f.path}`, `rendered/${f.path}`, readFileSync(join(expectedRoot, f.path), 'utf8'), f.content));
      expect(differing.map((f) => f.path), `content differs (UPDATE_GOLDEN=1 npx vitest run test/golden.test.ts rewrites it):\n${diffs.join('\n')}`).toEqual([]);
      const modes = files.filter((f) => ((f.mode ?? 0o644) & 0o111) !== 0 !== isExecutable(join(expectedRoot, f.path)));
      expect(modes.map((f) => f.path), 'executable bit differs').toEqual([]);
    });
  }
});
