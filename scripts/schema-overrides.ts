/**
 * Kubernetes-level rules the generated schemas lack, added by scripts/gen-schemas.ts.
 *
 * kubernetes-models' types come from the OpenAPI document, which already carries most required
 * fields and the `+enum` string sets (imagePullPolicy, restartPolicy, protocol, Service type,
 * PVC accessModes …). What the OpenAPI document leaves to the API server's Go validation is added
 * here, each with the rule it mirrors. Keys are definition names in the generated schemas; the
 * generator fails if one matches nothing or names a property that does not exist.
 */
/**
 * The Kubernetes release the installed kubernetes-models types describe. The package does not name
 * it; inferred from its content: Container.restartPolicyRules and resource.k8s.io/v1 (1.34) and
 * Toleration operators Lt/Gt (1.35) are present. K3s in /work/shared/FACTS.md is at 1.36: fields new
 * in 1.36 are unknown to these schemas and fail as E_SCHEMA_UNKNOWN_FIELD until the package catches up.
 */
export const SCHEMA_KUBERNETES_VERSION = '1.35';

export interface SchemaOverride {
  readonly definition: string;
  readonly required?: readonly string[];
  /** Property → allowed string values (for a string list, the allowed items). */
  readonly enums?: Readonly<Record<string, readonly string[]>>;
  /** Property → regular expression (a key of PATTERN_HINTS) the string must match. */
  readonly patterns?: Readonly<Record<string, string>>;
  readonly why: string;
}

/** Go duration with hours, as Flux's `+kubebuilder:validation:Pattern` markers write it for intervals. */
const DURATION = '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$';
/** Go duration without hours: Flux source and notification timeouts. */
const SHORT_DURATION = '^([0-9]+(\\.[0-9]+)?(ms|s|m))+$';

const GIT_URL = '^(http|https|ssh)://.*$';
const HELM_URL = '^(http|https|oci)://.*$';
const OCI_URL = '^oci://.*$';

/** What a pattern means, for the finding's hint (copied into schemas/k8s/index.json). */
export const PATTERN_HINTS: Readonly<Record<string, string>> = {
  [DURATION]: 'a Go duration such as 30s, 10m, 1h or 1h30m (units ms, s, m, h; no spaces)',
  [SHORT_DURATION]: 'a Go duration such as 60s or 5m (units ms, s, m; hours are not accepted here)',
  [GIT_URL]: 'an http://, https:// or ssh:// URL (scp-like git@host:org/repo is not accepted: write ssh://git@host/org/repo)',
  [HELM_URL]: 'an http://, https:// or oci:// URL',
  [OCI_URL]: 'an oci:// URL',
};

/**
 * The Flux CRDs validate durations with a pattern; @kubernetes-models/flux-cd's types drop patterns,
 * so they are restored here from the controllers' API types (fluxcd/*-controller `api/v1*` Pattern
 * markers: intervals `(ms|s|m|h)`, source and notification timeouts `(ms|s|m)`; source URL schemes,
 * which the package's compiled validators also check).
 */
const fluxSource = (definition: string, url?: string): SchemaOverride => ({
  definition,
  patterns: { interval: DURATION, timeout: SHORT_DURATION, ...(url === undefined ? {} : { url }) },
  why: 'source-controller api/v1: interval, timeout (and url) Pattern markers',
});

export const SCHEMA_OVERRIDES: readonly SchemaOverride[] = [
  {
    definition: 'IComGithubFluxcdKustomizeControllerApiV1KustomizationSpec',
    patterns: { interval: DURATION, retryInterval: DURATION, timeout: DURATION },
    why: 'kustomize-controller api/v1: interval, retryInterval and timeout Pattern markers',
  },
  {
    definition: 'IComGithubFluxcdHelmControllerApiV2HelmReleaseSpec',
    patterns: { interval: DURATION, timeout: DURATION },
    why: 'helm-controller api/v2: interval and timeout Pattern markers',
  },
  fluxSource('IComGithubFluxcdSourceControllerApiV1GitRepositorySpec', GIT_URL),
  fluxSource('IComGithubFluxcdSourceControllerApiV1HelmRepositorySpec', HELM_URL),
  fluxSource('IComGithubFluxcdSourceControllerApiV1OCIRepositorySpec', OCI_URL),
  fluxSource('IComGithubFluxcdSourceControllerApiV1BucketSpec'),
  {
    definition: 'IComGithubFluxcdNotificationControllerApiV1beta3ProviderSpec',
    patterns: { timeout: SHORT_DURATION },
    why: 'notification-controller api/v1beta3: timeout Pattern marker',
  },
  {
    definition: 'FluxInstanceSync',
    patterns: { interval: DURATION },
    why: 'flux-operator api/v1 Sync.Interval Pattern marker',
  },
  {
    definition: 'FluxInstanceDistribution',
    patterns: { artifact: OCI_URL },
    why: 'flux-operator api/v1 Distribution.Artifact Pattern marker',
  },
  {
    definition: 'IIoK8sApiCoreV1Container',
    required: ['image'],
    why: 'OpenAPI leaves image optional for higher-level controllers, but pod validation (ValidateContainers) rejects a container without one.',
  },
];
