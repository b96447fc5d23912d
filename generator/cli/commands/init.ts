import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadSpec } from '../../spec/load.js';
import { clusterSchema } from '../../spec/schema.js';
import { starterSpec } from '../../spec/starter.js';
import { presets, type Preset } from '../../spec/starter-presets.js';
import { formatFindings } from '../../findings-format.js';
import { hasErrors } from '../../findings.js';
import { layout } from '../../render/layout.js';
import { parse } from '../args.js';
import { ExitCode, UsageError, write, type CliContext } from '../context.js';

export const help = `Usage: pi-gitops init NAME [--preset ${presets.join('|')}] [--force]

Write a starter spec at clusters/NAME/cluster.yaml. Every field carries its description, default
and example from schemas/cluster.schema.json; optional fields are commented out at their default.

  NAME            cluster name: a DNS-1123 label (lower-case letters, digits, '-'; at most 63)
  --preset NAME   lab: 1 server + 5 agents, Pi 5 16 GB; mini: 3 × Pi 5 8 GB (default lab)
  --force         overwrite an existing clusters/NAME/cluster.yaml
  -h, --help      this help

Exit codes: 0 written, 2 bad name or preset, or the spec exists (without --force).`;

/** The schema's own rule for names (metadata.name is a dnsLabel), so init and the loader agree. */
const DNS_LABEL = new RegExp(((clusterSchema.$defs as Record<string, { pattern: string }>).dnsLabel!).pattern);

export async function run(ctx: CliContext, argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse('init', argv, { preset: { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, true);
  if (values.help) {
    write(ctx.stdout, help);
    return ExitCode.ok;
  }
  if (positionals.length !== 1) throw new UsageError(`init: expected one cluster NAME (found ${positionals.length})\nrun \`pi-gitops init --help\``);
  const name = positionals[0]!;
  if (!DNS_LABEL.test(name)) {
    throw new UsageError(`init: "${name}" is not a valid cluster name: use a DNS-1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters), e.g. pi5-lab`);
  }
  const preset = (values.preset ?? 'lab') as string;
  if (!(presets as readonly string[]).includes(preset)) throw new UsageError(`init: --preset must be one of ${presets.join(', ')} (found ${preset})`);

  const file = layout.specFile(name);
  const target = join(ctx.cwd, file);
  if (!values.force && (await exists(ctx.cwd, name))) {
    write(ctx.stderr, `pi-gitops: ${file} already exists; it was left alone\n  hint: edit it, or pass --force to replace it with a fresh starter`);
    return ExitCode.unusable;
  }
  const text = starterSpec(name, preset as Preset);
  // The starter must be a spec generate accepts; if not, that is our bug, and nothing is written.
  const check = loadSpec(file, text);
  if (hasErrors(check.findings)) {
    write(ctx.stderr, formatFindings(check.findings, { color: ctx.color }));
    throw new Error(`the starter spec for preset ${preset} does not validate`);
  }
  await mkdir(join(ctx.cwd, layout.clusterDir(name)), { recursive: true });
  await writeFile(target, text);
  write(ctx.stdout, `wrote ${file} (preset ${preset})\nnext: edit it, then run \`pi-gitops generate\``);
  return ExitCode.ok;
}

async function exists(cwd: string, name: string): Promise<boolean> {
  try {
    return (await readdir(join(cwd, layout.clusterDir(name)))).some((entry) => entry === 'cluster.yaml' || entry === 'cluster.yml');
  } catch {
    return false;
  }
}
