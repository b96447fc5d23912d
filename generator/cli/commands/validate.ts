import { findingsJson, formatAnnotations, formatFindings } from '../../findings-format.js';
import { hasErrors } from '../../findings.js';
import { packageRequire } from '../../package-root.js';
import { runValidation, type StageReport } from '../../validate/run.js';
import { findingsSarif } from '../../validate/sarif.js';
import { formatOption, parse } from '../args.js';
import { ExitCode, write, type CliContext } from '../context.js';

export const help = `Usage: pi-gitops validate [--cluster NAME] [--format text|json|sarif] [--no-build]

Check the repository the way Flux and the API server would, offline, in stages:
spec → drift → files → build → schemas → references → policy → budget.
Also runs on a Flux repository pi-gitops did not generate (each clusters/<name>/ is an entry point).

  --cluster NAME   only this cluster: its entry point and folders, and the shared bases
  --format FORMAT  text (default; grouped by file), json (versioned) or sarif (code scanning)
  --no-build       do not run kustomize: only spec, drift and files (objects are judged as built)
  -h, --help       this help

With GITHUB_ACTIONS=true, findings are also printed as workflow annotations.
Suppress a policy rule on one object with the annotation pi-gitops.dev/allow: "<rule-id>: <reason>".
Exit codes: 0 clean, 1 findings at error severity, 2 unusable input (YAML syntax, missing kustomize) or usage.`;

export async function run(ctx: CliContext, argv: readonly string[]): Promise<number> {
  const { values } = parse('validate', argv, { cluster: { type: 'string' }, format: { type: 'string' }, 'no-build': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    write(ctx.stdout, help);
    return ExitCode.ok;
  }
  const format = formatOption(values.format, ['text', 'json', 'sarif'], 'validate');
  const result = await runValidation(ctx.cwd, { ...(typeof values.cluster === 'string' ? { cluster: values.cluster } : {}), build: values['no-build'] !== true });
  const code = result.unusable ? ExitCode.unusable : hasErrors(result.findings) ? ExitCode.findings : ExitCode.ok;
  if (format === 'json') write(ctx.stdout, findingsJson(result.findings, { command: 'validate', exitCode: code, stages: result.stages }));
  else if (format === 'sarif') write(ctx.stdout, findingsSarif(result.findings, (packageRequire('./package.json') as { version: string }).version));
  else {
    // Info findings (stages skipped or not wired) go in the stage notes, so counts show what needs acting on.
    write(ctx.stdout, formatFindings(result.findings.filter((f) => f.severity !== 'info'), { color: ctx.color }));
    for (const s of result.stages) if (s.note) write(ctx.stdout, `note: ${s.stage} ${s.status === 'not-wired' ? 'not wired' : 'skipped'}: ${s.note}`);
    write(ctx.stdout, stageLine(result.stages));
  }
  if (ctx.env.GITHUB_ACTIONS === 'true') {
    const annotations = formatAnnotations(result.findings.filter((f) => f.severity !== 'info'));
    if (annotations) write(format === 'text' ? ctx.stdout : ctx.stderr, annotations);
  }
  return code;
}

/** `stages: spec ok, drift ok, files 2 errors, …, schemas not wired` */
function stageLine(stages: readonly StageReport[]): string {
  return `stages: ${stages.map((s) => `${s.stage} ${s.status === 'ran' ? (s.errors > 0 ? `${s.errors} error${s.errors === 1 ? '' : 's'}` : s.warnings > 0 ? `${s.warnings} warning${s.warnings === 1 ? '' : 's'}` : 'ok') : s.status}`).join(', ')}`;
}
