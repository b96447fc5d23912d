import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSpecs } from '../../generator/io/specs.js';
import { applyPlan, plan, realFs, WriteError, type WriterFs } from '../../generator/io/tree.js';
import { renderRepository } from '../../generator/render/repository.js';
import { cli, contents, removeRepo, snapshot, tempRepo } from './_harness.js';

const roots: string[] = [];
function repo(clusters?: readonly string[]): string {
  const root = tempRepo(clusters);
  roots.push(root);
  return root;
}
afterEach(() => {
  for (const root of roots.splice(0)) removeRepo(root);
});

const LAB = 'clusters/pi5-lab/cluster.yaml';
function edit(root: string, path: string, change: (text: string) => string): void {
  const text = readFileSync(join(root, path), 'utf8');
  const next = change(text);
  if (next === text) throw new Error(`edit of ${path} changed nothing`);
  writeFileSync(join(root, path), next);
}

describe('pi-gitops generate on a temporary repository', () => {
  it('writes the tree once; a second run writes nothing and touches no file', async () => {
    const root = repo();
    const first = await cli(root, ['generate']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/wrote \d+ file\(s\): \d+ added, 0 changed, 0 removed/);
    const before = snapshot(root);
    const second = await cli(root, ['generate']);
    expect(second).toMatchObject({ code: 0, stdout: 'up to date: nothing to write\n', stderr: '' });
    expect(snapshot(root)).toEqual(before); // bytes, modes and mtimes
  });

  it('--check exits 0 on a clean tree and 1 naming the file after a hand edit', async () => {
    const root = repo();
    await cli(root, ['generate']);
    const clean = await cli(root, ['generate', '--check']);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/^up to date: \d+ generated files match/);

    edit(root, 'clusters/pi5-lab/apps.yaml', (t) => t.replace('prune: true', 'prune: false'));
    const before = contents(root);
    const drift = await cli(root, ['generate', '--check']);
    expect(drift.code).toBe(1);
    expect(drift.stdout).toContain('changed: clusters/pi5-lab/apps.yaml');
    expect(drift.stdout).toMatch(/^-\s+prune: false$/m);
    expect(drift.stdout).toMatch(/^\+\s+prune: true$/m);
    expect(drift.stderr).toContain('drift: 1 generated file(s) differ');
    expect(contents(root)).toEqual(before); // --check changes nothing
  });

  it('--check judges a script by its execute bit, as git records it, not by the umask of the checkout', async () => {
    const root = repo();
    await cli(root, ['generate']);
    const script = join(root, 'bootstrap/pi5-lab/node.sh');
    chmodSync(script, 0o775); // a checkout made with umask 002
    expect((await cli(root, ['generate', '--check'])).code).toBe(0);
    chmodSync(script, 0o644); // lost its execute bit
    const drift = await cli(root, ['generate', '--check']);
    expect(drift.code).toBe(1);
    expect(drift.stdout).toContain('changed: bootstrap/pi5-lab/node.sh');
  });

  it('leaves every file byte-identical when a rename fails at any point of the swap', async () => {
    const root = repo();
    await cli(root, ['generate']);
    // Given a spec change that alters several files and removes others
    edit(root, LAB, (t) => t.replace('branch: main', 'branch: release').replace('  monitoring:\n    enabled: true', '  monitoring:\n    enabled: false'));
    rmSync(join(root, 'clusters/pi5-mini/cluster.yaml'));
    const loaded = await loadSpecs(root);
    const changes = (await plan(root, renderRepository(loaded.specs))).changes;
    expect(changes.filter((c) => c.kind === 'changed').length).toBeGreaterThan(1);
    expect(changes.filter((c) => c.kind === 'removed').length).toBeGreaterThan(1);
    const before = contents(root);
    // How many renames a healthy swap makes, counted on a copy
    const copy = repo([]);
    cpSync(root, copy, { recursive: true });
    let total = 0;
    await applyPlan(copy, changes, { ...realFs, rename: async (a, b) => { total++; return realFs.rename(a, b); } });
    expect(total).toBeGreaterThan(changes.length);
    // When the swap fails at each rename in turn
    for (let failAt = 1; failAt <= total; failAt++) {
      let calls = 0;
      const faulty: WriterFs = {
        ...realFs,
        rename: async (from, to) => {
          if (++calls === failAt) throw Object.assign(new Error(`injected failure on rename ${failAt}`), { code: 'EIO' });
          return realFs.rename(from, to);
        },
      };
      // then the write is refused and every file is as it was, with no work folder left behind
      await expect(applyPlan(root, changes, faulty), `failing rename ${failAt}`).rejects.toBeInstanceOf(WriteError);
      expect(contents(root), `after failing rename ${failAt} of ${total}`).toEqual(before);
      expect(readdirSync(root).filter((n) => n.startsWith('.pi-gitops-'))).toEqual([]);
    }
    // and the same plan on a healthy filesystem applies completely
    await applyPlan(root, changes);
    expect((await cli(root, ['generate', '--check'])).code).toBe(0);
  });

  it('leaves every file byte-identical when staging a new file fails', async () => {
    const root = repo();
    await cli(root, ['generate']);
    edit(root, LAB, (t) => t.replace('branch: main', 'branch: release').replace('  monitoring:\n    enabled: true', '  monitoring:\n    enabled: false'));
    const changes = (await plan(root, renderRepository((await loadSpecs(root)).specs))).changes;
    const before = contents(root);
    for (let failAt = 1; failAt <= changes.filter((c) => c.file).length; failAt++) {
      let calls = 0;
      const faulty: WriterFs = {
        ...realFs,
        writeFile: async (path, data, options) => {
          if (++calls === failAt) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
          return realFs.writeFile(path, data, options);
        },
      };
      await expect(applyPlan(root, changes, faulty)).rejects.toThrow(/nothing was changed: ENOSPC/);
      expect(contents(root), `after failing write ${failAt}`).toEqual(before);
      expect(readdirSync(root).filter((n) => n.startsWith('.pi-gitops-'))).toEqual([]);
    }
  });

  it('keeps hand-written files in generated folders', async () => {
    const root = repo();
    await cli(root, ['generate']);
    writeFileSync(join(root, 'clusters/pi5-lab/NOTES.md'), 'hand-written notes\n');
    writeFileSync(join(root, 'clusters/pi5-lab/extra.yaml'), 'apiVersion: v1\nkind: ConfigMap\n');
    mkdirSync(join(root, 'apps'), { recursive: true });
    writeFileSync(join(root, 'apps/README.md'), '# our apps\n');
    edit(root, LAB, (t) => t.replace('branch: main', 'branch: release'));
    const result = await cli(root, ['generate']);
    expect(result.code).toBe(0);
    expect(readFileSync(join(root, 'clusters/pi5-lab/NOTES.md'), 'utf8')).toBe('hand-written notes\n');
    expect(readFileSync(join(root, 'clusters/pi5-lab/extra.yaml'), 'utf8')).toBe('apiVersion: v1\nkind: ConfigMap\n');
    expect(readFileSync(join(root, 'apps/README.md'), 'utf8')).toBe('# our apps\n');
  });

  it('refuses, exit 1, to overwrite a hand-written file where it would render one, and writes nothing', async () => {
    const root = repo();
    writeFileSync(join(root, 'clusters/pi5-lab/apps.yaml'), '# my own apps.yaml\n');
    const before = contents(root);
    const result = await cli(root, ['generate']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('clusters/pi5-lab/apps.yaml: a hand-written file stands where pi-gitops renders one');
    expect(result.stderr).toContain('nothing was written');
    expect(contents(root)).toEqual(before);
  });

  it('removes generated files the spec no longer asks for, and their empty folders', async () => {
    const root = repo();
    await cli(root, ['generate']);
    // A file this generator once wrote (it carries the header) for an app since dropped from the spec
    mkdirSync(join(root, 'apps/base/old-app'), { recursive: true });
    writeFileSync(join(root, 'apps/base/old-app/deployment.yaml'), '# Generated by pi-gitops from clusters/*/cluster.yaml. Do not edit: change the spec and run `pi-gitops generate`.\n---\nkind: Deployment\n');
    // and a whole cluster removed
    rmSync(join(root, 'clusters/pi5-mini/cluster.yaml'));
    const result = await cli(root, ['generate']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('removed: apps/base/old-app/deployment.yaml');
    expect(result.stdout).toContain('removed: clusters/pi5-mini/apps.yaml');
    expect(existsSync(join(root, 'apps/base/old-app'))).toBe(false);
    expect(existsSync(join(root, 'clusters/pi5-mini'))).toBe(false);
    expect(existsSync(join(root, 'clusters/pi5-lab/apps.yaml'))).toBe(true);
  });

  it('--cluster NAME touches only that cluster\'s files and the shared ones', async () => {
    const root = repo();
    await cli(root, ['generate']);
    edit(root, LAB, (t) => t.replace('branch: main', 'branch: lab-next'));
    edit(root, 'clusters/pi5-mini/cluster.yaml', (t) => t.replace('branch: main', 'branch: mini-next'));
    const labBefore = readFileSync(join(root, 'clusters/pi5-lab/flux-system/flux-instance.yaml'), 'utf8');
    const result = await cli(root, ['generate', '--cluster', 'pi5-mini']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('changed: clusters/pi5-mini/flux-system/flux-instance.yaml');
    expect(result.stdout).not.toContain('pi5-lab');
    expect(readFileSync(join(root, 'clusters/pi5-mini/flux-system/flux-instance.yaml'), 'utf8')).toContain('refs/heads/mini-next');
    expect(readFileSync(join(root, 'clusters/pi5-lab/flux-system/flux-instance.yaml'), 'utf8')).toBe(labBefore);
    // The other cluster is still due
    const check = await cli(root, ['generate', '--check']);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('changed: clusters/pi5-lab/flux-system/flux-instance.yaml');
    expect(check.stdout).not.toContain('changed: clusters/pi5-mini');
  });

  it('--cluster with an unknown name exits 2 and names the clusters there are', async () => {
    const root = repo();
    const result = await cli(root, ['generate', '--cluster', 'nope']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no cluster named nope');
    expect(result.stderr).toContain('pi5-lab, pi5-mini');
  });

  it('--out DIR writes the tree under DIR and nothing beside the specs', async () => {
    const root = repo();
    const result = await cli(root, ['generate', '--out', 'rendered']);
    expect(result.code).toBe(0);
    expect(existsSync(join(root, 'rendered/clusters/pi5-lab/apps.yaml'))).toBe(true);
    expect(readdirSync(join(root, 'clusters/pi5-lab'))).toEqual(['cluster.yaml']);
    expect((await cli(root, ['generate', '--out', 'rendered', '--check'])).code).toBe(0);
  });

  it('a misspelt key exits 2 with file:line:col and a suggestion, and leaves the tree byte-identical', async () => {
    const root = repo();
    await cli(root, ['generate']);
    edit(root, LAB, (t) => t.replace('memoryGiB: 16', 'memoryGib: 16'));
    const before = contents(root);
    const result = await cli(root, ['generate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('clusters/pi5-lab/cluster.yaml:22:7 error E_SPEC_UNKNOWN_FIELD');
    expect(result.stderr).toContain('hint: did you mean `memoryGiB`?');
    expect(result.stderr).toContain('nothing was written');
    expect(result.stdout).toBe('');
    expect(contents(root)).toEqual(before);
  });

  it('exits 2 where there is no clusters/ folder', async () => {
    const root = repo([]);
    const result = await cli(root, ['generate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('E_SPEC_NONE');
  });
});
