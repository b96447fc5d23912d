import { describe, expect, it } from 'vitest';
import { COMMIT_TRAILER, commitMessage, parsePorcelain } from '../../generator/io/git.js';
import { explain, redact, settingsFromEnv } from '../../generator/io/github.js';
import { runCli } from './helpers.js';

describe('parsePorcelain', () => {
  it('reads status codes and paths, skipping the original path of a rename', () => {
    const raw = ['?? apps/pi5-lab/NOTES.md', ' M clusters/pi5-lab/apps.yaml', 'R  new name.yaml', 'old name.yaml', ' D bootstrap/pi5-lab/install.sh', ''].join('\0');

    expect(parsePorcelain(raw)).toEqual([
      { path: 'apps/pi5-lab/NOTES.md', index: '?', worktree: '?' },
      { path: 'clusters/pi5-lab/apps.yaml', index: ' ', worktree: 'M' },
      { path: 'new name.yaml', index: 'R', worktree: ' ' },
      { path: 'bootstrap/pi5-lab/install.sh', index: ' ', worktree: 'D' },
    ]);
  });
});

describe('commitMessage', () => {
  it('names the clusters in the subject, counts files per cluster and ends with the loop-guard trailer', () => {
    const message = commitMessage(['apps/base/redis/statefulset.yaml', 'apps/pi5-mini/kustomization.yaml', 'infrastructure/configs/pi5-lab/issuer.yaml', 'clusters/pi5-lab/apps.yaml'], ['pi5-lab', 'pi5-mini']);

    expect(message.split('\n')[0]).toBe('Render pi5-lab, pi5-mini');
    expect(message).toContain('- pi5-lab: 2 file(s)\n- pi5-mini: 1 file(s)\n- shared: 1 file(s)');
    expect(message.trimEnd().endsWith(COMMIT_TRAILER)).toBe(true);
  });

  it('says when only shared files changed', () => {
    expect(commitMessage(['.gitattributes'], ['pi5-lab']).split('\n')[0]).toBe('Render shared files');
  });
});

describe('GitHub helpers', () => {
  it('redacts the token and its Basic-auth form', () => {
    const token = 'ghs_abcdef123456';
    const basic = Buffer.from(`x-access-token:${token}`).toString('base64');

    expect(redact(`token ${token}; Authorization: Basic ${basic}`, token)).toBe('token ***; Authorization: Basic ***');
  });

  it('names what is missing from the environment', () => {
    expect(settingsFromEnv({ GITHUB_REPOSITORY: 'o/r' })).toEqual({ missing: ['GITHUB_TOKEN'] });
    expect(settingsFromEnv({ GITHUB_TOKEN: 't', GITHUB_REPOSITORY: 'o/r' })).toEqual({ token: 't', repository: 'o/r', apiUrl: 'https://api.github.com' });
  });

  it('explains a 404 as a wrong repository or a token without access', () => {
    const error = explain({ status: 404, message: 'Not Found' }, 'listing the comments of pull request #3', 't');

    expect(error.message).toContain('not found (404): check GITHUB_REPOSITORY and --pr');
    expect(error.message).toContain('pull-requests: write');
  });
});

describe('CLI registration', () => {
  it('lists ci and diff among the commands', async () => {
    const run = await runCli(['--help'], process.cwd());

    expect(run.stdout).toMatch(/^ {2}ci$/m);
    expect(run.stdout).toMatch(/^ {2}diff$/m);
  });

  it('rejects an unknown ci subcommand with exit 2', async () => {
    const run = await runCli(['ci', 'deploy'], process.cwd());

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('ci: unknown subcommand "deploy" (commit, comment, annotate)');
  });

  it('ci annotate prints one workflow command per finding', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'pi-gitops-annotate-'));
    writeFileSync(join(dir, 'v.json'), JSON.stringify({ version: 1, summary: '1 error', findings: [{ stage: 'spec', code: 'E_SPEC_SCHEMA', severity: 'error', file: 'clusters/pi5-lab/cluster.yaml', position: { line: 22, column: 7 }, message: 'must be one of 2, 4, 8, 16' }] }));

    const run = await runCli(['ci', 'annotate', '--validate-json', 'v.json'], dir);
    rmSync(dir, { recursive: true, force: true });

    expect(run.code).toBe(0);
    expect(run.stdout).toBe('::error file=clusters/pi5-lab/cluster.yaml,line=22,col=7,title=E_SPEC_SCHEMA::must be one of 2, 4, 8, 16\n');
  });
});
