/**
 * Throughput of the object stages (references + policy) over synthetic built objects, kustomize
 * excluded. The issue asks for at least 10,000 objects/s. Run: npx tsx bench/validate-objects.ts [N]
 */
import { performance } from 'node:perf_hooks';
import { checkPolicy } from '../generator/validate/policy/index.js';
import { checkReferences } from '../generator/validate/references.js';
import type { BuiltObject } from '../generator/validate/types.js';

export function syntheticObjects(apps: number): BuiltObject[] {
  const objects: BuiltObject[] = [];
  const namespaces = Math.max(1, Math.floor(apps / 50));
  for (let n = 0; n < namespaces; n++) {
    objects.push({ object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `ns-${n}` } }, fluxPath: 'apps' });
    objects.push({ object: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny', namespace: `ns-${n}` }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } }, fluxPath: 'apps' });
  }
  for (let i = 0; i < apps; i++) {
    const namespace = `ns-${i % namespaces}`;
    const labels = { app: `app-${i}` };
    objects.push({ object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `app-${i}`, namespace }, spec: { replicas: 2, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: {
      securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: labels } }],
      containers: [{ name: 'app', image: 'docker.io/library/nginx:1.27.3', envFrom: [{ configMapRef: { name: `app-${i}` } }], env: [{ name: 'LOG_LEVEL', value: 'info' }],
        readinessProbe: { httpGet: { path: '/', port: 80 } }, livenessProbe: { httpGet: { path: '/', port: 80 } },
        resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '32Mi' } },
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }] } } } }, fluxPath: 'apps' });
    objects.push({ object: { apiVersion: 'v1', kind: 'Service', metadata: { name: `app-${i}`, namespace }, spec: { selector: labels, ports: [{ port: 80 }] } }, fluxPath: 'apps' });
    objects.push({ object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `app-${i}`, namespace }, data: { GREETING: 'hello' } }, fluxPath: 'apps' });
    objects.push({ object: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: `app-${i}`, namespace }, spec: { maxUnavailable: 1, selector: { matchLabels: labels } } }, fluxPath: 'apps' });
  }
  return objects;
}

export async function measure(objects: readonly BuiltObject[]): Promise<{ seconds: number; findings: number; perSecond: number }> {
  const start = performance.now();
  const findings = checkReferences(objects).length + (await checkPolicy(objects)).length;
  const seconds = (performance.now() - start) / 1000;
  return { seconds, findings, perSecond: objects.length / seconds };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const objects = syntheticObjects(Number(process.argv[2] ?? 2500));
  const result = await measure(objects);
  process.stdout.write(`${objects.length} objects in ${result.seconds.toFixed(3)} s: ${Math.round(result.perSecond)} objects/s (${result.findings} findings)\n`);
}
