import { packageRequire } from '../package-root.js';
import { ExitCode, UsageError, write, type CliContext } from './context.js';

type Command = { run(ctx: CliContext, argv: readonly string[]): Promise<number>; help: string };

/** Commands load lazily so `pi-gitops --version` does not pay for ajv or kustomize plumbing. */
const commands: Record<string, () => Promise<Command>> = {
  generate: () => import('./commands/generate.js'),
  validate: () => import('./commands/validate.js'),
  budget: () => import('./commands/budget.js'),
  init: () => import('./commands/init.js'),
  ci: () => import('./commands/ci.js'),
  diff: () => import('./commands/diff.js'),
};

const usage = (): string => `Usage: pi-gitops <command> [options]

Commands:
${Object.keys(commands).map((c) => `  ${c}`).join('\n')}

Run \`pi-gitops <command> --help\` for a command's options. --version prints the version.
Exit codes: 0 ok, 1 findings, 2 unusable input or usage, 3 internal error.`;


/** Runs one CLI invocation and returns its exit code; never calls process.exit. */
export async function main(argv: readonly string[], ctx: CliContext): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      write(name === undefined ? ctx.stderr : ctx.stdout, usage());
      return name === undefined ? ExitCode.unusable : ExitCode.ok;
    }
    if (name === '--version' || name === '-v') {
      write(ctx.stdout, (packageRequire('./package.json') as { version: string }).version);
      return ExitCode.ok;
    }
    const load = commands[name];
    if (!load) throw new UsageError(`unknown command "${name}"\n\n${usage()}`);
    const command = await load();
    return await command.run(ctx, rest);
  } catch (error) {
    if (error instanceof UsageError) {
      write(ctx.stderr, `pi-gitops: ${error.message}`);
      return ExitCode.unusable;
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    write(ctx.stderr, `pi-gitops: internal error — please report this with the command you ran:\n${detail}`);
    return ExitCode.internal;
  }
}
