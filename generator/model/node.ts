import type { ClusterSpecBody, NodeSpec } from '../spec/types.js';
import { cpuMillis, MiB, memoryBytes } from '../units/quantity.js';

/**
 * The one model of a node's resources. The bootstrap writes these reservations into each node's
 * K3s kubelet-arg, and the budget schedules against the allocatable computed from the same numbers.
 */

/** Raspberry Pi 5: BCM2712, 4 × Cortex-A76 (FACTS.md: raspberrypi/documentation bcm2712.adoc). */
export const PI5_CPU_MILLIS = 4000;
/**
 * Memory the kernel does not see (firmware, CMA): a 4 GB Pi 5 reports 3,925 MiB; modelled as
 * nominal − 192 MiB until measured (FACTS.md: raspberrypi/linux PR 6361, third-party estimate).
 */
export const PI5_INVISIBLE_MEMORY = 192 * MiB;
/** kubelet's default maxPods, which K3s keeps (FACTS.md: K3s). */
export const MAX_PODS = 110;

export interface NodeResources {
  readonly cpuMillis: number;
  readonly memoryBytes: number;
}

export interface KubeletReservations {
  readonly systemReserved: { readonly cpu: string; readonly memory: string };
  readonly kubeReserved: { readonly cpu: string; readonly memory: string };
  /**
   * Every hard-eviction signal: K3s sets only imagefs/nodefs.available, and setting any signal
   * unsets the rest, leaving memory.available empty (FACTS.md: k3s agent.go; node-pressure-eviction.md).
   */
  readonly evictionHard: Readonly<Record<'memory.available' | 'nodefs.available' | 'nodefs.inodesFree' | 'imagefs.available' | 'imagefs.inodesFree', string>>;
}

export function capacity(node: NodeSpec): NodeResources {
  return { cpuMillis: PI5_CPU_MILLIS, memoryBytes: node.memoryGiB * 1024 * MiB - PI5_INVISIBLE_MEMORY };
}

export function reservations(spec: ClusterSpecBody, node: NodeSpec): KubeletReservations {
  const role = spec.reservations[node.role];
  const eviction = spec.reservations.evictionHard;
  return {
    systemReserved: { cpu: String(role.systemReserved.cpu), memory: role.systemReserved.memory },
    kubeReserved: { cpu: String(role.kubeReserved.cpu), memory: role.kubeReserved.memory },
    evictionHard: {
      'memory.available': eviction.memoryAvailable,
      'nodefs.available': eviction.nodefsAvailable,
      'nodefs.inodesFree': eviction.nodefsInodesFree,
      'imagefs.available': eviction.imagefsAvailable,
      'imagefs.inodesFree': eviction.imagefsInodesFree,
    },
  };
}

/** The K3s `kubelet-arg` list for a node, exactly as /etc/rancher/k3s/config.yaml carries it. */
export function kubeletArgs(spec: ClusterSpecBody, node: NodeSpec): string[] {
  const r = reservations(spec, node);
  const pairs = (o: Readonly<Record<string, string>>): string => Object.entries(o).map(([k, v]) => `${k}=${v}`).join(',');
  return [
    `system-reserved=${pairs(r.systemReserved)}`,
    `kube-reserved=${pairs(r.kubeReserved)}`,
    `eviction-hard=${Object.entries(r.evictionHard).map(([k, v]) => `${k}<${v}`).join(',')}`,
    `max-pods=${MAX_PODS}`,
  ];
}

/** Allocatable = capacity − kube-reserved − system-reserved − hard eviction (memory) (FACTS.md: reserve-compute-resources.md). */
export function allocatable(spec: ClusterSpecBody, node: NodeSpec): NodeResources {
  const cap = capacity(node);
  const r = reservations(spec, node);
  return {
    cpuMillis: cap.cpuMillis - cpuMillis(r.systemReserved.cpu) - cpuMillis(r.kubeReserved.cpu),
    memoryBytes: cap.memoryBytes - memoryBytes(r.systemReserved.memory) - memoryBytes(r.kubeReserved.memory) - memoryBytes(r.evictionHard['memory.available']),
  };
}
