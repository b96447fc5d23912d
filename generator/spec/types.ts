/**
 * The cluster spec after schema validation with defaults applied.
 * schemas/cluster.schema.json is the source of truth for every field, its default and its description;
 * these types mirror it (test/spec/types.test.ts keeps them in step).
 */

export type Quantity = string | number;

export interface CpuMemory {
  readonly cpu?: Quantity;
  readonly memory?: string;
}

export interface Resources {
  readonly requests: { readonly cpu: Quantity; readonly memory: string };
  readonly limits: { readonly cpu?: Quantity; readonly memory: string };
}

export interface RoleReservation {
  readonly kubeReserved: { readonly cpu: Quantity; readonly memory: string };
  readonly systemReserved: { readonly cpu: Quantity; readonly memory: string };
}

export interface EvictionHard {
  readonly memoryAvailable: string;
  readonly nodefsAvailable: string;
  readonly nodefsInodesFree: string;
  readonly imagefsAvailable: string;
  readonly imagefsInodesFree: string;
}

export type NodeRole = 'server' | 'agent';
export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';

export interface NodeSpec {
  readonly name: string;
  readonly address: string;
  readonly role: NodeRole;
  readonly model: 'pi5';
  readonly memoryGiB: 1 | 2 | 4 | 8 | 16;
  readonly storage: { readonly device: string; readonly mountPath: string; readonly sizeGiB: number };
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly { readonly key: string; readonly value?: string; readonly effect: TaintEffect }[];
  readonly pageSize4k: boolean;
}

export type AppType = 'service' | 'influxdb' | 'postgresql' | 'redis' | 'mosquitto';

export interface AppSpec {
  readonly type: AppType;
  readonly image?: string;
  readonly version: string;
  readonly replicas?: number;
  readonly autoscale?: { readonly min: number; readonly max: number; readonly targetCPU: number };
  readonly resources: Resources;
  readonly port?: number;
  readonly healthPath: string;
  readonly readinessPath?: string;
  readonly startupSeconds: number;
  readonly metrics?: { readonly port: number; readonly path: string };
  readonly env: Readonly<Record<string, string>>;
  readonly dependsOn: readonly string[];
  /** InfluxDB only: retention of the initial bucket. */
  readonly retention?: string;
  readonly persistence?: { readonly sizeGiB: number };
  readonly ingress?: { readonly host: string; readonly path: string };
}

export type K3sComponent = 'coredns' | 'servicelb' | 'traefik' | 'local-storage' | 'metrics-server';

export interface ClusterSpecBody {
  readonly domain: string;
  readonly namespace: string;
  readonly git: { readonly url: string; readonly branch: string; readonly interval: string };
  readonly k3s: {
    readonly version: string;
    readonly disable: readonly K3sComponent[];
    readonly clusterCidr: string;
    readonly serviceCidr: string;
    readonly apiHost?: string;
  };
  readonly flux: { readonly version: string; readonly operatorVersion: string };
  readonly nodes: readonly NodeSpec[];
  readonly reservations: {
    readonly server: RoleReservation;
    readonly agent: RoleReservation;
    readonly evictionHard: EvictionHard;
  };
  readonly budget: {
    readonly headroomPercent: number;
    readonly nodeLossesTolerated: number;
    readonly limitOvercommit: number;
    readonly storageReserveGiB: number;
  };
  readonly platform: {
    readonly ingress: { readonly className: 'traefik'; readonly replicas: number; readonly resources: Resources };
    readonly storage: { readonly className: string; readonly reclaimPolicy: 'Retain' | 'Delete' };
    readonly tls: {
      readonly mode: 'selfSigned' | 'acme' | 'none';
      readonly acmeEmail?: string;
      readonly acmeServer: string;
      readonly certManagerVersion: string;
    };
    readonly secrets: { readonly mode: 'bootstrap' | 'sops'; readonly ageRecipients: readonly string[] };
  };
  readonly monitoring: {
    readonly enabled: boolean;
    readonly namespace: string;
    readonly retention: string;
    readonly storageGiB: number;
    readonly logRetention: string;
    readonly logStorageGiB: number;
    readonly grafanaHost?: string;
    readonly exporters: boolean;
    readonly resources: {
      readonly prometheus: Resources;
      readonly grafana: Resources;
      readonly loki: Resources;
      readonly alloy: Resources;
      readonly nodeExporter: Resources;
      readonly kubeStateMetrics: Resources;
    };
  };
  readonly apps: Readonly<Record<string, AppSpec>>;
}

export interface ClusterSpec {
  readonly apiVersion: 'pi-gitops.dev/v1alpha1';
  readonly kind: 'Cluster';
  readonly metadata: { readonly name: string };
  readonly spec: ClusterSpecBody;
}

/** A spec together with where it came from, so findings and generated headers can name it. */
export interface LoadedSpec {
  /** Repository-relative path, e.g. clusters/pi5-lab/cluster.yaml */
  readonly file: string;
  readonly cluster: ClusterSpec;
  /** Maps a field path such as `spec.apps.redis.version` to its position in the file. */
  readonly locate: (path: readonly (string | number)[]) => SourcePosition | undefined;
}

export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}
