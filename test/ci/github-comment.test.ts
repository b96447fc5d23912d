import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPORT_MARKER } from '../../generator/report/comment.js';
import { startFakeGitHub, type FakeGitHub } from './fake-github.js';
import { runCli, type CliRun } from './helpers.js';

// Octokit against a local server that speaks the three REST endpoints `ci comment` uses.

const token = `ghs_${randomBytes(18).toString('hex')}`;
let github: FakeGitHub;
let dir: string;
const outputs: CliRun[] = [];

beforeEach(async () => {
  github = await startFakeGitHub({ token, owner: 'example', repo: 'pi-fleet', pageSize: 2 });
  dir = mkdtempSync(join(tmpdir(), 'pi-gitops-comment-'));
  writeFileSync(join(dir, 'validate.json'), JSON.stringify({ version: 1, summary: '0 errors, 1 warning (policy 1)', findings: [{ stage: 'policy', code: 'W_POLICY_SINGLE_REPLICA', severity: 'warning', file: 'clusters/pi5-lab/cluster.yaml', position: { line: 70, column: 7 }, message: 'analytics runs one replica' }] }));
  writeFileSync(join(dir, 'before.md'), '| Node | Memory requested |\n| --- | --- |\n| rpi-worker-01 | 4.0 GiB |\n');
  writeFileSync(join(dir, 'after.md'), '| Node | Memory requested |\n| --- | --- |\n| rpi-worker-01 | 4.5 GiB |\n');
  writeFileSync(join(dir, 'diff.md'), 'Rendered objects against `origin/main`: **0 added, 1 changed, 0 removed**.\n');
});

afterEach(async () => {
  await github.close();
  rmSync(dir, { recursive: true, force: true });
  // The token never appears in anything printed, in any test.
  for (const run of outputs.splice(0)) expect(`${run.stdout}${run.stderr}`).not.toContain(token);
});

const env = (): NodeJS.ProcessEnv => ({ GITHUB_TOKEN: token, GITHUB_REPOSITORY: 'example/pi-fleet', GITHUB_API_URL: github.url, PI_GITOPS_GITHUB_RETRY_MS: '1' });
const parts = ['--validate-json', 'validate.json', '--budget-before', 'before.md', '--budget-after', 'after.md', '--diff', 'diff.md'];

async function comment(...extra: string[]): Promise<CliRun> {
  const run = await runCli(['ci', 'comment', '--pr', '7', ...parts, ...extra], dir, env());
  outputs.push(run);
  return run;
}

function seedOthers(n: number): void {
  github.comments.set(7, Array.from({ length: n }, (_, i) => ({ id: 10 + i, body: `LGTM ${i}`, user: { login: 'ada', type: 'User' } })));
}

describe('pi-gitops ci comment against a local GitHub API', () => {
  it('creates the comment on the first run and updates the same one, found on page 2, on the next', async () => {
    // Given: three comments by people, two per page.
    seedOthers(3);

    // When: the first push is reported, then a second one.
    const first = await comment('--head-sha', 'aaaaaaaaaaaaaaaa');
    const second = await comment('--head-sha', 'bbbbbbbbbbbbbbbb');

    // Then
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^created comment 1000 on pull request #7/);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^updated comment 1000 on pull request #7/);
    const stored = github.comments.get(7)!;
    expect(stored).toHaveLength(4);
    expect(stored.filter((c) => c.body.includes(REPORT_MARKER))).toHaveLength(1);
    expect(stored[3]!.body).toContain('head `bbbbbbbbbbbb`');
    expect(stored[3]!.body).toContain('#### Before → after');
    expect(stored[3]!.body).toContain('| rpi-worker-01 | 4.0 GiB |');
    expect(stored[3]!.body).toContain('| rpi-worker-01 | 4.5 GiB |');
    const secondRun = github.requests.slice(github.requests.findIndex((r) => r.method === 'POST') + 1).map((r) => `${r.method} ${r.path}`);
    expect(secondRun).toEqual([
      'GET /repos/example/pi-fleet/issues/7/comments?per_page=100',
      'GET /repos/example/pi-fleet/issues/7/comments?per_page=100&page=2',
      'PATCH /repos/example/pi-fleet/issues/comments/1000',
    ]);
    expect(github.requests.every((r) => r.authorization === `token ${token}`)).toBe(true);
  });

  it('updates the bot’s comment, not a person’s comment that quotes the marker', async () => {
    github.comments.set(7, [
      { id: 10, body: `I saw ${REPORT_MARKER} in the source`, user: { login: 'ada', type: 'User' } },
      { id: 11, body: `${REPORT_MARKER}\nold report`, user: { login: 'github-actions[bot]', type: 'Bot' } },
    ]);

    const run = await comment();

    expect(run.stdout).toMatch(/^updated comment 11 /);
    expect(github.comments.get(7)![0]!.body).toBe(`I saw ${REPORT_MARKER} in the source`);
  });

  it('retries a 502 and then succeeds', async () => {
    github.fail({ method: 'GET', path: /\/comments$/, status: 502, message: 'Bad Gateway' });

    const run = await comment();

    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/GitHub answered 502 for GET http:\/\/127\.0\.0\.1:\d+\/repos\/example\/pi-fleet\/issues\/7\/comments\?per_page=100; retry 1\/3 in 1 ms/);
    expect(github.requests.filter((r) => r.method === 'GET')).toHaveLength(2);
    expect(github.comments.get(7)).toHaveLength(1);
  });

  it('does not post twice when a create was applied but answered 502: it lists again and finds it', async () => {
    github.fail({ method: 'POST', path: /\/comments$/, status: 502, message: 'Bad Gateway', applied: true });

    const run = await comment();

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^unchanged comment 1000 on pull request #7/);
    expect(github.comments.get(7)).toHaveLength(1);
    expect(github.requests.map((r) => r.method)).toEqual(['GET', 'POST', 'GET']);
  });

  it('creates again after a 502 that was not applied', async () => {
    github.fail({ method: 'POST', path: /\/comments$/, status: 502, message: 'Bad Gateway' });

    const run = await comment();

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^created comment 1000/);
    expect(github.comments.get(7)).toHaveLength(1);
    expect(github.requests.map((r) => r.method)).toEqual(['GET', 'POST', 'GET', 'POST']);
  });

  it('waits out a secondary rate limit (403 with Retry-After) and then succeeds', async () => {
    github.fail({ method: 'POST', path: /\/comments$/, status: 403, message: 'You have exceeded a secondary rate limit', headers: { 'retry-after': '1' } });

    const run = await comment();

    expect(run.code).toBe(0);
    expect(run.stderr).toContain('GitHub secondary rate limit for POST');
    expect(github.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
  });

  it('gives up after a bounded number of 5xx answers', async () => {
    for (let i = 0; i < 10; i++) github.fail({ method: 'GET', path: /\/comments$/, status: 503, message: 'Service Unavailable' });

    const run = await comment();

    expect(run.code).toBe(2);
    expect(github.requests).toHaveLength(4);
    expect(run.stderr).toContain('GitHub answered 503');
  });

  it('ends a 403 with a message naming the missing permission', async () => {
    github.fail({ method: 'POST', path: /\/comments$/, status: 403, message: 'Resource not accessible by integration' });

    const run = await comment();

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('commenting on pull request #7 failed: the token may not do this (403 Forbidden)');
    expect(run.stderr).toContain('permissions: pull-requests: write');
    expect(run.stderr).toContain('issues: write');
    expect(github.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('redacts the token when an error message echoes it back', async () => {
    github.fail({ method: 'GET', path: /\/comments$/, status: 401, message: `Bad credentials: token ${token} is revoked` });

    const run = await comment();

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('GitHub rejected the token (401 Unauthorized)');
    expect(run.stderr).toContain('token *** is revoked');
  });

  it('names the settings that are missing instead of calling GitHub', async () => {
    const run = await runCli(['ci', 'comment', '--pr', '7', ...parts], dir, { GITHUB_API_URL: github.url });
    outputs.push(run);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('GITHUB_TOKEN and GITHUB_REPOSITORY must be set');
    expect(github.requests).toHaveLength(0);
  });

  it('--print writes the composed body and posts nothing', async () => {
    const run = await runCli(['ci', 'comment', ...parts, '--print'], dir, {});
    outputs.push(run);

    expect(run.code).toBe(0);
    expect(run.stdout.startsWith(REPORT_MARKER)).toBe(true);
    expect(run.stdout).toContain('W_POLICY_SINGLE_REPLICA');
    expect(github.requests).toHaveLength(0);
  });
});
