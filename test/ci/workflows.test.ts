import { readdirSync, readFileSync } from 'node:fs';
import { tsImport } from 'tsx/esm/api';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { Evaluator, Lexer, Parser, data } from '@actions/expressions';
import { truthy } from '@actions/expressions/result';
import { commitMessage } from '../../generator/io/git.js';

// The workflows, checked offline: GitHub's own parser (unknown keys, bad expressions, unknown
// `needs`), then the rules we hold them to (least privilege, pinned actions, no expression
// expanded inside a script).

const dir = '.github/workflows';
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();

// The parser imports its JSON schema without an import attribute: plain node (and so vitest's
// externalised modules) refuses that, tsx's loader accepts it.
let parser: typeof import('@actions/workflow-parser');
beforeAll(async () => {
  parser = (await tsImport('@actions/workflow-parser', import.meta.url)) as typeof import('@actions/workflow-parser');
});

/** Schema errors (unknown keys, bad expressions), then model errors (unknown `needs`). */
async function parserErrors(name: string, content: string): Promise<string[]> {
  const result = parser.parseWorkflow({ name, content }, new parser.NoOperationTraceWriter());
  if (result.value !== undefined) await parser.convertWorkflowTemplate(result.context, result.value);
  return result.context.errors.getErrors().map((e) => e.message);
}

type Permissions = Record<string, string> | string | undefined;
interface Step {
  uses?: string;
  run?: string;
  env?: Record<string, string>;
}
interface Job {
  permissions?: Permissions;
  steps?: Step[];
  needs?: string | string[];
  if?: string;
}
interface Workflow {
  permissions?: Permissions;
  on: unknown;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<string, Job>;
}

/** Evaluates a job `if:` as the runner would, with the given `github` context (status functions as given). */
function evaluateIf(condition: string, github: unknown, status: Record<string, boolean> = {}): boolean {
  let source = condition.trim().replace(/^\$\{\{([\s\S]*)\}\}$/, '$1');
  for (const [fn, value] of Object.entries(status)) source = source.split(`${fn}()`).join(String(value));
  const toData = (value: unknown): data.ExpressionData => {
    if (typeof value === 'string') return new data.StringData(value);
    if (typeof value === 'boolean') return new data.BooleanData(value);
    if (typeof value === 'number') return new data.NumberData(value);
    if (value === null || value === undefined) return new data.Null();
    const dict = new data.Dictionary();
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) dict.add(k, toData(v));
    return dict;
  };
  const lexed = new Lexer(source).lex();
  const expr = new Parser(lexed.tokens, ['github'], []).parse();
  const result = new Evaluator(expr, new data.Dictionary({ key: 'github', value: toData(github) })).evaluate();
  return truthy(result);
}

const load = (file: string): Workflow => parseYaml(readFileSync(`${dir}/${file}`, 'utf8')) as Workflow;

/** Every permission each job ends up with (a job's own block replaces the workflow's). */
function effective(workflow: Workflow): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [name, job] of Object.entries(workflow.jobs)) {
    const p = job.permissions ?? workflow.permissions;
    if (p === undefined || typeof p === 'string') throw new Error(`${name}: permissions must be an explicit map (found ${String(p)})`);
    out[name] = p;
  }
  return out;
}

describe('GitHub workflows', () => {
  it('are the two we expect', () => {
    expect(files).toEqual(['main.yaml', 'pr.yaml']);
  });

  it.each(files)('%s passes GitHub’s workflow parser', async (file) => {
    expect(await parserErrors(file, readFileSync(`${dir}/${file}`, 'utf8'))).toEqual([]);
  });

  it('the parser check can fail: it reports an unknown key, a bad expression and an unknown need', async () => {
    const good = readFileSync(`${dir}/pr.yaml`, 'utf8');
    expect((await parserErrors('bad.yaml', good.replace('timeout-minutes: 45', 'timeout-minutez: 45'))).join('\n')).toMatch(/timeout-minutez/);
    expect((await parserErrors('bad.yaml', good.replace('if: ${{ !cancelled() }}', 'if: ${{ !cancelled( }}'))).join('\n')).toMatch(/expression|Unexpected|cancelled/i);
    expect((await parserErrors('bad.yaml', good.replace('needs: [check, comment]', 'needs: [check, commnet]'))).join('\n')).toMatch(/depends on unknown job 'commnet'/);
  });

  it.each(files)('%s is read-only at the top', (file) => {
    expect(load(file).permissions).toEqual({ contents: 'read' });
  });

  it('pr.yaml: only the comment job writes, and only to pull requests', () => {
    const perms = effective(load('pr.yaml'));
    expect(perms).toEqual({ check: { contents: 'read' }, comment: { contents: 'read', 'pull-requests': 'write' }, gate: {} });
  });

  it('pr.yaml: comments only when the token can write (not from forks), and the gate runs after the comment', () => {
    const wf = load('pr.yaml');
    const paths = (wf.on as { pull_request: { paths: string[] } }).pull_request.paths;
    expect(paths).toEqual(expect.arrayContaining(['clusters/**', 'generator/**', 'schemas/**', 'package.json', 'package-lock.json', '.github/**', 'renovate.json']));
    expect(wf.jobs.comment!.if).toContain('github.event.pull_request.head.repo.full_name == github.repository');
    expect(wf.jobs.gate!.needs).toEqual(['check', 'comment']);
    expect(wf.jobs.gate!.if).toBe('${{ always() }}');
    const names = (wf.jobs.check!.steps ?? []).map((s) => (s as { name?: string }).name ?? '');
    expect(names.indexOf('Render')).toBeGreaterThan(names.indexOf('Test'));
    expect(names.indexOf('Render')).toBeLessThan(names.indexOf('Validate'));
    expect(names.indexOf('Validate')).toBeLessThan(names.indexOf('Budget on this pull request'));
    const runs = (wf.jobs.check!.steps ?? []).map((s) => s.run ?? '').join('\n');
    for (const command of ['npm ci', 'npm test', 'pi-gitops.js generate', 'validate --format json', 'budget --format markdown', 'git worktree add', 'diff --base "origin/$BASE_REF" --build --format markdown']) expect(runs).toContain(command);
  });

  it('main.yaml: only the job that pushes may write contents, serialised without cancelling, guarded against its own commits', () => {
    const wf = load('main.yaml');
    expect(effective(wf)).toEqual({ render: { contents: 'write' } });
    expect(wf.concurrency).toEqual({ group: 'render-main', 'cancel-in-progress': false });
    expect(wf.on).toEqual({ push: { branches: ['main'] } });
    expect(wf.jobs.render!.if).toContain('Generated-by: pi-gitops ci commit');
    const runs = (wf.jobs.render!.steps ?? []).map((s) => s.run ?? '');
    const order = ['generate', 'validate', 'ci commit'].map((c) => runs.findIndex((r) => r.includes(`pi-gitops.js ${c}`)));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('main.yaml: its guard skips the bot’s own render commits and runs for anything else', () => {
    const guard = load('main.yaml').jobs.render!.if!;
    const push = (message: string | null): unknown => ({ event: { head_commit: message === null ? null : { message } } });

    expect(evaluateIf(guard, push(commitMessage(['clusters/pi5-lab/apps.yaml'], ['pi5-lab'])))).toBe(false);
    expect(evaluateIf(guard, push('Merge pull request #12 from example/more-replicas\n\nThree replicas'))).toBe(true);
    expect(evaluateIf(guard, push(null))).toBe(true);
  });

  it('pr.yaml: the comment job runs for the repository’s own branches and not for forks', () => {
    const condition = load('pr.yaml').jobs.comment!.if!;
    const event = (head: string): unknown => ({ repository: 'example/pi-fleet', event: { pull_request: { head: { repo: { full_name: head } } } } });

    expect(evaluateIf(condition, event('example/pi-fleet'), { cancelled: false })).toBe(true);
    expect(evaluateIf(condition, event('someone/pi-fleet'), { cancelled: false })).toBe(false);
    expect(evaluateIf(condition, event('example/pi-fleet'), { cancelled: true })).toBe(false);
  });

  it.each(files)('%s pins every action to a commit SHA with its version beside it', (file) => {
    const text = readFileSync(`${dir}/${file}`, 'utf8');
    const uses = [...text.matchAll(/uses:\s*(\S+)(.*)$/gm)];
    expect(uses.length).toBeGreaterThan(0);
    for (const [, ref, rest] of uses) {
      expect(ref).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
      expect(rest).toMatch(/^ # v\d+\.\d+\.\d+$/);
    }
  });

  it.each(files)('%s expands no expression inside a script and passes the token only through env', (file) => {
    const wf = load(file);
    for (const [name, job] of Object.entries(wf.jobs)) {
      for (const step of job.steps ?? []) {
        expect(step.run ?? '', `${name}: a run script`).not.toContain('${{');
        for (const [key, value] of Object.entries(step.env ?? {})) {
          if (String(value).includes('secrets.')) expect([name, key]).toEqual(['comment', 'GITHUB_TOKEN']);
        }
      }
    }
  });
});
