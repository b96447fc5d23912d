import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { formatFindings } from '../../findings-format.js';
import { hasErrors, type Finding } from '../../findings.js';
import { loadSpecs } from '../../io/specs.js';
import { applyPlan, everything, plan, type Scope } from '../../io/tree.js';
import { clusterOfPath } from '../../render/layout.js';
import { renderRepository } from '../../render/repository.js';
import { parse } from '../args.js';
import { ExitCode, write, type CliContext } from '../context.js';

export const help = `Usage: pi-gitops generate [--cluster NAME] [--check] [--out DIR]

Render the Flux repository from clusters/*/cluster.yaml.

  --cluster NAME  only this cluster's files (and the shared bases)
  --check         change nothing; list files that differ from what would be rendered, exit 1 on drift
  --out DIR       write the rendered tree under DIR instead of the repository
  -h, --help      this help

Exit codes: 0 up to date / written, 1 drift (--check) or refused, 2 unusable spec or usage.`;

export async function run(ctx: CliContext, argv: readonly string[]): Promise<number> {
  const { values } = parse('generate', argv, { cluster: { type: 'string' }, check: { type: 'boolean' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    write(ctx.stdout, help);
    return ExitCode.ok;
  }
  const only = values.cluster as string | undefined;
  const loaded = await loadSpecs(ctx.cwd, only);
  if (hasErrors(loaded.findings)) {
    write(ctx.stderr, formatFindings(loaded.findings, { color: ctx.color }));
    write(ctx.stderr, 'nothing was written');
    return ExitCode.unusable;
  }
  const files = renderRepository(loaded.specs);
  const broken = selfCheck(files);
  if (broken.length > 0) {
    write(ctx.stderr, formatFindings(broken, { color: ctx.color }));
    write(ctx.stderr, 'internal error: the generator rendered a file that does not parse; nothing was written. Please report this.');
    return ExitCode.internal;
  }
  const clusters = loaded.specs.map((s) => s.cluster.metadata.name);
  const scope: Scope = only === undefined ? everything : (path) => { const owner = clusterOfPath(path, clusters); return owner === undefined || owner === only; };
  const root = values.out ? resolve(ctx.cwd, values.out as string) : ctx.cwd;
  const result = await plan(root, files, scope);

  if (result.conflicts.length > 0) {
    for (const path of result.conflicts) write(ctx.stderr, `${path}: a hand-written file stands where pi-gitops renders one; it was left alone\n  hint: move it elsewhere, or delete it to let pi-gitops own this path`);
    write(ctx.stderr, 'nothing was written');
    return ExitCode.findings;
  }
  if (values.check) {
    if (result.changes.length === 0) {
      write(ctx.stdout, `up to date: ${files.filter((f) => scope(f.path)).length} generated files match ${loaded.specs.map((s) => s.file).join(', ')}`);
      return ExitCode.ok;
    }
    for (const change of result.changes) write(ctx.stdout, `${change.kind}: ${change.path}`);
    write(ctx.stdout, '');
    for (const change of result.changes) write(ctx.stdout, shorten(change.diff, 40));
    write(ctx.stderr, `drift: ${result.changes.length} generated file(s) differ from the spec; run \`pi-gitops generate\` and commit the result`);
    return ExitCode.findings;
  }
  await applyPlan(root, result.changes);
  if (result.changes.length === 0) write(ctx.stdout, 'up to date: nothing to write');
  else {
    const count = (kind: string): number => result.changes.filter((c) => c.kind === kind).length;
    for (const change of result.changes) write(ctx.stdout, `${change.kind}: ${change.path}`);
    write(ctx.stdout, `wrote ${result.changes.length} file(s): ${count('added')} added, ${count('changed')} changed, ${count('removed')} removed`);
  }
  return ExitCode.ok;
}

/** Every rendered YAML file must parse back; a failure here is our bug, caught before anything is written. */
function selfCheck(files: ReturnType<typeof renderRepository>): Finding[] {
  const findings: Finding[] = [];
  for (const file of files) {
    if (!/\.ya?ml$/.test(file.path)) continue;
    try {
      for (const part of file.content.split(/^---$/m)) parseYaml(part);
    } catch (error) {
      findings.push({ stage: 'files', code: 'E_INTERNAL_RENDER', severity: 'error', file: file.path, message: (error as Error).message.split('\n')[0]! });
    }
  }
  return findings;
}

function shorten(diff: string, maxLines: number): string {
  const lines = diff.split('\n');
  return lines.length <= maxLines ? diff : [...lines.slice(0, maxLines), `… ${lines.length - maxLines} more lines`].join('\n');
}
