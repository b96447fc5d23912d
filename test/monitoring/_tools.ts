import { spawnSync } from 'node:child_process';

/**
 * Whether a command-line tool is on PATH. Under CI=true a missing tool is an error naming it (tests
 * must never skip silently there); elsewhere the caller skips.
 */
export function haveTool(tool: string, versionArgs: readonly string[] = ['--version']): boolean {
  const result = spawnSync(tool, versionArgs, { encoding: 'utf8' });
  const found = !(result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT');
  if (!found && process.env.CI === 'true') {
    throw new Error(`${tool} is required under CI=true and was not found on PATH (Debian: apt-get install prometheus ships promtool)`);
  }
  return found;
}

export interface RunResult {
  readonly code: number;
  readonly output: string;
}

export function run(tool: string, args: readonly string[], cwd?: string): RunResult {
  const result = spawnSync(tool, args, { encoding: 'utf8', cwd });
  return { code: result.status ?? -1, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}
