import { afterEach, describe, expect, it, vi } from 'vitest';
import { cli, contents, removeRepo, tempRepo } from './_harness.js';

// A renderer that throws (a bug) must surface as an internal error and change nothing on disk.
const failing = vi.hoisted(() => ({ on: false }));
vi.mock('../../generator/render/repository.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../generator/render/repository.js')>();
  return {
    ...actual,
    renderRepository: (...args: Parameters<typeof actual.renderRepository>) => {
      if (failing.on) throw new TypeError("Cannot read properties of undefined (reading 'replicas')");
      return actual.renderRepository(...args);
    },
  };
});

const roots: string[] = [];
afterEach(() => {
  failing.on = false;
  for (const root of roots.splice(0)) removeRepo(root);
});

describe('a render that throws', () => {
  it('exits 3 asking for a report and leaves the tree untouched', async () => {
    const root = tempRepo();
    roots.push(root);
    expect((await cli(root, ['generate'])).code).toBe(0);
    const { writeFileSync, readFileSync } = await import('node:fs');
    const spec = `${root}/clusters/pi5-lab/cluster.yaml`;
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('branch: main', 'branch: next'));
    const before = contents(root);

    failing.on = true;
    const result = await cli(root, ['generate']);

    expect(result.code).toBe(3);
    expect(result.stderr).toContain('internal error — please report this');
    expect(result.stderr).toContain("reading 'replicas'");
    expect(result.stdout).toBe('');
    expect(contents(root)).toEqual(before);
  });
});
