import type { AppSpec, ClusterSpec } from '../../spec/types.js';

/** One app of one cluster. */
export interface AppContext {
  readonly cluster: ClusterSpec;
  readonly name: string;
  readonly app: AppSpec;
}

/** A file of apps/base/<app>/ (kustomization.yaml is added by the caller). */
export interface BaseFile {
  readonly file: string;
  readonly objects: readonly object[];
}

/** What one app adds to a cluster overlay (apps/<cluster>/). */
export interface OverlayPart {
  /** Strategic-merge patch of the app's workload: everything the spec sets per cluster. */
  readonly patch: object;
  /** Fixed replica count (kustomize `replicas`), unset when an HPA owns the count. */
  readonly replicas?: number;
  /** Per-cluster objects: HPA, PDB, ConfigMaps whose content depends on the cluster. */
  readonly resources?: readonly object[];
}

/** A kind of app (service, postgresql, …): its shared base and its per-cluster overlay. */
export interface AppKind {
  /** Type defaults and the app's identity only: byte-identical whatever cluster renders it. */
  base(name: string): BaseFile[];
  overlay(ctx: AppContext): OverlayPart;
}

/** A strategic-merge patch of a workload: the spec's required fields (selector, serviceName) come from the base. */
export type WorkloadPatch<T extends { spec?: object }> = Omit<T, 'spec'> & { spec: Partial<NonNullable<T['spec']>> };
