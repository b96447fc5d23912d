import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './context.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs with errors turned into usage errors that name the command. */
export function parse<O extends Options>(command: string, argv: readonly string[], options: O, allowPositionals = false): { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options, allowPositionals, strict: true });
    return { values: values as Record<string, string | boolean | string[] | undefined>, positionals };
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message.replace(/\. To specify.*$/s, '')}\nrun \`pi-gitops ${command} --help\``);
  }
}

export function formatOption(value: unknown, allowed: readonly string[], command: string): string {
  const format = typeof value === 'string' ? value : allowed[0]!;
  if (!allowed.includes(format)) throw new UsageError(`${command}: --format must be one of ${allowed.join(', ')} (found ${format})`);
  return format;
}
