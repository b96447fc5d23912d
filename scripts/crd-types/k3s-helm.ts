/**
 * K3s helm-controller `helm.cattle.io/v1` HelmChart and HelmChartConfig, declared by hand.
 *
 * No npm package ships these types, so this file is written from the K3s documentation ("Helm" —
 * HelmChart field definitions, docs.k3s.io/helm) and the helm-controller API
 * (k3s-io/helm-controller `pkg/apis/helm.cattle.io/v1/types.go`, read 2026). `npm run schemas`
 * (scripts/gen-schemas.ts) generates schemas/k8s/helm.cattle.io/v1/*.json from it like the packaged types.
 * `valuesContent` is a YAML string (opaque here); `set` maps to IntOrString values.
 */
import type { IIoK8sApimachineryPkgApisMetaV1ObjectMeta as IObjectMeta } from '@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta';
import type { IIoK8sApiCoreV1LocalObjectReference } from 'kubernetes-models/v1/LocalObjectReference';
import type { IIoK8sApiCoreV1PodSecurityContext } from 'kubernetes-models/v1/PodSecurityContext';
import type { IIoK8sApiCoreV1SecurityContext } from 'kubernetes-models/v1/SecurityContext';

export type HelmFailurePolicy = 'abort' | 'reinstall';

export interface HelmValuesSecret {
  name?: string;
  keys?: string[];
  ignoreUpdates?: boolean;
}

export interface HelmChartSpec {
  targetNamespace?: string;
  createNamespace?: boolean;
  chart?: string;
  version?: string;
  repo?: string;
  repoCA?: string;
  repoCAConfigMap?: IIoK8sApiCoreV1LocalObjectReference;
  set?: { [key: string]: string | number };
  valuesContent?: string;
  valuesSecrets?: HelmValuesSecret[];
  helmVersion?: string;
  bootstrap?: boolean;
  chartContent?: string;
  jobImage?: string;
  backOffLimit?: number;
  /** Go duration, e.g. `5m`. */
  timeout?: string;
  failurePolicy?: HelmFailurePolicy;
  authSecret?: IIoK8sApiCoreV1LocalObjectReference;
  authPassCredentials?: boolean;
  insecureSkipTLSVerify?: boolean;
  plainHTTP?: boolean;
  takeOwnership?: boolean;
  dockerRegistrySecret?: IIoK8sApiCoreV1LocalObjectReference;
  podSecurityContext?: IIoK8sApiCoreV1PodSecurityContext;
  securityContext?: IIoK8sApiCoreV1SecurityContext;
}

export interface HelmChartStatus {
  [key: string]: unknown;
}

export interface HelmChart {
  apiVersion: 'helm.cattle.io/v1';
  kind: 'HelmChart';
  metadata?: IObjectMeta;
  spec?: HelmChartSpec;
  status?: HelmChartStatus;
}

export interface HelmChartConfigSpec {
  valuesContent?: string;
  valuesSecrets?: HelmValuesSecret[];
  failurePolicy?: HelmFailurePolicy;
}

export interface HelmChartConfig {
  apiVersion: 'helm.cattle.io/v1';
  kind: 'HelmChartConfig';
  metadata?: IObjectMeta;
  spec?: HelmChartConfigSpec;
}
