import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { asInputs, budget, formatBudgetMarkdown, formatBudgetText, type BudgetReport } from '../../generator/budget/index.js';
import { loadSpec } from '../../generator/spec/load.js';
import type { LoadedSpec } from '../../generator/spec/types.js';
import { MiB } from '../../generator/units/quantity.js';
import { example, oldSetupOnSix4GbPis, syntheticObjects } from './fixtures.js';

const run = (spec: LoadedSpec): BudgetReport => budget(spec, asInputs(syntheticObjects(spec.cluster.spec)));
const steadyMemory = (r: BudgetReport): number => r.scenarios[0]!.nodes.reduce((a, u) => a + u.memoryBytes, 0) / MiB;
const errors = (r: BudgetReport): string[] => r.findings.filter((f) => f.severity === 'error').map((f) => f.code);

function labWithApiReplicas(n: number): LoadedSpec {
  const text = readFileSync('clusters/pi5-lab/cluster.yaml', 'utf8').replace(/(api-service:[\s\S]*?)autoscale: \{ min: 2, max: 4, targetCPU: 70 \}/, `$1replicas: ${n}`);
  const { spec } = loadSpec('clusters/pi5-lab/cluster.yaml', text);
  return spec!;
}

describe('the example clusters, on objects shaped like the rendered tree', () => {
  it('pi5-lab fits in steady state, with every HPA at max and with any one node lost', () => {
    const report = run(example('pi5-lab'));
    expect(errors(report)).toEqual([]);
    expect(report.verdict).toBe('fits');
    expect(report.scenarios.filter((s) => s.kind === 'node-loss')).toHaveLength(6);
    expect(report.scenarios.every((s) => s.unplaced.length === 0)).toBe(true);
    // Every stateful pod waits for its node rather than moving: six local volumes in all.
    expect(new Set(report.scenarios.flatMap((s) => s.waiting.map((w) => w.workload)))).toEqual(new Set(['StatefulSet/iot/influxdb', 'StatefulSet/iot/postgresql', 'StatefulSet/iot/redis', 'StatefulSet/iot/mosquitto', 'StatefulSet/monitoring/prometheus', 'StatefulSet/monitoring/loki']));
  });

  it('pi5-lab fits with api-service at 20 replicas (10 CPU of 22.6), and fails at 40 for CPU', () => {
    expect(run(labWithApiReplicas(20)).verdict).toBe('fits');
    const report = run(labWithApiReplicas(40));
    expect(report.verdict).toBe('does-not-fit');
    const api = report.findings.find((f) => f.code === 'E_BUDGET_UNPLACEABLE' && f.path === 'Deployment/iot/api-service')!;
    // 40 × 500m = 20 CPU of 22.6 allocatable, next to ~3.5 CPU of platform, data and monitoring pods.
    expect(api.message).toMatch(/^api-service: 40 × 512Mi\/500m requested; (in steady state|with [\w-]+ lost), \d+ of 40 pods cannot be placed — /);
    expect(api.origin).toMatchObject({ file: 'clusters/pi5-lab/cluster.yaml', path: 'spec.apps.api-service.resources.requests.memory' });
    expect(errors(report)).toContain('E_BUDGET_HEADROOM_CPU');
  });

  it('pi5-mini fits: 3 × 8 GB give 20,432 MiB allocatable for 3,356 MiB of steady requests; a lost node leaves its stateful pods waiting', () => {
    const report = run(example('pi5-mini'));
    expect(report.nodes.map((n) => n.allocatable.memoryBytes / MiB)).toEqual([5944, 7244, 7244]);
    // Platform 524Mi (CoreDNS 70, metrics-server 70, Traefik 64, Flux 4 × 64, Flux Operator 64)
    // + apps 1,504Mi (128 + 128 + 128 + 256 + 512 + 256 + 64 + 32, one replica each)
    // + monitoring 1,328Mi (Prometheus 512, Loki 256, Grafana 128, kube-state-metrics 48, Alloy 3 × 96, node-exporter 3 × 32) = 3,356Mi.
    expect(steadyMemory(report)).toBe(3356);
    expect(report.verdict).toBe('fits');
    const losses = report.scenarios.filter((s) => s.kind === 'node-loss');
    expect(losses.every((s) => s.unplaced.length === 0)).toBe(true);
    expect(losses.reduce((a, s) => a + s.waiting.length, 0)).toBe(6);
  });

  it('six 4 GB Pis with the old setup do not fit: 14,908 MiB requested of 17,588 MiB (85 %), and a lost 4 GB node leaves too little', () => {
    const spec = oldSetupOnSix4GbPis();
    const report = run(spec);
    // Allocatable: one server 1,848 MiB + five agents 3,148 MiB = 17,588 MiB.
    expect(report.nodes.reduce((a, n) => a + n.allocatable.memoryBytes, 0) / MiB).toBe(17588);
    // Requests: platform 524 + apps 9,984 + monitoring 4,400 (2,048 + 1,024 + 512 + 48 + 6 × 96 + 6 × 32) = 14,908 MiB.
    expect(steadyMemory(report)).toBe(14908);
    expect(report.verdict).toBe('does-not-fit');
    // 85 % on average is over the 80 % headroom on some node whatever the placement…
    expect(errors(report)).toContain('E_BUDGET_HEADROOM_MEMORY');
    // …and without one 3,148 MiB agent only 14,440 MiB remain for 14,780 MiB (its two DaemonSet pods leave with it).
    const unplaceable = report.findings.filter((f) => f.code === 'E_BUDGET_UNPLACEABLE');
    expect(unplaceable.length).toBeGreaterThan(0);
    expect(unplaceable.some((f) => / lost, 1 of 2 pods cannot be placed — .* of memory short on every remaining node/.test(f.message))).toBe(true);
  });

  it('prints a per-node table with bars in text and markdown, and a versioned JSON', () => {
    const report = run(example('pi5-mini'));
    const text = formatBudgetText(report);
    expect(text).toMatch(/^budget pi5-mini: fits \(3 nodes, \d+ pods in steady state; worst scenario: /);
    expect(text).toContain('mini-server-01 (server, 8 GB): cpu 4 − 100m − 300m = 3.6; memory 8000Mi − 256Mi − 1600Mi − 200Mi = 5944Mi (5.8Gi)');
    expect(text).toMatch(/mini-worker-01 +\[#+\.*\|?\.*\] /);
    const md = formatBudgetMarkdown(report);
    expect(md).toContain('### Resource budget: pi5-mini — ✅ fits');
    expect(md).toContain('| node | cpu requested | memory requested | pods | memory limits | local volumes |');
    // Every row of the node tables has six cells: no stray pipe from the bars.
    for (const row of md.split('\n').filter((l) => /^\| mini-/.test(l))) expect(row.split('|')).toHaveLength(8);
    expect(JSON.parse(JSON.stringify(report))).toMatchObject({ version: 1, cluster: 'pi5-mini', verdict: 'fits' });
  });
});
