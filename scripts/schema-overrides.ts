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
  readonly why: string;
}

export const SCHEMA_OVERRIDES: readonly SchemaOverride[] = [
  {
    definition: 'IIoK8sApiCoreV1Container',
    required: ['image'],
    why: 'OpenAPI leaves image optional for higher-level controllers, but pod validation (ValidateContainers) rejects a container without one.',
  },
];
