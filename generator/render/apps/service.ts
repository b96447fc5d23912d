import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { HorizontalPodAutoscaler } from 'kubernetes-types/autoscaling/v2.js';
import type { Container, EnvVar, Probe, TopologySpreadConstraint } from 'kubernetes-types/core/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import type { AppSpec, ClusterSpec } from '../../spec/types.js';
import type { AppContext, AppKind, BaseFile, OverlayPart, WorkloadPatch } from './_component.js';
import { appLabels, baseImage, dependencyEnv, metricsEndpoint, scrapeAnnotations, selectorLabels, SERVICE_HTTP_PORT, servePort } from './_model.js';
import { containerSecurity, podSecurity, resources, scratch, service, serviceAccount } from './_pod.js';

/** The user's own HTTP services (device-management, api-service, …) as Deployments. */

const PROBE_PERIOD = 5;

export function serviceBase(name: string): BaseFile[] {
  const tmp = scratch('tmp', '/tmp');
  const deployment: Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: appLabels(name, 'service') },
    spec: {
      revisionHistoryLimit: 3,
      selector: { matchLabels: selectorLabels(name) },
      // Pis are small: add one pod at a time and never drop below the wanted count during a rollout.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels: appLabels(name, 'service') },
        spec: {
          serviceAccountName: name,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: podSecurity('service'),
          terminationGracePeriodSeconds: 30,
          containers: [{ name, image: baseImage(name, 'service'), securityContext: containerSecurity(), volumeMounts: [tmp.mount] }],
          volumes: [tmp.volume],
        },
      },
    },
  };
  return [
    { file: 'serviceaccount.yaml', objects: [serviceAccount(name, 'service')] },
    { file: 'service.yaml', objects: [service(name, 'service', SERVICE_HTTP_PORT, 'http', 'http')] },
    { file: 'deployment.yaml', objects: [deployment] },
  ];
}

/** Nodes a pod without tolerations can land on. */
export function schedulableNodes(cluster: ClusterSpec): number {
  return cluster.spec.nodes.filter((n) => !n.taints.some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute')).length;
}

export function maxReplicas(app: AppSpec): number {
  return app.autoscale?.max ?? app.replicas ?? 1;
}

/**
 * Spread replicas over nodes (kubernetes.io/hostname, maxSkew 1). DoNotSchedule is a hard filter
 * (FACTS.md "Scheduler semantics"): it is used only when every replica can have its own node even
 * after the losses the budget tolerates (max replicas ≤ schedulable nodes − nodeLossesTolerated).
 * Otherwise ScheduleAnyway keeps it a preference, so a scale-up beyond the node count or a lost node
 * never leaves a pod Pending just to keep the skew. nodeTaintsPolicy Honor stops tainted nodes
 * counting as empty domains; matchLabelKeys pod-template-hash spreads each rollout's ReplicaSet on its own.
 */
export function spreadConstraints(cluster: ClusterSpec, name: string, app: AppSpec): TopologySpreadConstraint[] | undefined {
  const replicas = maxReplicas(app);
  if (replicas < 2) return undefined;
  const hard = replicas <= schedulableNodes(cluster) - cluster.spec.budget.nodeLossesTolerated;
  return [
    {
      maxSkew: 1,
      topologyKey: 'kubernetes.io/hostname',
      whenUnsatisfiable: hard ? 'DoNotSchedule' : 'ScheduleAnyway',
      labelSelector: { matchLabels: selectorLabels(name) },
      matchLabelKeys: ['pod-template-hash'],
      nodeTaintsPolicy: 'Honor',
    },
  ];
}

function httpProbe(path: string, period: number, failures: number): Probe {
  return { httpGet: { path, port: 'http' }, periodSeconds: period, timeoutSeconds: 2, failureThreshold: failures };
}

function container(ctx: AppContext): Container {
  const { cluster, name, app } = ctx;
  const metrics = metricsEndpoint(cluster, app);
  const env: EnvVar[] = [
    ...Object.keys(app.env).sort().map((key) => ({ name: key, value: app.env[key]! })),
    ...dependencyEnv(cluster, name),
  ];
  return {
    name,
    ports: [
      { name: 'http', containerPort: servePort(app), protocol: 'TCP' },
      ...(metrics ? [{ name: 'metrics', containerPort: metrics.port, protocol: 'TCP' }] : []),
    ],
    ...(env.length > 0 ? { env } : {}),
    resources: resources(app.resources),
    // Start-up may take spec.startupSeconds; liveness only starts after the startup probe passed.
    ...(app.startupSeconds > 0 ? { startupProbe: httpProbe(app.healthPath, PROBE_PERIOD, Math.max(1, Math.ceil(app.startupSeconds / PROBE_PERIOD))) } : {}),
    livenessProbe: httpProbe(app.healthPath, 10, 3),
    readinessProbe: httpProbe(app.readinessPath ?? app.healthPath, PROBE_PERIOD, 3),
  };
}

/** PDB when at least two pods run in steady state: one may go during a drain, never more. */
export function disruptionBudget(name: string, app: AppSpec): PodDisruptionBudget | undefined {
  const steady = app.autoscale?.min ?? app.replicas ?? 1;
  if (steady < 2) return undefined;
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name, labels: appLabels(name, app.type) },
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(name) } },
  };
}

function autoscaler(name: string, app: AppSpec): HorizontalPodAutoscaler | undefined {
  if (!app.autoscale) return undefined;
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name, labels: appLabels(name, app.type) },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: app.autoscale.min,
      maxReplicas: app.autoscale.max,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: app.autoscale.targetCPU } } }],
    },
  };
}

export function serviceOverlay(ctx: AppContext): OverlayPart {
  const { cluster, name, app } = ctx;
  const annotations = scrapeAnnotations(cluster, app);
  const spread = spreadConstraints(cluster, name, app);
  const patch: WorkloadPatch<Deployment> = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      template: {
        ...(annotations ? { metadata: { annotations } } : {}),
        spec: { ...(spread ? { topologySpreadConstraints: spread } : {}), containers: [container(ctx)] },
      },
    },
  };
  const extra = [autoscaler(name, app), disruptionBudget(name, app)].filter((o): o is NonNullable<typeof o> => o !== undefined);
  return {
    patch,
    // With an HPA the Deployment carries no replica count: the HPA owns it and Flux never fights it.
    ...(app.autoscale ? {} : { replicas: app.replicas ?? 1 }),
    ...(extra.length > 0 ? { resources: extra } : {}),
  };
}

export const serviceKind: AppKind = { base: serviceBase, overlay: serviceOverlay };
