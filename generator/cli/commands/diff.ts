import { formatFindings } from '../../findings-format.js';
import { hasErrors, type Finding } from '../../findings.js';
import { buildChanges } from '../../io/built-changes.js';
import { specsAtRef } from '../../io/git.js';
import { ToolMissingError } from '../../io/kustomize.js';
import { loadSpecs } from '../../io/specs.js';
import { renderRepository } from '../../render/repository.js';
import { summariseChanges } from '../../report/changes.js';
import { changesJson, changesMarkdown, changesText } from '../../report/changes-format.js';
import { loadSpec } from '../../spec/load.js';
import type { LoadedSpec } from '../../spec/types.js';
import { formatOption, parse } from '../args.js';
import { ExitCode, UsageError, write, type CliContext } from '../context.js';

export const help = `Usage: pi-gitops diff [--base REF] [--build] [--format text|markdown|json]

Render the specs as committed at REF and as they are in the working tree (both in memory, with
this generator), and list per cluster the Kubernetes objects added, changed and removed
(by kind/namespace/name, with the first fields that differ).

  --base REF     git revision to compare with (default: HEAD); in a pull request: origin/<base branch>
  --build        compare what each cluster's Flux Kustomizations build to (kubectl kustomize),
                 so changes to shared bases show in every cluster that uses them
  --format F     text (default), markdown (for the pull-request comment), json ({version: 1, …})
  -h, --help     this help

Exit codes: 0 summary printed (changes or not), 2 a spec does not load, REF is unknown or kubectl is missing (--build).`;

export async function run(ctx: CliContext, argv: readonly string[]): Promise<number> {
  const { values } = parse('diff', argv, { base: { type: 'string' }, build: { type: 'boolean' }, format: { type: 'string' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    write(ctx.stdout, help);
    return ExitCode.ok;
  }
  const format = formatOption(values.format, ['text', 'markdown', 'json'], 'diff');
  const base = (values.base as string | undefined) ?? 'HEAD';
  let atBase;
  try {
    atBase = await specsAtRef(ctx.cwd, base);
  } catch (error) {
    throw new UsageError(`diff: cannot read clusters/ at ${base}: ${(error as Error).message.split('\n')[0]}`);
  }
  const baseFindings: Finding[] = [];
  const baseSpecs: LoadedSpec[] = [];
  for (const { file, text } of atBase) {
    const result = loadSpec(file, text);
    baseFindings.push(...result.findings);
    if (result.spec) baseSpecs.push(result.spec);
  }
  const head = await loadSpecs(ctx.cwd);
  if (hasErrors(head.findings)) {
    write(ctx.stderr, formatFindings(head.findings, { color: ctx.color }));
    write(ctx.stderr, 'diff: the working-tree specs do not load');
    return ExitCode.unusable;
  }
  if (hasErrors(baseFindings)) {
    // A broken base must not hide the head's changes: compare with what does load there, and say so.
    write(ctx.stderr, `diff: some specs at ${base} do not load; they count as absent there`);
  }
  const clusters = [...new Set([...baseSpecs, ...head.specs].map((s) => s.cluster.metadata.name))];
  const before = renderRepository(baseSpecs);
  const after = renderRepository(head.specs);
  let summary;
  try {
    summary = values.build ? await buildChanges(before, after, clusters, base) : summariseChanges(before, after, clusters, base);
  } catch (error) {
    if (error instanceof ToolMissingError) throw new UsageError(`diff --build: ${error.message}`);
    throw error;
  }
  write(ctx.stdout, format === 'json' ? changesJson(summary) : format === 'markdown' ? changesMarkdown(summary) : changesText(summary));
  return ExitCode.ok;
}
