import type { SourcePosition } from '../spec/types.js';

/** Shapes the budget schedules: pure data, built from rendered objects and the platform model. */

export interface Toleration {
  readonly key?: string;
  readonly operator?: 'Exists' | 'Equal';
  readonly value?: string;
  readonly effect?: string;
}

export interface Taint {
  readonly key: string;
  readonly value?: string;
  readonly effect: string;
}

export interface Requirement {
  readonly key: string;
  readonly operator: string;
  readonly values?: readonly string[];
}

export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly Requirement[];
}

/** What one pod asks of a node, with the constraints kube-scheduler's filters read. */
export interface PodShape {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Requests: overhead + max(sum of app containers, largest init container). */
  readonly cpuMillis: number;
  readonly memoryBytes: number;
  /** Memory limits by the same rule; a container without a limit counts its request. */
  readonly memoryLimitBytes: number;
  readonly tolerations: readonly Toleration[];
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** requiredDuringScheduling node affinity: OR of terms, AND inside a term. */
  readonly nodeAffinity?: readonly (readonly Requirement[])[];
  /** Required pod anti-affinity terms on kubernetes.io/hostname (other topology keys are ignored). */
  readonly antiAffinity: readonly LabelSelector[];
  /** topologySpreadConstraints with whenUnsatisfiable DoNotSchedule on kubernetes.io/hostname. */
  readonly spread: readonly { readonly maxSkew: number; readonly selector: LabelSelector }[];
  /** "TCP/80": host ports the pod holds (hostPort, or containerPort under hostNetwork). */
  readonly hostPorts: readonly string[];
}

export interface ClaimDemand {
  /** PVC name; for a StatefulSet volumeClaimTemplate, the template name (the PVC is `<name>-<sts>-<ordinal>`). */
  readonly name: string;
  readonly perReplica: boolean;
  readonly bytes: number;
  readonly storageClass: string;
  /** Provisioned by local-path on the node's SSD: binds the pod to the node it first lands on. */
  readonly local: boolean;
}

export type WorkloadOrigin = 'platform' | 'manifest' | 'helm-values' | 'footprint';

/** A set of identical pods: a Deployment, StatefulSet, DaemonSet, Job, a modelled platform component… */
export interface Workload {
  /** kind/namespace/name */
  readonly id: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly origin: WorkloadOrigin;
  readonly pod: PodShape;
  /** Steady-state replicas (HPA minReplicas when autoscaled); ignored for DaemonSets. */
  readonly replicas: number;
  /** Worst case (HPA maxReplicas); equals replicas when not autoscaled. */
  readonly maxReplicas: number;
  /** One pod per eligible node (DaemonSet). */
  readonly perNode: boolean;
  /** Extra pods a rolling update adds at once (maxSurge); 0 for Recreate, StatefulSets, DaemonSets. */
  readonly surge: number;
  readonly claims: readonly ClaimDemand[];
  /** Where the figure comes from, for modelled components (FACTS.md citation). */
  readonly citation?: string;
  readonly source?: { readonly file: string; readonly position?: SourcePosition };
}

/** A node as the budget sees it: the spec's node with its derived allocatable. */
export interface BudgetNode {
  readonly name: string;
  readonly role: 'server' | 'agent';
  readonly memoryGiB: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
  readonly capacity: { readonly cpuMillis: number; readonly memoryBytes: number };
  readonly systemReserved: { readonly cpuMillis: number; readonly memoryBytes: number };
  readonly kubeReserved: { readonly cpuMillis: number; readonly memoryBytes: number };
  readonly evictionMemoryBytes: number;
  readonly allocatable: { readonly cpuMillis: number; readonly memoryBytes: number };
  readonly maxPods: number;
  /** SSD size available to PVCs: sizeGiB − storageReserveGiB, in bytes. */
  readonly storageBytes: number;
}
