import type { LoadedSpec } from '../spec/types.js';
import type { ObjectCheck } from './types.js';

/** What a cluster-aware check may know besides the objects (the budget needs the nodes). */
export interface ClusterContext {
  readonly cluster: string;
  /** Absent for repositories pi-gitops did not generate, or when the spec did not load. */
  readonly spec?: LoadedSpec;
}

/** A stage check: a plain ObjectCheck, or one made per cluster from its context. */
export type StageCheck = ObjectCheck | { readonly forCluster: (context: ClusterContext) => ObjectCheck };

export interface ObjectChecks {
  readonly schemas?: StageCheck;
  readonly budget?: StageCheck;
}

/**
 * The schemas and budget stages, built elsewhere and wired here at merge, e.g.
 *   import { checkSchemas } from './schemas/index.js';
 *   export const wiredObjectChecks: ObjectChecks = { schemas: checkSchemas, budget: { forCluster: (c) => (objects) => checkBudget(objects, c) } };
 * A stage left out here runs as "not wired" and says so with an info finding; it never passes silently.
 */
export const wiredObjectChecks: ObjectChecks = {};

export function resolveCheck(check: StageCheck, context: ClusterContext): ObjectCheck {
  return typeof check === 'function' ? check : check.forCluster(context);
}
