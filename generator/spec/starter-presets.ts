/**
 * The values `pi-gitops init --preset` fills in. Only values live here; every field's description,
 * default and example come from schemas/cluster.schema.json (see starter.ts). A field left out here
 * is written with the schema's default (commented out) or, when required, the schema's example.
 */

export const presets = ['lab', 'mini'] as const;
export type Preset = (typeof presets)[number];

type Value = string | number | boolean | readonly Value[] | { readonly [key: string]: Value };
export type PresetValues = { readonly [key: string]: Value };

const resources = (cpu: string, memory: string, cpuLimit: string, memoryLimit: string): Value => ({
  requests: { cpu, memory },
  limits: { cpu: cpuLimit, memory: memoryLimit },
});

const node = (name: string, address: string, role: 'server' | 'agent', memoryGiB: number, sizeGiB: number): Value => ({
  name,
  address,
  role,
  memoryGiB,
  storage: { device: '/dev/nvme0n1p1', mountPath: '/mnt/ssd', sizeGiB },
});

/** Raspberry Pi 5 variants (FACTS.md "Memory variants"): lab uses 16 GB boards, mini 8 GB. */
const lab: PresetValues = {
  spec: {
    nodes: [
      node('rpi-server-01', '192.168.1.100', 'server', 16, 256),
      ...[1, 2, 3, 4, 5].map((i) => node(`rpi-worker-0${i}`, `192.168.1.10${i}`, 'agent', 16, 256)),
    ],
    budget: { headroomPercent: 80, nodeLossesTolerated: 1 },
    apps: {
      'device-management': {
        type: 'service',
        image: 'ghcr.io/example/device-management',
        version: '1.4.2',
        replicas: 2,
        metrics: { port: 9090 },
        resources: resources('100m', '256Mi', '500m', '512Mi'),
        dependsOn: ['postgresql', 'mosquitto'],
      },
      'data-ingestion': {
        type: 'service',
        image: 'ghcr.io/example/data-ingestion',
        version: '2.1.0',
        autoscale: { min: 2, max: 4 },
        metrics: { port: 9090 },
        resources: resources('200m', '256Mi', '1', '512Mi'),
        dependsOn: ['mosquitto', 'influxdb', 'redis'],
      },
      'api-service': {
        type: 'service',
        image: 'ghcr.io/example/api-service',
        version: '3.0.1',
        autoscale: { min: 2, max: 4 },
        metrics: { port: 9090 },
        resources: resources('200m', '256Mi', '1', '512Mi'),
        dependsOn: ['postgresql', 'redis', 'influxdb'],
        ingress: { host: 'api.iot.local' },
      },
      analytics: {
        type: 'service',
        image: 'ghcr.io/example/analytics',
        version: '0.9.3',
        autoscale: { min: 1, max: 3 },
        metrics: { port: 9090 },
        startupSeconds: 120,
        resources: resources('250m', '512Mi', '2', '1Gi'),
        dependsOn: ['influxdb', 'postgresql'],
      },
      influxdb: { type: 'influxdb', version: '2.7.12', resources: resources('250m', '1Gi', '2', '2Gi'), persistence: { sizeGiB: 50 } },
      postgresql: { type: 'postgresql', version: '17.6', resources: resources('250m', '512Mi', '1', '1Gi'), persistence: { sizeGiB: 20 } },
      redis: { type: 'redis', version: '7.4.6', resources: resources('100m', '128Mi', '500m', '256Mi'), persistence: { sizeGiB: 5 } },
      mosquitto: { type: 'mosquitto', version: '2.0.22', resources: resources('50m', '64Mi', '500m', '128Mi'), persistence: { sizeGiB: 2 } },
    },
  },
};

const mini: PresetValues = {
  spec: {
    nodes: [
      node('mini-server-01', '192.168.1.10', 'server', 8, 128),
      node('mini-worker-01', '192.168.1.11', 'agent', 8, 128),
      node('mini-worker-02', '192.168.1.12', 'agent', 8, 128),
    ],
    monitoring: { retention: '7d', storageGiB: 10, logRetention: '72h', logStorageGiB: 10 },
    apps: {
      'device-management': {
        type: 'service',
        image: 'ghcr.io/example/device-management',
        version: '1.4.2',
        replicas: 1,
        metrics: { port: 9090 },
        resources: resources('50m', '128Mi', '500m', '256Mi'),
        dependsOn: ['postgresql', 'mosquitto'],
      },
      'data-ingestion': {
        type: 'service',
        image: 'ghcr.io/example/data-ingestion',
        version: '2.1.0',
        autoscale: { min: 1, max: 2 },
        metrics: { port: 9090 },
        resources: resources('100m', '128Mi', '500m', '256Mi'),
        dependsOn: ['mosquitto', 'influxdb', 'redis'],
      },
      'api-service': {
        type: 'service',
        image: 'ghcr.io/example/api-service',
        version: '3.0.1',
        replicas: 1,
        metrics: { port: 9090 },
        resources: resources('100m', '128Mi', '500m', '256Mi'),
        dependsOn: ['postgresql', 'redis', 'influxdb'],
        ingress: { host: 'api.iot.local' },
      },
      analytics: {
        type: 'service',
        image: 'ghcr.io/example/analytics',
        version: '0.9.3',
        replicas: 1,
        metrics: { port: 9090 },
        startupSeconds: 120,
        resources: resources('100m', '256Mi', '1', '512Mi'),
        dependsOn: ['influxdb', 'postgresql'],
      },
      influxdb: { type: 'influxdb', version: '2.7.12', resources: resources('200m', '512Mi', '1', '1Gi'), persistence: { sizeGiB: 20 } },
      postgresql: { type: 'postgresql', version: '17.6', resources: resources('100m', '256Mi', '500m', '512Mi'), persistence: { sizeGiB: 10 } },
      redis: { type: 'redis', version: '7.4.6', resources: resources('50m', '64Mi', '250m', '128Mi'), persistence: { sizeGiB: 2 } },
      mosquitto: { type: 'mosquitto', version: '2.0.22', resources: resources('50m', '32Mi', '250m', '64Mi'), persistence: { sizeGiB: 1 } },
    },
  },
};

export const presetValues: Readonly<Record<Preset, PresetValues>> = { lab, mini };
