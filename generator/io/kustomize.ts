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
 * Builds a folder with the real kustomize (`kubectl kustomize`, v5.x, the same major as Flux's
 * kustomize-controller), offline: no remote bases are fetched because none are allowed.
 */
export function kustomizeBuild(root: string, path: string, kubectl = process.env.PI_GITOPS_KUBECTL ?? 'kubectl'): Promise<BuildResult> {
  return new Promise((resolve, reject) => {
    execFile(kubectl, ['kustomize', join(root, path)], { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, KUSTOMIZE_PLUGIN_HOME: '/nonexistent' } }, (error, stdout, stderr) => {
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
