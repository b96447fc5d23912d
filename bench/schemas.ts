/**
 * Benchmark of the schemas stage: objects per second over realistic objects (the valid fixture:
 * restricted Deployments, StatefulSets, Flux, K3s, cert-manager …, repeated with distinct names).
 * Target (issue 4): schema + reference + policy stages ≥ 10,000 objects/s together, so this stage alone
 * must be well above that. Cold = first call, loading the precompiled validators (schemas/k8s/validators/*.cjs); warm = steady state.
 * Run: `npx tsx bench/schemas.ts [objects]`; `benchSchemas()` is exported for bench/run.ts.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseBuiltObjects } from '../generator/repo/flux-graph.js';
import { createSchemaCheck, SchemaStore } from '../generator/validate/schemas/index.js';
import type { BuiltObject } from '../generator/validate/types.js';

export interface SchemaBenchResult {
  readonly objects: number;
  readonly kinds: number;
  readonly coldMs: number;
  readonly warmMs: number;
  readonly objectsPerSecond: number;
  /** Objects per second of this process's CPU time: steadier than wall time on a shared machine. */
  readonly objectsPerCpuSecond: number;
  readonly findings: number;
}

export function benchSchemas(count = 20_000): SchemaBenchResult {
  const fixture = fileURLToPath(new URL('../test/validate/fixtures/schemas-valid.yaml', import.meta.url));
  const base = parseBuiltObjects(readFileSync(fixture, 'utf8'));
  const objects: BuiltObject[] = Array.from({ length: count }, (_, i) => {
    const object = structuredClone(base[i % base.length]!) as { metadata: { name: string } };
    object.metadata.name = `${object.metadata.name}-${i}`;
    return { object: object as unknown as Record<string, unknown>, fluxPath: 'apps/bench' };
  });
  const check = createSchemaCheck({ store: new SchemaStore() });
  let start = performance.now();
  check(objects.slice(0, base.length));
  const coldMs = performance.now() - start;
  check(objects.slice(0, 2_000)); // let the JIT settle
  start = performance.now();
  const cpu = process.cpuUsage();
  const findings = check(objects);
  const cpuUsed = process.cpuUsage(cpu);
  const warmMs = performance.now() - start;
  const cpuMs = (cpuUsed.user + cpuUsed.system) / 1000;
  return {
    objects: count,
    kinds: new Set(base.map((o) => `${String(o.apiVersion)}/${String(o.kind)}`)).size,
    coldMs: Math.round(coldMs),
    warmMs: Math.round(warmMs),
    objectsPerSecond: Math.round(count / (warmMs / 1000)),
    objectsPerCpuSecond: Math.round(count / (cpuMs / 1000)),
    findings: findings.length,
  };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = benchSchemas(Number(process.argv[2] ?? 20_000));
  process.stdout.write(
    `schemas: ${result.objects} objects (${result.kinds} kinds) in ${result.warmMs} ms = ${result.objectsPerSecond} objects/s warm (${result.objectsPerCpuSecond} per CPU second); ` +
      `first call (loading precompiled validators) ${result.coldMs} ms; findings ${result.findings}\n`,
  );
  process.exitCode = result.findings === 0 && result.objectsPerSecond >= 10_000 ? 0 : 1;
}
