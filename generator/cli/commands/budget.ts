import { budget, BUDGET_REPORT_VERSION, formatBudgetMarkdown, formatBudgetText, type BudgetReport } from '../../budget/index.js';
import { formatFindings } from '../../findings-format.js';
import { hasErrors } from '../../findings.js';
import { ToolMissingError } from '../../io/kustomize.js';
import { loadSpecs } from '../../io/specs.js';
import { buildCluster } from '../../repo/flux-graph.js';
import { objectId, type BuiltObject } from '../../validate/types.js';
import { formatOption, parse } from '../args.js';
import { ExitCode, write, type CliContext } from '../context.js';

export const help = `Usage: pi-gitops budget [--cluster NAME] [--format text|json|markdown]

Prove that every pod of the rendered repository fits on the cluster's Raspberry Pis: in steady state,
with every HPA at maxReplicas, during each Deployment's rolling update, and with each single node
lost (spec.budget.nodeLossesTolerated). Reads the objects Flux would apply (kustomize build from
clusters/<name>), adds the pods K3s and Flux run, and schedules them like kube-scheduler.

  --cluster NAME  only this cluster (default: every clusters/*/cluster.yaml)
  --format F      text (default), json ({"version": ${BUDGET_REPORT_VERSION}, "reports": [...]}) or markdown (a pull-request comment)
  -h, --help      this help

Exit codes: 0 fits, 1 an error finding stands, 2 unusable spec, build or usage.`;

export async function run(ctx: CliContext, argv: readonly string[]): Promise<number> {
  const { values } = parse('budget', argv, { cluster: { type: 'string' }, format: { type: 'string' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    write(ctx.stdout, help);
    return ExitCode.ok;
  }
  const format = formatOption(values.format, ['text', 'json', 'markdown'], 'budget');
  const only = values.cluster as string | undefined;
  const loaded = await loadSpecs(ctx.cwd, only);
  if (hasErrors(loaded.findings)) {
    write(ctx.stderr, formatFindings(loaded.findings, { color: ctx.color }));
    return ExitCode.unusable;
  }
  const reports: BudgetReport[] = [];
  for (const spec of loaded.specs.filter((s) => only === undefined || s.cluster.metadata.name === only)) {
    const name = spec.cluster.metadata.name;
    let build;
    try {
      build = await buildCluster(ctx.cwd, `clusters/${name}`);
    } catch (error) {
      if (error instanceof ToolMissingError) {
        write(ctx.stderr, `pi-gitops budget: ${error.message}`);
        return ExitCode.unusable;
      }
      throw error;
    }
    const failed = build.builds.filter((b) => b.error !== undefined);
    if (failed.length > 0) {
      for (const b of failed) write(ctx.stderr, `${b.path}: kustomize build failed:\n${b.error ?? ''}`);
      write(ctx.stderr, `budget ${name}: the repository does not build, so there is nothing to budget; run \`pi-gitops generate\` or fix the files above`);
      return ExitCode.unusable;
    }
    const seen = new Set<string>();
    const objects: BuiltObject[] = [];
    for (const b of build.builds) {
      for (const object of b.objects) {
        const id = objectId(object);
        if (seen.has(id)) continue;
        seen.add(id);
        objects.push({ object, fluxPath: b.path });
      }
    }
    reports.push(budget(spec, objects));
  }
  if (format === 'json') write(ctx.stdout, JSON.stringify({ version: BUDGET_REPORT_VERSION, reports }, null, 2));
  else if (format === 'markdown') write(ctx.stdout, reports.map(formatBudgetMarkdown).join('\n'));
  else write(ctx.stdout, reports.map((r) => formatBudgetText(r, { color: ctx.color })).join('\n'));
  return reports.some((r) => r.verdict === 'does-not-fit') ? ExitCode.findings : ExitCode.ok;
}
