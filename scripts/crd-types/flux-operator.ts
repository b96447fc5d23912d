/**
 * Flux Operator `fluxcd.controlplane.io/v1` FluxInstance, declared by hand.
 *
 * No npm package ships types or a schema for the Flux Operator CRDs, so this file is written from the
 * Flux Operator documentation ("Flux Instance CRD", fluxoperator.dev/docs/crd/fluxinstance) and the
 * field list of its API (controlplaneio-fluxcd/flux-operator `api/v1/fluxinstance_types.go`, read 2026).
 * `npm run schemas` (scripts/gen-schemas.ts) turns it into schemas/k8s/fluxcd.controlplane.io/v1/FluxInstance.json
 * exactly as it does for the packaged types. Enums are the `+kubebuilder:validation:Enum` markers.
 * Keep it in step with the operator version the generator installs; unknown fields fail validation.
 */
import type { IIoK8sApimachineryPkgApisMetaV1ObjectMeta as IObjectMeta } from '@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta';
import type { IComGithubFluxcdPkgApisKustomizePatch } from '@kubernetes-models/flux-cd/github.com/fluxcd/pkg/apis/kustomize/Patch';

export type FluxComponent =
  | 'source-controller'
  | 'kustomize-controller'
  | 'helm-controller'
  | 'notification-controller'
  | 'image-reflector-controller'
  | 'image-automation-controller'
  | 'source-watcher';

export interface FluxInstanceDistribution {
  /** Semver expression, e.g. `2.9.x`. */
  version: string;
  /** Registry to pull the controller images from, e.g. `ghcr.io/fluxcd`. */
  registry: string;
  imagePullSecret?: string;
  /** `oci://…` URL of the manifests artifact. */
  artifact?: string;
  artifactPullSecret?: string;
  variant?: '' | 'upstream-alpine' | 'enterprise-alpine' | 'enterprise-distroless' | 'enterprise-distroless-fips';
}

export interface FluxInstanceCommonMetadata {
  annotations?: { [key: string]: string };
  labels?: { [key: string]: string };
}

export interface FluxInstanceCluster {
  domain?: string;
  multitenant?: boolean;
  multitenantWorkloadIdentity?: boolean;
  tenantDefaultServiceAccount?: string;
  tenantDefaultDecryptionServiceAccount?: string;
  tenantDefaultKubeConfigServiceAccount?: string;
  objectLevelWorkloadIdentity?: boolean;
  networkPolicy?: boolean;
  type?: 'kubernetes' | 'openshift' | 'aws' | 'azure' | 'gcp';
  size?: 'small' | 'medium' | 'large';
}

export interface FluxInstanceSharding {
  key?: string;
  shards: string[];
  storage?: 'ephemeral' | 'persistent';
}

export interface FluxInstanceStorage {
  class: string;
  size: string;
}

export interface FluxInstanceKustomize {
  patches?: IComGithubFluxcdPkgApisKustomizePatch[];
}

export interface FluxInstanceSync {
  name?: string;
  /** Go duration, e.g. `1m`. */
  interval?: string;
  kind: 'OCIRepository' | 'GitRepository' | 'Bucket';
  url: string;
  ref: string;
  path: string;
  pullSecret?: string;
  provider?: 'generic' | 'aws' | 'azure' | 'gcp' | 'github';
}

export interface FluxInstanceSpec {
  distribution: FluxInstanceDistribution;
  components?: FluxComponent[];
  commonMetadata?: FluxInstanceCommonMetadata;
  cluster?: FluxInstanceCluster;
  sharding?: FluxInstanceSharding;
  storage?: FluxInstanceStorage;
  kustomize?: FluxInstanceKustomize;
  wait?: boolean;
  migrateResources?: boolean;
  sync?: FluxInstanceSync;
}

/** Status is written by the operator; a manifest in Git has no business setting it, so it stays open. */
export interface FluxInstanceStatus {
  [key: string]: unknown;
}

export interface FluxInstance {
  apiVersion: 'fluxcd.controlplane.io/v1';
  kind: 'FluxInstance';
  metadata?: IObjectMeta;
  spec: FluxInstanceSpec;
  status?: FluxInstanceStatus;
}
