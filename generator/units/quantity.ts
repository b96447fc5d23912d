/**
 * Kubernetes resource quantities (the subset people write for CPU and memory):
 * CPU in millicores, memory in bytes. Integers throughout so sums are exact and deterministic.
 */

const binary: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const decimal: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

const quantityPattern = /^([+-]?[0-9]+(?:\.[0-9]*)?|[+-]?\.[0-9]+)(m|Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;

export class QuantityError extends Error {}

/** Parses a quantity into its value in base units (may be fractional). Returns undefined when it is not a quantity. */
export function parseQuantity(input: string | number): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) ? input : undefined;
  const match = quantityPattern.exec(input.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  const suffix = match[2] ?? '';
  if (suffix === '') return value;
  if (suffix === 'm') return value / 1000;
  if (suffix in binary) return value * binary[suffix]!;
  if (suffix in decimal) return value * decimal[suffix]!;
  return value * 10 ** Number(suffix.slice(1));
}

/** CPU quantity → whole millicores (rounded up, as the API server does for sub-milli values). */
export function cpuMillis(input: string | number): number {
  const value = parseQuantity(input);
  if (value === undefined || value < 0) throw new QuantityError(`not a CPU quantity: ${String(input)}`);
  return Math.ceil(Math.round(value * 1e6) / 1e3);
}

/** Memory quantity → whole bytes (rounded up). */
export function memoryBytes(input: string | number): number {
  const value = parseQuantity(input);
  if (value === undefined || value < 0) throw new QuantityError(`not a memory quantity: ${String(input)}`);
  return Math.ceil(value);
}

export const MiB = 2 ** 20;
export const GiB = 2 ** 30;

/** Formats millicores as people read them: 1500 → "1.5", 250 → "250m". */
export function formatCpu(millis: number): string {
  if (millis % 1000 === 0) return String(millis / 1000);
  return `${millis}m`;
}

/** Formats bytes in binary units, to one decimal: 1610612736 → "1.5Gi". */
export function formatMemory(bytes: number): string {
  const sign = bytes < 0 ? '-' : '';
  const abs = Math.abs(bytes);
  if (abs >= GiB) return `${sign}${trim(abs / GiB)}Gi`;
  if (abs >= MiB) return `${sign}${trim(abs / MiB)}Mi`;
  if (abs >= 1024) return `${sign}${trim(abs / 1024)}Ki`;
  return `${sign}${abs}`;
}

/** Formats bytes as a kubelet argument value in whole Mi: 268435456 → "256Mi". */
export function formatMemoryMi(bytes: number): string {
  return `${Math.ceil(bytes / MiB)}Mi`;
}

function trim(n: number): string {
  return (Math.round(n * 10) / 10).toString();
}
