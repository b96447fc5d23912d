/**
 * Safe reads of objects whose shape nobody has checked yet (the schemas stage runs beside, not
 * before, the others): anything of the wrong type reads as empty, so checks never throw.
 */
export type Obj = Record<string, unknown>;

export function obj(value: unknown): Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : {};
}

/** Items of an array, each as an object (non-objects read as {}), so indices still match the source. */
export function list(value: unknown): Obj[] {
  return Array.isArray(value) ? value.map(obj) : [];
}

export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
