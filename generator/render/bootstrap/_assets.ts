import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../package-root.js';

/**
 * The hand-written bodies of the rendered scripts, kept as .sh files so they read (and lint) as
 * shell. Read once at import, like the schema: constant bytes, no environment, so rendering stays pure.
 */
function asset(name: string): string {
  return readFileSync(join(packageRoot, 'generator/render/bootstrap/scripts', name), 'utf8');
}

export const COMMON_SH = asset('common.sh');
export const NODE_CHECKS_SH = asset('node-checks.sh');
export const NODE_SH = asset('node.sh');
export const FLUX_SH = asset('flux.sh');
