import { execFile } from 'node:child_process';
import { join } from 'node:path';

export interface BuildResult {
  /** Repository-relative folder that was built. */
  readonly path: string;
  /** The built multi-document YAML, when the build succeeded. */
  readonly yaml?: string;
  /** kustomize's error output, when it failed. */
  readonly error?: string;
}

export class ToolMissingError extends Error {
  constructor(readonly tool: string, hint: string) {
    super(`${tool} is required and was not found on PATH: ${hint}`);
  }
}

/**
 * Go's collector, tuned for a short build: at the default GOGC=100 a heap of a few MB is collected
 * over and over, a third of the CPU of building apps/pi5-lab. At 400 that build takes 0.20 s of CPU
 * instead of 0.29 s and peaks at 98 MB instead of 89 MB (median of 7, kubectl v1.32 on 2 vCPUs).
 * A GOGC the user set wins.
 */
export const BUILD_GOGC = '400';

/**
 * Builds a folder with the real kustomize (`kubectl kustomize`, v5.x, the same major as Flux's
 * kustomize-controller), offline: no remote bases are fetched because none are allowed.
 */
export function kustomizeBuild(root: string, path: string, kubectl = process.env.PI_GITOPS_KUBECTL ?? 'kubectl'): Promise<BuildResult> {
  return new Promise((resolve, reject) => {
    execFile(kubectl, ['kustomize', join(root, path)], { maxBuffer: 64 * 1024 * 1024, env: { GOGC: BUILD_GOGC, ...process.env, KUSTOMIZE_PLUGIN_HOME: '/nonexistent' } }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new ToolMissingError('kubectl', 'install kubectl (it bundles kustomize v5), e.g. apt-get install kubernetes-client'));
        return;
      }
      if (error) resolve({ path, error: (stderr || error.message).trim() });
      else resolve({ path, yaml: stdout });
    });
  });
}

/** Runs builds with bounded parallelism, results in input order. */
export async function kustomizeBuildAll(root: string, paths: readonly string[], parallel = 4): Promise<BuildResult[]> {
  const results: BuildResult[] = new Array(paths.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < paths.length) {
      const index = next++;
      results[index] = await kustomizeBuild(root, paths[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, paths.length) }, worker));
  return results;
}
