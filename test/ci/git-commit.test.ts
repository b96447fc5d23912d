import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { COMMIT_TRAILER, commitGenerated } from '../../generator/io/git.js';
import { renderIntoTree } from '../../generator/io/render-tree.js';
import { git, runCli, sandbox, type Sandbox } from './helpers.js';

// Real git against a local bare repository: the main workflow's `pi-gitops ci commit`.

let box: Sandbox | undefined;
afterEach(() => {
  box?.cleanup();
  box = undefined;
});

const bot = { PI_GITOPS_BOT_NAME: 'pi-gitops[bot]', PI_GITOPS_BOT_EMAIL: 'pi-gitops-bot@example.com' };

function remoteFiles(remote: string): string[] {
  return git(remote, 'ls-tree', '-r', '--name-only', 'main').trim().split('\n').sort();
}

describe('pi-gitops ci commit', () => {
  it('commits exactly the rendered files as the bot, names the clusters, and pushes', async () => {
    box = sandbox();
    const work = box.clone('ci');

    const run = await runCli(['ci', 'commit'], work, bot);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/pushed [0-9a-f]{12} with \d+ generated file\(s\) after 1 attempt/);
    const files = remoteFiles(box.remote);
    expect(files).toContain('clusters/pi5-lab/flux-system/flux-instance.yaml');
    expect(files).toContain('clusters/pi5-mini/kustomization.yaml');
    expect(files).toContain('.gitattributes');
    const [author, subject, ...body] = git(box.remote, 'log', '-1', '--format=%an <%ae>%n%s%n%b', 'main').trim().split('\n');
    expect(author).toBe('pi-gitops[bot] <pi-gitops-bot@example.com>');
    expect(subject).toBe('Render pi5-lab, pi5-mini');
    expect(body).toContain(COMMIT_TRAILER);
    expect(body.join('\n')).toMatch(/- pi5-lab: \d+ file\(s\)\n- pi5-mini: \d+ file\(s\)\n- shared: \d+ file\(s\)/);
    const committed = git(box.remote, 'show', '--name-only', '--format=', 'main').trim().split('\n').length;
    expect(run.stdout).toContain(`with ${committed} generated file(s)`);
  });

  it('makes no commit when the rendered output is already committed', async () => {
    box = sandbox();
    const work = box.clone('ci');
    expect((await runCli(['ci', 'commit'], work, bot)).code).toBe(0);
    const before = git(box.remote, 'rev-parse', 'main').trim();

    const again = await runCli(['ci', 'commit'], work, bot);

    expect(again.code).toBe(0);
    expect(again.stdout).toContain('the rendered output is up to date: nothing to commit');
    expect(git(box.remote, 'rev-parse', 'main').trim()).toBe(before);
  });

  it('after another push lands first, fetches, rebases, renders the new specs and pushes on the second attempt', async () => {
    // Given: CI checked out the specs; meanwhile a person merges a Flux upgrade for pi5-lab.
    box = sandbox();
    const ci = box.clone('ci');
    const person = box.clone('person');
    const spec = join(person, 'clusters/pi5-lab/cluster.yaml');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('version: 2.9.4', 'version: 2.9.5'));
    git(person, 'commit', '-q', '-am', 'Upgrade Flux on pi5-lab');
    git(person, 'push', '-q', 'origin', 'HEAD:main');
    const theirs = git(person, 'rev-parse', 'HEAD').trim();

    // When: CI commits what it rendered from the older checkout.
    const run = await runCli(['ci', 'commit'], ci, bot);

    // Then: the first push is rejected, the retry renders from the person's spec and lands on top of it.
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('push rejected: origin/main moved on; fetching, rebasing and rendering again (attempt 2 of 3)');
    expect(run.stdout).toContain('after 2 attempt(s)');
    expect(run.stdout).not.toContain('rebase conflicted');
    git(box.remote, 'merge-base', '--is-ancestor', theirs, 'main');
    expect(git(box.remote, 'show', 'main:clusters/pi5-lab/flux-system/flux-instance.yaml')).toContain('version: 2.9.5');
    expect(git(box.remote, 'log', '--format=%an', 'main').trim().split('\n')).toEqual(['pi-gitops[bot]', 'Ada Operator', 'Ada Operator']);
  });

  it('when the other push changed the same generated files, resets onto it and renders again instead of failing the rebase', async () => {
    // Given: both CI and a person render; the person's render (with a Flux upgrade) lands first.
    box = sandbox();
    const ci = box.clone('ci');
    const person = box.clone('person');
    expect((await runCli(['generate'], person)).code).toBe(0);
    const spec = join(person, 'clusters/pi5-lab/cluster.yaml');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('version: 2.9.4', 'version: 2.9.5'));
    expect((await runCli(['generate'], person)).code).toBe(0);
    git(person, 'add', '.');
    git(person, 'commit', '-q', '-m', 'Upgrade Flux on pi5-lab, rendered by hand');
    git(person, 'push', '-q', 'origin', 'HEAD:main');
    const theirs = git(person, 'rev-parse', 'HEAD').trim();

    // When
    const run = await runCli(['ci', 'commit'], ci, bot);

    // Then: the tip is already rendered from its specs, so after moving onto it there is nothing to add.
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('rebase conflicted; resetting to origin/main');
    expect(run.stdout).toContain('up to date there: nothing to commit');
    expect(git(box.remote, 'rev-parse', 'main').trim()).toBe(theirs);
  });

  it('keeps hand-written uncommitted edits through the rebase (autostash) and leaves them unstaged', async () => {
    box = sandbox();
    const ci = box.clone('ci');
    const person = box.clone('person');
    writeFileSync(join(person, 'README.md'), 'moved on\n');
    git(person, 'add', 'README.md');
    git(person, 'commit', '-q', '-m', 'Docs');
    git(person, 'push', '-q', 'origin', 'HEAD:main');
    const spec = join(ci, 'clusters/pi5-mini/cluster.yaml');
    const edited = readFileSync(spec, 'utf8').replace('# A lighter profile', '# An edited lighter profile');
    writeFileSync(spec, edited);

    const run = await runCli(['ci', 'commit'], ci, bot);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('after 2 attempt(s)');
    expect(run.stdout).toContain('not generated by pi-gitops were left unstaged: clusters/pi5-mini/cluster.yaml');
    expect(readFileSync(spec, 'utf8')).toBe(edited);
    expect(git(box.remote, 'show', 'main:clusters/pi5-mini/cluster.yaml')).not.toContain('An edited');
    expect(git(box.remote, 'show', 'main:README.md')).toBe('moved on\n');
  });

  it('does not commit when validation of the rebased tree fails', async () => {
    box = sandbox();
    const ci = box.clone('ci');
    const person = box.clone('person');
    writeFileSync(join(person, 'README.md'), 'moved on\n');
    git(person, 'add', 'README.md');
    git(person, 'commit', '-q', '-m', 'Docs');
    git(person, 'push', '-q', 'origin', 'HEAD:main');
    const theirs = git(person, 'rev-parse', 'HEAD').trim();
    const verified: string[] = [];

    const result = await commitGenerated({
      dir: ci,
      identity: { name: 'pi-gitops[bot]', email: 'bot@example.com' },
      render: renderIntoTree,
      verify: async (dir) => {
        verified.push(dir);
        return { ok: false, message: 'E_BUDGET_MEMORY on pi5-lab' };
      },
    });

    expect(result.status).toBe('refused');
    expect(result.reason).toBe('E_BUDGET_MEMORY on pi5-lab');
    expect(verified).toEqual([ci]);
    expect(git(box.remote, 'rev-parse', 'main').trim()).toBe(theirs);
  });

  it('gives up with exit 2 after the bounded number of attempts', async () => {
    box = sandbox();
    const ci = box.clone('ci');
    const person = box.clone('person');
    writeFileSync(join(person, 'README.md'), 'moved on\n');
    git(person, 'add', 'README.md');
    git(person, 'commit', '-q', '-m', 'Docs');
    git(person, 'push', '-q', 'origin', 'HEAD:main');
    const theirs = git(person, 'rev-parse', 'HEAD').trim();

    const run = await runCli(['ci', 'commit', '--attempts', '1'], ci, bot);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('push to origin/main was rejected 1 times because the branch kept moving; giving up');
    expect(git(box.remote, 'rev-parse', 'main').trim()).toBe(theirs);
  });

  it('reports a push the remote refuses (a protected branch) with exit 2 and what to allow', async () => {
    box = sandbox();
    const work = box.clone('ci');
    const hook = join(box.remote, 'hooks', 'pre-receive');
    writeFileSync(hook, '#!/bin/sh\necho "GH006: Protected branch update failed for refs/heads/main." >&2\nexit 1\n', { mode: 0o755 });
    const before = git(box.remote, 'rev-parse', 'main').trim();

    const run = await runCli(['ci', 'commit'], work, bot);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('push to origin/main failed');
    expect(run.stderr).toContain('if main is protected, let this workflow push to it');
    expect(git(box.remote, 'rev-parse', 'main').trim()).toBe(before);
  });

  it('leaves a hand-written file in an output folder unstaged and says so', async () => {
    box = sandbox();
    const work = box.clone('ci');
    expect((await runCli(['ci', 'commit'], work, bot)).code).toBe(0);
    const spec = join(work, 'clusters/pi5-mini/cluster.yaml');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('  k3s:\n', '  flux:\n    version: 2.9.5\n  k3s:\n'));
    git(work, 'commit', '-q', '-am', 'Upgrade Flux on pi5-mini');
    writeFileSync(join(work, 'clusters/pi5-lab/NOTES.md'), '# notes kept by hand\n');

    const run = await runCli(['ci', 'commit'], work, bot);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/pushed [0-9a-f]{12} with \d+ generated file/);
    expect(git(box.remote, 'show', '--name-only', '--format=', 'main')).not.toContain('NOTES.md');
    expect(git(box.remote, 'show', 'main:clusters/pi5-mini/flux-system/flux-instance.yaml')).toContain('version: 2.9.5');
    expect(run.stdout).toContain('left alone (not generated by pi-gitops): clusters/pi5-lab/NOTES.md');
    expect(remoteFiles(box.remote)).not.toContain('clusters/pi5-lab/NOTES.md');
    expect(existsSync(join(work, 'clusters/pi5-lab/NOTES.md'))).toBe(true);
    expect(git(work, 'status', '--porcelain').trim()).toBe('?? clusters/pi5-lab/NOTES.md');
  });

  it('refuses to commit when a file it does not own is already staged', async () => {
    box = sandbox();
    const work = box.clone('ci');
    writeFileSync(join(work, 'README.md'), 'hand-written\n');
    git(work, 'add', 'README.md');
    const before = git(box.remote, 'rev-parse', 'main').trim();

    const run = await runCli(['ci', 'commit'], work, bot);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('files pi-gitops does not own are already staged: README.md');
    expect(git(box.remote, 'rev-parse', 'main').trim()).toBe(before);
  });

  it('never commits when a spec does not load', async () => {
    box = sandbox();
    const work = box.clone('ci');
    const spec = join(work, 'clusters/pi5-lab/cluster.yaml');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('memoryGiB: 16', 'memoryGiB: 12'));
    const before = git(box.remote, 'rev-parse', 'main').trim();

    const run = await runCli(['ci', 'commit'], work, bot);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('the specs do not load; nothing was committed');
    expect(git(box.remote, 'rev-parse', 'main').trim()).toBe(before);
  });
});
