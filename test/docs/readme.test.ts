import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../generator/cli/main.js';

/**
 * The README is part of the product: every command its quick start and CLI reference show must exist,
 * and every option it names must be one the command's --help documents.
 */
const readme = readFileSync('README.md', 'utf8');

async function help(args: readonly string[]): Promise<{ code: number; text: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let text = '';
  out.on('data', (d) => (text += String(d)));
  err.on('data', (d) => (text += String(d)));
  const code = await main([...args, '--help'], { cwd: process.cwd(), stdout: out, stderr: err, env: {}, color: false });
  return { code, text };
}

function section(title: string): string {
  const start = readme.indexOf(`## ${title}\n`);
  expect(start, `README has a "## ${title}" section`).toBeGreaterThanOrEqual(0);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

const referenceCommands = [...section('CLI reference').matchAll(/^\| `pi-gitops ([^`]+)` \|/gm)].map((m) => m[1]!.replace(/\\\|/g, '|'));

describe('README', () => {
  it('quick start is exactly two commands: install + generate, and the test suite', () => {
    const block = /## Quick start\n\n```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(block.trim().split('\n')).toEqual(['npm ci && npm run generate', 'npm test']);
    const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.generate).toBe('node bin/pi-gitops.js generate');
    expect(scripts.test).toContain('vitest run');
    expect(readFileSync('.ci/run', 'utf8')).toMatch(/^npm test$/m);
  });

  it('`npm run generate` works as the quick start runs it (checked without writing: -- --check)', () => {
    const result = spawnSync('npm', ['run', '--silent', 'generate', '--', '--check'], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^up to date: \d+ generated files match/m);
  });

  it('lists the CLI reference for every command the CLI has', async () => {
    const usage = (await help([])).text;
    const commands = [...usage.matchAll(/^ {2}([a-z]+)$/gm)].map((m) => m[1]!);
    expect(commands.length).toBeGreaterThanOrEqual(6);
    for (const command of commands) expect(referenceCommands.some((r) => r.split(' ')[0] === command), `README documents ${command}`).toBe(true);
  });

  it.each(referenceCommands)('documents `pi-gitops %s` with options its --help knows', async (line) => {
    const words = line.split(' ');
    const command = words[0] === 'ci' ? words.slice(0, 2) : words.slice(0, 1);
    const { code, text } = await help(command);
    expect(code, text).toBe(0);
    for (const option of line.match(/--[a-z-]+/g) ?? []) expect(text, `${command.join(' ')} --help mentions ${option}`).toContain(option);
  });
});
