import { cp, mkdtemp, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { main } from '../../generator/cli/main.js';
import { buildCluster } from '../../generator/repo/flux-graph.js';
import { loadSpec } from '../../generator/spec/load.js';
import { syntheticObjects } from './fixtures.js';

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

async function cli(cwd: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await main(argv, { cwd, stdout, stderr, env: process.env, color: false });
  return { code, out: stdout.text, err: stderr.text };
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

/**
 * Until the apps, monitoring and platform renderers are merged, `generate` renders only the Flux
 * entry, whose Kustomizations point at folders that do not exist yet. For those folders only, this
 * writes a stand-in shaped like the renderers' output (test/budget/fixtures.ts `syntheticObjects`).
 * Once the renderers render the folders, the stand-in is never written and the test runs on the real tree.
 */
async function standInForMissingPaths(root: string, cluster: string): Promise<string[]> {
  const { builds } = await buildCluster(root, `clusters/${cluster}`);
  const missing = builds.filter((b) => b.error !== undefined && /no such file or directory|not a valid directory/.test(b.error)).map((b) => b.path);
  if (missing.length === 0) return [];
  const spec = loadSpec(`clusters/${cluster}/cluster.yaml`, await readFile(join(root, `clusters/${cluster}/cluster.yaml`))).spec!;
  const objects = syntheticObjects(spec.cluster.spec);
  const target = missing.find((p) => p === `apps/${cluster}`) ?? missing[0]!;
  for (const path of missing) {
    await mkdir(join(root, path), { recursive: true });
    const resources = path === target ? ['objects.yaml'] : [];
    if (path === target) await writeFile(join(root, path, 'objects.yaml'), objects.map((o) => `---\n${stringify(o)}`).join(''));
    await writeFile(join(root, path, 'kustomization.yaml'), stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources }));
  }
  return missing;
}

describe('pi-gitops budget (end to end on a temporary copy of the repository)', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'pi-gitops-budget-'));
    await cp('clusters', join(root, 'clusters'), { recursive: true });
    await cp('schemas', join(root, 'schemas'), { recursive: true });
    const generated = await cli(root, 'generate');
    expect(generated.code, generated.err).toBe(0);
    for (const c of ['pi5-lab', 'pi5-mini']) await standInForMissingPaths(root, c);
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('prints the per-node table for pi5-lab and exits 0', async () => {
    const { code, out, err } = await cli(root, 'budget', '--cluster', 'pi5-lab');
    expect(err).toBe('');
    expect(out).toMatch(/^budget pi5-lab: fits \(6 nodes, \d+ pods in steady state; worst scenario: [^)]+\)/);
    for (const node of ['rpi-server-01', 'rpi-worker-01', 'rpi-worker-05']) expect(out).toMatch(new RegExp(`\\n  ${node} +\\[[#.|]{20}\\] `));
    expect(out).toContain('lose rpi-worker-03');
    expect(code).toBe(0);
  });

  it('prints JSON with a version field and markdown for a pull request', async () => {
    const json = await cli(root, 'budget', '--cluster', 'pi5-mini', '--format', 'json');
    const parsed = JSON.parse(json.out) as { version: number; reports: { version: number; cluster: string; verdict: string; nodes: unknown[] }[] };
    expect(parsed.version).toBe(1);
    expect(parsed.reports.map((r) => [r.version, r.cluster, r.nodes.length])).toEqual([[1, 'pi5-mini', 3]]);
    const md = await cli(root, 'budget', '--cluster', 'pi5-mini', '--format', 'markdown');
    expect(md.out).toContain('### Resource budget: pi5-mini');
    expect(md.out).toContain('| node | cpu requested | memory requested | pods | memory limits | local volumes |');
    expect(json.code).toBe(md.code);
  });

  it('exits 2 for an unknown cluster or format', async () => {
    expect((await cli(root, 'budget', '--cluster', 'nope')).code).toBe(2);
    expect((await cli(root, 'budget', '--format', 'xml')).code).toBe(2);
  });

  it('exits 1 naming the shortfall when api-service runs 40 fixed replicas instead of its autoscaler', async () => {
    // 40 × 512Mi/500m = 20 CPU, next to ~3.5 CPU of platform, data and monitoring pods: more than six Pis' 22.6 allocatable.
    const file = join(root, 'clusters/pi5-lab/cluster.yaml');
    const text = await readFile(file, 'utf8');
    const changed = text.replace(/(api-service:[\s\S]*?)autoscale: \{ min: 2, max: 4, targetCPU: 70 \}/, '$1replicas: 40');
    expect(changed).not.toBe(text);
    await writeFile(file, changed);
    expect((await cli(root, 'generate')).code).toBe(0);
    if (await exists(join(root, 'apps/pi5-lab/objects.yaml'))) {
      await rm(join(root, 'apps/pi5-lab'), { recursive: true });
      await standInForMissingPaths(root, 'pi5-lab');
    }
    const { code, out } = await cli(root, 'budget', '--cluster', 'pi5-lab');
    expect(out).toMatch(/^budget pi5-lab: DOES NOT FIT/);
    expect(out).toMatch(/error E_BUDGET_UNPLACEABLE: Deployment\/iot\/api-service: api-service: 40 × 512Mi\/500m requested; .* cannot be placed — .*short/);
    expect(out).toContain('hint: lower the request (512Mi/500m), the replicas (40), or add a node');
    expect(code).toBe(1);
  });
});
