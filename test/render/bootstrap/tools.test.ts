import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderRepository } from '../../../generator/render/repository.js';
import { loadSpec } from '../../../generator/spec/load.js';
import { haveTool } from './_tools.js';

const specs = ['clusters/pi5-lab/cluster.yaml', 'clusters/pi5-mini/cluster.yaml'].map((file) => {
  const { spec, findings } = loadSpec(file, readFileSync(file, 'utf8'));
  if (!spec) throw new Error(JSON.stringify(findings));
  return spec;
});
const files = renderRepository(specs);
const scripts = files.filter((f) => f.path.startsWith('bootstrap/') && f.path.endsWith('.sh'));

describe('rendered bootstrap scripts', () => {
  it('are executable bash with strict mode', () => {
    expect(scripts.map((s) => s.path)).toEqual(['bootstrap/pi5-lab/flux.sh', 'bootstrap/pi5-lab/node.sh', 'bootstrap/pi5-mini/flux.sh', 'bootstrap/pi5-mini/node.sh']);
    for (const script of scripts) {
      expect(script.mode).toBe(0o755);
      expect(script.content.split('\n')[0]).toBe('#!/usr/bin/env bash');
      expect(script.content).toContain('\nset -euo pipefail\n');
    }
  });

  it.skipIf(!haveTool('shellcheck'))('are shellcheck clean (every check, every severity)', () => {
    for (const script of scripts) {
      const result = spawnSync('shellcheck', ['--shell=bash', '--severity=style', '-'], { input: script.content, encoding: 'utf8' });
      expect(result.stdout, script.path).toBe('');
      expect(result.status, script.path).toBe(0);
    }
  });
});

describe('rendered Ansible', () => {
  it.skipIf(!haveTool('ansible-playbook'))('passes ansible-playbook --syntax-check with the rendered inventory, for each cluster', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pi-gitops-ansible-'));
    try {
      for (const file of files.filter((f) => f.path.startsWith('bootstrap/'))) {
        const target = join(dir, file.path);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, file.content);
        if (file.mode) chmodSync(target, file.mode);
      }
      for (const cluster of ['pi5-lab', 'pi5-mini']) {
        const cwd = join(dir, 'bootstrap', cluster, 'ansible');
        const result = spawnSync('ansible-playbook', ['--syntax-check', '-i', 'inventory.ini', 'site.yaml', '-e', 'k3s_token_file=/nonexistent'], {
          cwd,
          encoding: 'utf8',
          env: { ...process.env, ANSIBLE_LOCAL_TEMP: join(dir, 'tmp'), ANSIBLE_NOCOLOR: '1' },
        });
        expect(result.stderr, cluster).not.toMatch(/ERROR/);
        expect(result.status, `${cluster}: ${result.stderr}`).toBe(0);
        expect(result.stdout).toContain('playbook: site.yaml');
        // Plays in order: inputs, servers (the spec's servers only), agents, then Flux once on this machine.
        const listed = spawnSync('ansible-playbook', ['--list-hosts', '-i', 'inventory.ini', 'site.yaml'], { cwd, encoding: 'utf8', env: { ...process.env, ANSIBLE_LOCAL_TEMP: join(dir, 'tmp') } });
        expect(listed.status, listed.stderr).toBe(0);
        const plays = listed.stdout.split(/\n\s*play #\d+ /).slice(1).map((play) => ({
          pattern: /pattern: \['([^']+)'\]/.exec(play)![1],
          hosts: play.split('\n').filter((l) => /^ {6}\S/.test(l)).map((l) => l.trim()).sort(),
        }));
        const nodes = specs.find((s) => s.cluster.metadata.name === cluster)!.cluster.spec.nodes;
        const names = (role: string): string[] => nodes.filter((n) => n.role === role).map((n) => n.name).sort();
        expect(plays).toEqual([
          { pattern: 'localhost', hosts: ['localhost'] },
          { pattern: 'server', hosts: names('server') },
          { pattern: 'agent', hosts: names('agent') },
          { pattern: 'localhost', hosts: ['localhost'] },
        ]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
