/**
 * The "Done when" edits on rendered app files, for the lead to enable after merging the
 * renderers and wiring the schemas stage: rename this file to done-when.test.ts. (It is not collected
 * before: on the validate branch alone no app is rendered and the schemas stage is not wired.)
 * Verified on a trial merge of every branch at 18:05 UTC: exit 0 clean; `replicas` → `replica` in
 * apps/base/redis/statefulset.yaml gives E_SCHEMA_UNKNOWN_FIELD at that line; `newTag: latest` in
 * apps/pi5-lab/kustomization.yaml gives E_POLICY_IMAGE_TAG at that line.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { change, cli, copyRepo, lineOf, requireKubectl } from './_cli.js';

const temps: string[] = [];
beforeAll(requireKubectl);
afterEach(() => { for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true }); });

/** The first rendered YAML file under `dir` with a line matching `pattern`. */
function firstWith(dir: string, pattern: RegExp): { file: string; text: string } {
  const visit = (folder: string): { file: string; text: string } | undefined => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) { const found = visit(path); if (found) return found; }
      else if (/\.ya?ml$/.test(entry.name)) { const m = pattern.exec(readFileSync(path, 'utf8')); if (m) return { file: path, text: m[0] }; }
    }
    return undefined;
  };
  const found = visit(dir);
  if (!found) throw new Error(`no rendered file under ${dir} matches ${pattern}`);
  return found;
}

interface Out { exitCode: number; findings: { code: string; severity: string; file?: string; position?: { line: number } }[] }
const run = async (dir: string): Promise<Out> => JSON.parse((await cli(dir, ['validate', '--format', 'json'])).stdout) as Out;

describe('Done when, on the rendered apps', () => {
  it('exits 0 on the committed repository', async () => {
    const out = await run('.');
    expect(out.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(out.exitCode).toBe(0);
  });

  it('replicas → replica exits 1 with E_SCHEMA_UNKNOWN_FIELD at that line', async () => {
    const { file, text } = firstWith('apps/base', /^  replicas: \d+$/m);
    const dir = copyRepo('.'); temps.push(dir);
    change(dir, file, text, text.replace('replicas', 'replica'));
    const out = await run(dir);
    expect(out.exitCode).toBe(1);
    expect(out.findings.map((f) => `${f.code}@${f.file}:${f.position?.line}`)).toContain(`E_SCHEMA_UNKNOWN_FIELD@${file}:${lineOf(dir, file, 'replica:')}`);
  });

  it('an image tag latest exits 1 with E_POLICY_IMAGE_TAG at that line', async () => {
    const { file, text } = firstWith('apps', /^    newTag: .+$/m);
    const dir = copyRepo('.'); temps.push(dir);
    change(dir, file, text, '    newTag: latest');
    const out = await run(dir);
    expect(out.exitCode).toBe(1);
    expect(out.findings.map((f) => `${f.code}@${f.file}:${f.position?.line}`)).toContain(`E_POLICY_IMAGE_TAG@${file}:${lineOf(dir, file, 'newTag: latest')}`);
  });
});
