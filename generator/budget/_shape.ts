/**
 * Readers for objects nobody has validated yet (the budget runs on whatever kustomize built):
 * a field of the wrong type reads as absent instead of throwing.
 */
export type Plain = Record<string, unknown>;

export function obj(value: unknown): Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Plain) : {};
}

export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A map of string values (labels, nodeSelector); other entries are dropped. */
export function strings(value: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(obj(value)).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
