import type { LoadedSpec } from '../spec/types.js';
import { budgetCheck } from '../budget/index.js';
import { createSchemaCheck } from './schemas/index.js';
export { preloadSchemaValidators } from './schemas/index.js';
import type { ObjectCheck } from './types.js';

/** What a cluster-aware check may know besides the objects (the budget needs the nodes). */
export interface ClusterContext {
  readonly cluster: string;
  /** Absent for repositories pi-gitops did not generate, or when the spec did not load. */
  readonly spec?: LoadedSpec;
}

/**
 * A stage check: a plain ObjectCheck, or one made per cluster from its context. `forCluster` may
 * answer undefined when the check cannot apply (e.g. the budget without a spec): the run then says
 * so in an info finding for that cluster.
 */
export type StageCheck = ObjectCheck | { readonly forCluster: (context: ClusterContext) => ObjectCheck | undefined };

export interface ObjectChecks {
  readonly schemas?: StageCheck;
  readonly budget?: StageCheck;
}

/** The schemas and budget stages. A stage left out runs as "not wired" and says so in an info finding; it never passes silently. */
export const wiredObjectChecks: ObjectChecks = {
  schemas: { forCluster: (c) => createSchemaCheck(c.spec ? { kubernetesVersion: c.spec.cluster.spec.k3s.version } : {}) },
  budget: { forCluster: (c) => (c.spec ? budgetCheck(c.spec) : undefined) },
};

export function resolveCheck(check: StageCheck, context: ClusterContext): ObjectCheck | undefined {
  return typeof check === 'function' ? check : check.forCluster(context);
}
