import { describe, expect, it } from 'vitest';
import { findingsJson } from '../../generator/findings-format.js';
import type { Finding } from '../../generator/findings.js';
import { composeComment, GITHUB_COMMENT_LIMIT, hasErrorFindings, REPORT_MARKER, truncate } from '../../generator/report/comment.js';

// Fixture budget markdown as `pi-gitops budget --format markdown` is expected to print it, for a
// pull request that raises api-service from 2 to 4 replicas on pi5-lab.
const budgetBefore = `### Resource budget: pi5-lab — ✅ fits

**Steady state** (requests vs allocatable)

| Node | CPU requested | Memory requested | Fits |
| --- | ---: | ---: | --- |
| rpi-worker-01 | 1.35 / 3.6 | 3.1 GiB / 14.9 GiB | ✅ |
| rpi-worker-02 | 1.20 / 3.6 | 2.9 GiB / 14.9 GiB | ✅ |
`;
const budgetAfter = budgetBefore.replace('| rpi-worker-01 | 1.35 / 3.6 | 3.1 GiB', '| rpi-worker-01 | 1.55 / 3.6 | 3.4 GiB').replace('| rpi-worker-02 | 1.20 / 3.6 | 2.9 GiB', '| rpi-worker-02 | 1.40 / 3.6 | 3.2 GiB');
const replicaDiff = 'Rendered objects against `origin/main`: **0 added, 1 changed, 0 removed**.\n\n- ✏️ `Kustomization apps/pi5-lab/kustomization.yaml`\n  - `replicas[0].count: 2 → 4`\n';

const warning: Finding = { stage: 'policy', code: 'W_POLICY_SINGLE_REPLICA', severity: 'warning', file: 'clusters/pi5-lab/cluster.yaml', position: { line: 70, column: 7 }, message: 'analytics | runs one replica', hint: 'set replicas: 2' };
const error: Finding = { stage: 'budget', code: 'E_BUDGET_MEMORY', severity: 'error', file: 'clusters/pi5-lab/cluster.yaml', position: { line: 12, column: 3 }, message: 'requests exceed allocatable memory on rpi-worker-01' };

describe('composeComment', () => {
  it('shows the budget before and after for a pull request that raises a replica count', () => {
    const body = composeComment({ validateJson: findingsJson([warning]), budgetBefore, budgetAfter, changes: replicaDiff, context: { baseRef: 'main', headSha: '0123456789abcdef0123', runUrl: 'https://github.com/example/pi-fleet/actions/runs/1' } });

    expect(body.startsWith(`${REPORT_MARKER}\n## pi-gitops report`)).toBe(true);
    expect(body).toContain('✅ **Valid** · head `0123456789ab` · base `main` · [workflow run](https://github.com/example/pi-fleet/actions/runs/1)');
    const change = body.indexOf('#### Before → after');
    const after = body.indexOf('#### After (this pull request)');
    const before = body.indexOf('<details><summary><b>Before (base)</b></summary>');
    expect(change).toBeGreaterThan(0);
    expect(after).toBeGreaterThan(change);
    expect(before).toBeGreaterThan(after);
    expect(body.slice(change, after)).toContain([
      '```diff',
      '  Resource budget: pi5-lab — ✅ fits › Steady state',
      '- | rpi-worker-01 | 1.35 / 3.6 | 3.1 GiB / 14.9 GiB | ✅ |',
      '- | rpi-worker-02 | 1.20 / 3.6 | 2.9 GiB / 14.9 GiB | ✅ |',
      '+ | rpi-worker-01 | 1.55 / 3.6 | 3.4 GiB / 14.9 GiB | ✅ |',
      '+ | rpi-worker-02 | 1.40 / 3.6 | 3.2 GiB / 14.9 GiB | ✅ |',
      '```',
    ].join('\n'));
    expect(body.slice(after, before)).toContain('| rpi-worker-01 | 1.55 / 3.6 | 3.4 GiB / 14.9 GiB | ✅ |');
    expect(body.slice(before)).toContain('| rpi-worker-01 | 1.35 / 3.6 | 3.1 GiB / 14.9 GiB | ✅ |');
    expect(body).toContain('`replicas[0].count: 2 → 4`');
    expect(body).toContain('| ⚠️ warning | `W_POLICY_SINGLE_REPLICA` | clusters/pi5-lab/cluster.yaml:70:7 | analytics \\| runs one replica<br>_hint: set replicas: 2_ |');
  });

  it('leads with the number of error findings, errors listed first', () => {
    const json = findingsJson([warning, error]);

    const body = composeComment({ validateJson: json, budgetBefore, budgetAfter });

    expect(body).toContain('❌ **1 error finding(s): this pull request cannot merge as is**');
    expect(body.indexOf('E_BUDGET_MEMORY')).toBeLessThan(body.indexOf('W_POLICY_SINGLE_REPLICA'));
    expect(hasErrorFindings(json)).toBe(true);
    expect(hasErrorFindings(findingsJson([warning]))).toBe(false);
  });

  it('says the budget is unchanged when base and head agree', () => {
    const body = composeComment({ validateJson: findingsJson([]), budgetBefore, budgetAfter: budgetBefore });

    expect(body).toContain('Unchanged by this pull request.');
    expect(body).not.toContain('#### Before (base)');
    expect(body).toContain('✅ No errors or warnings (0 errors, 0 warnings).');
  });

  it('says which parts did not run instead of leaving gaps', () => {
    const body = composeComment({ budgetAfter });

    expect(body).toContain('⚠️ **Validation result unavailable**');
    expect(body).toContain('_Validation did not run or produced no output; see the workflow log._');
    expect(body).toContain('_No budget for the base (it did not run there, or the base predates `pi-gitops budget`)._');
    expect(body).toContain('_The change summary did not run or produced no output; see the workflow log._');
  });

  it('reports validate output of an unknown version rather than misreading it', () => {
    const body = composeComment({ validateJson: JSON.stringify({ version: 2, findings: [] }) });

    expect(body).toContain('validate output is not findings JSON version 1 (found version 2)');
  });

  it('keeps the body within GitHub’s 65,536 characters by cutting the largest section, with a note', () => {
    const huge = Array.from({ length: 4000 }, (_, i) => `<details><summary>cluster ${i}</summary>\n\n- ✏️ \`Deployment iot/app-${i}\`\n\n</details>`).join('\n');

    const body = composeComment({ validateJson: findingsJson([error]), budgetBefore, budgetAfter, changes: huge });

    expect(body.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(huge.length).toBeGreaterThan(GITHUB_COMMENT_LIMIT);
    expect(body).toMatch(/✂️ \d+ more characters were cut to fit GitHub's comment limit/);
    expect(body).toContain('| rpi-worker-01 | 1.55 / 3.6 | 3.4 GiB');
    expect(body).toContain('E_BUDGET_MEMORY');
    expect((body.match(/<details>/g) ?? []).length).toBe((body.match(/<\/details>/g) ?? []).length);
  });

  it('honours a smaller limit too', () => {
    const body = composeComment({ validateJson: findingsJson(Array.from({ length: 300 }, () => warning)), budgetBefore, budgetAfter, changes: replicaDiff }, { limit: 5000 });

    expect(body.length).toBeLessThanOrEqual(5000);
    expect(body).toContain('✂️');
  });
});

describe('composeComment with validate output as validate writes it', () => {
  it('nests the budget report’s own headings under the before/after headings', () => {
    const body = composeComment({ budgetBefore, budgetAfter });

    expect(body).toContain('#### After (this pull request)\n\n##### Resource budget: pi5-lab — ✅ fits');
    expect(body).not.toMatch(/^### Resource budget: pi5-lab/m);
  });

  it('folds info findings (stages skipped or not wired) into notes, out of the table and the counts', () => {
    const info: Finding = { stage: 'schemas', code: 'I_STAGE_NOT_WIRED', severity: 'info', message: 'schemas stage is not wired into this build' };

    const body = composeComment({ validateJson: findingsJson([info], { command: 'validate', exitCode: 0 }) });

    expect(body).toContain('✅ **Valid**');
    expect(body).toContain('✅ No errors or warnings');
    expect(body).toContain('<details><summary>1 note(s)</summary>\n\n- `I_STAGE_NOT_WIRED` schemas stage is not wired into this build');
    expect(body).not.toContain('| ℹ️ info |');
  });

  it('says validation could not check everything when validate exited 2 without error findings', () => {
    const body = composeComment({ validateJson: findingsJson([warning], { command: 'validate', exitCode: 2 }) });

    expect(body).toContain('⚠️ **Validation could not check everything** (validate exited 2)');
  });
});

describe('truncate', () => {
  it('cuts at a line boundary and closes an open code fence', () => {
    const text = ['```yaml', ...Array.from({ length: 100 }, (_, i) => `line ${i}`), '```'].join('\n');

    const cut = truncate(text, 300);

    expect(cut.length).toBeLessThanOrEqual(310);
    expect(cut).toMatch(/line \d+\n```\n\n> ✂️ \d+ more characters/);
  });

  it('leaves short text as it is', () => {
    expect(truncate('short', 100)).toBe('short');
  });
});
