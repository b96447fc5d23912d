import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { readCases } from '../spec/_corpus.js';
import { cli, contents, REPO, removeRepo, tempRepo } from './_harness.js';

const exec = promisify(execFile);
const BIN = join(REPO, 'bin/pi-gitops.js');
const ESC = '\u001b[';
const version = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;

const roots: string[] = [];
function repo(clusters?: readonly string[]): string {
  const root = tempRepo(clusters);
  roots.push(root);
  return root;
}
afterEach(() => {
  for (const root of roots.splice(0)) removeRepo(root);
});

/** The real executable, as a user runs it; never throws on a non-zero exit. */
async function run(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env.PATH, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Command names as the top-level help lists them. */
async function commandNames(): Promise<string[]> {
  const help = (await cli(REPO, ['--help'])).stdout;
  return help.split('Commands:\n')[1]!.split('\n\n')[0]!.split('\n').map((line) => line.trim()).filter(Boolean);
}

describe('pi-gitops CLI', () => {
  it('prints help for every command, exit 0', async () => {
    const names = await commandNames();
    expect(names).toEqual(expect.arrayContaining(['generate', 'init']));
    for (const name of names) {
      for (const flag of ['--help', '-h']) {
        const result = await cli(REPO, [name, flag]);
        expect(result.code, `${name} ${flag}`).toBe(0);
        expect(result.stdout, name).toMatch(new RegExp(`^Usage: pi-gitops ${name}\\b`));
        expect(result.stdout, name).toContain('Exit codes');
      }
    }
  });

  it('prints the package version with --version and -v', async () => {
    expect(await cli(REPO, ['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect((await cli(REPO, ['-v'])).stdout).toBe(`${version}\n`);
  });

  it('exits 2 on usage errors: no command, an unknown command, an unknown option', async () => {
    const none = await cli(REPO, []);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: pi-gitops <command>');
    const unknown = await cli(REPO, ['genrate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "genrate"');
    const option = await cli(REPO, ['generate', '--chek']);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("Unknown option '--chek'");
    expect(option.stderr).toContain('pi-gitops generate --help');
  });

  it('paints findings only when told the output is a terminal', async () => {
    const root = repo(['pi5-lab']);
    writeFileSync(join(root, 'clusters/pi5-lab/cluster.yaml'), readFileSync(join(root, 'clusters/pi5-lab/cluster.yaml'), 'utf8').replace('memoryGiB: 16', 'memoryGib: 16'));
    expect((await cli(root, ['generate'], { color: true })).stderr).toContain(ESC);
    expect((await cli(root, ['generate'], { color: false })).stderr).not.toContain(ESC);
  });
});

describe('pi-gitops generate on every invalid spec of the corpus', () => {
  it('exits 2 with file:line:col findings and no stack trace, writing nothing', async () => {
    for (const c of readCases(join(REPO, 'test/fixtures/spec/invalid'))) {
      // Each at the path it declares (`# file:`), else in a folder matching its metadata.name
      const root = repo([]);
      const file = c.file.startsWith('clusters/') ? c.file : 'clusters/corpus/cluster.yaml';
      mkdirSync(join(root, file, '..'), { recursive: true });
      writeFileSync(join(root, file), c.bytes);
      const result = await cli(root, ['generate']);
      expect(result.code, c.name).toBe(2);
      expect(result.stderr, c.name).toContain(`${file}:${c.expectations[0]!.line}:${c.expectations[0]!.column} error ${c.expectations[0]!.code}`);
      expect(result.stderr, c.name).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
      expect(result.stderr, c.name).not.toContain('internal error');
      expect(readdirSync(root), c.name).toEqual(['clusters']);
      expect(readdirSync(join(root, file, '..')), c.name).toEqual(['cluster.yaml']);
    }
  });
});

describe('pi-gitops init', () => {
  it('writes a starter spec that generate accepts', async () => {
    const root = repo([]);
    const result = await cli(root, ['init', 'edge', '--preset', 'mini']);
    expect(result).toMatchObject({ code: 0, stdout: expect.stringContaining('wrote clusters/edge/cluster.yaml (preset mini)') });
    const text = readFileSync(join(root, 'clusters/edge/cluster.yaml'), 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../../schemas/cluster.schema.json');
    expect(text).toContain('  name: edge\n');
    const generate = await cli(root, ['generate']);
    expect(generate.code, generate.stderr).toBe(0);
    expect(generate.stdout).toContain('added: clusters/edge/flux-system/flux-instance.yaml');
  });

  it('refuses to overwrite an existing spec (exit 2) unless --force', async () => {
    const root = repo(['pi5-lab']);
    const before = contents(root);
    const refused = await cli(root, ['init', 'pi5-lab']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('clusters/pi5-lab/cluster.yaml already exists; it was left alone');
    expect(contents(root)).toEqual(before);
    const forced = await cli(root, ['init', 'pi5-lab', '--force']);
    expect(forced.code).toBe(0);
    expect(readFileSync(join(root, 'clusters/pi5-lab/cluster.yaml'), 'utf8')).toContain('Started by `pi-gitops init pi5-lab --preset lab`');
  });

  it('rejects a name that is not a DNS-1123 label and an unknown preset, exit 2', async () => {
    const root = repo([]);
    for (const name of ['Pi5', 'pi_5', 'edge-', 'a'.repeat(64)]) {
      const result = await cli(root, ['init', name]);
      expect(result.code, name).toBe(2);
      expect(result.stderr, name).toContain('DNS-1123 label');
    }
    const preset = await cli(root, ['init', 'edge', '--preset', 'huge']);
    expect(preset.code).toBe(2);
    expect(preset.stderr).toContain('--preset must be one of lab, mini (found huge)');
    const missing = await cli(root, ['init']);
    expect(missing.code).toBe(2);
    expect(contents(root)).toEqual({});
  });
});

describe('the real bin/pi-gitops.js process', () => {
  it('generates, then --check exits 0; a hand edit makes --check exit 1 naming the file', async () => {
    const root = repo();
    expect((await run(root, ['generate'])).code).toBe(0);
    const clean = await run(root, ['generate', '--check']);
    expect(clean.code, clean.stderr).toBe(0);
    const file = join(root, 'clusters/pi5-mini/infrastructure.yaml');
    writeFileSync(file, `${readFileSync(file, 'utf8')}# hand edit\n`);
    const drift = await run(root, ['generate', '--check']);
    expect(drift.code).toBe(1);
    expect(drift.stdout).toContain('changed: clusters/pi5-mini/infrastructure.yaml');
  });

  it('writes no escape codes to a pipe, with or without NO_COLOR', async () => {
    const root = repo(['pi5-lab']);
    writeFileSync(join(root, 'clusters/pi5-lab/cluster.yaml'), readFileSync(join(root, 'clusters/pi5-lab/cluster.yaml'), 'utf8').replace('memoryGiB: 16', 'memoryGib: 16'));
    for (const env of [{}, { NO_COLOR: '1' }, { FORCE_COLOR: '1' }]) {
      const result = await run(root, ['generate'], env);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('clusters/pi5-lab/cluster.yaml:22:7');
      expect(result.stderr + result.stdout).not.toContain(ESC);
    }
  });

  it('paints on a terminal, and not with NO_COLOR set or TERM=dumb', async () => {
    // `script` (util-linux) runs the bin on a pseudo-terminal, so stdout.isTTY is true as for a person.
    const found = await exec('sh', ['-c', 'command -v script']).catch(() => undefined);
    if (!found) throw new Error('the `script` tool (util-linux) is required for the terminal test and is missing');
    const root = repo(['pi5-lab']);
    writeFileSync(join(root, 'clusters/pi5-lab/cluster.yaml'), readFileSync(join(root, 'clusters/pi5-lab/cluster.yaml'), 'utf8').replace('memoryGiB: 16', 'memoryGib: 16'));
    const onTerminal = async (env: NodeJS.ProcessEnv): Promise<string> => {
      const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} generate`;
      const result = await exec('script', ['-qec', command, '/dev/null'], { cwd: root, env: { PATH: process.env.PATH, TERM: 'xterm', ...env } }).catch((e: { stdout: string }) => e);
      return result.stdout;
    };
    for (const env of [{}, { NO_COLOR: '' }]) {
      const painted = await onTerminal(env); // an empty NO_COLOR does not count (no-color.org)
      expect(painted).toContain('clusters/pi5-lab/cluster.yaml:22:7');
      expect(painted).toContain(ESC);
    }
    for (const env of [{ NO_COLOR: '1' }, { NO_COLOR: 'true' }, { TERM: 'dumb' }]) {
      const plain = await onTerminal(env);
      expect(plain, JSON.stringify(env)).toContain('clusters/pi5-lab/cluster.yaml:22:7');
      expect(plain, JSON.stringify(env)).not.toContain(ESC);
    }
  });

  it('exits 0 with --check on the committed repository', async () => {
    const result = await run(REPO, ['generate', '--check']);
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });

  it('prints the version', async () => {
    expect(await run(REPO, ['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });
});
