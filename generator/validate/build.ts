import type { Finding } from '../findings.js';
import { kustomizeBuild, ToolMissingError, type BuildResult } from '../io/kustomize.js';
import { buildCluster, normalizeFluxPath } from '../repo/flux-graph.js';
import { checkKustomizeTree } from './_kustomize-tree.js';
import { parseRepoYaml } from './_parsed.js';
import { CLUSTER_SCOPED } from './_kinds.js';
import { attachSource } from './locate.js';
import type { SourceEntry, SourceIndex } from './files.js';
import { resolvePath, type RepoFs } from './fs.js';
import type { BuiltObject } from './types.js';
import { isYamlPath, joinPath, KUSTOMIZATION_FILES } from './walk.js';

/** Builds one folder; the default runs `kubectl kustomize` in the repository root. */
export type Builder = (path: string) => Promise<BuildResult>;

export interface ClusterObjects {
  /** Cluster name (the folder under clusters/). */
  readonly cluster: string;
  readonly entry: string;
  readonly objects: BuiltObject[];
  /** Folders built without error. */
  readonly built: readonly string[];
}

export interface BuildStageResult {
  readonly findings: Finding[];
  readonly clusters: ClusterObjects[];
  /** kustomize is not installed: nothing could be built. */
  readonly toolMissing: boolean;
}

const SKIPPED = '\u0000skipped';

/**
 * Build stage: from each clusters/<name> entry, follows Flux Kustomizations and builds every path,
 * clusters in parallel. Each folder is first checked offline (remote bases, escapes, missing paths);
 * a folder with such findings is not built. Folders without a kustomization.yaml are built the way
 * Flux does: every manifest below them, with nested kustomizations built in place.
 */
export function buildStage(fs: RepoFs, root: string, entries: readonly string[], sources: SourceIndex | Promise<SourceIndex>, kustomize: Builder = (p) => kustomizeBuild(root, p)): BuildRun {
  const starts: Promise<void>[] = [];
  const result = runBuilds(fs, root, entries, sources, kustomize, (started) => starts.push(started)); // each entry registers before runBuilds first awaits
  return Object.assign(result, { started: Promise.all(starts).then(() => undefined) });
}

/**
 * The build stage running: `started` settles once the first builds are under way (each entry and the
 * Flux paths its files declare), so the caller can begin its own CPU work without delaying them.
 */
export type BuildRun = Promise<BuildStageResult> & { readonly started: Promise<void> };

async function runBuilds(fs: RepoFs, root: string, entries: readonly string[], sources: SourceIndex | Promise<SourceIndex>, kustomize: Builder, onStarted: (started: Promise<void>) => void): Promise<BuildStageResult> {
  const findings: Finding[] = [];
  let toolMissing = false;
  const clusters = await Promise.all(entries.map(async (entry): Promise<ClusterObjects> => {
    const cluster = entry.split('/')[1] ?? entry;
    const problems = new Map<string, string>();
    const readFolders = new Map<string, ReadonlySet<string>>();
    /** Folders without kustomization.yaml, built as Flux generates them. */
    const generated = new Set<string>();
    // Each folder is checked, then built, once; its findings count only if the cluster's graph reaches it.
    // `started` settles when its kustomize is running (or the folder will not be built).
    type Attempt = { readonly run: Promise<{ result: BuildResult; findings: Finding[] }>; readonly started: Promise<void> };
    const attempts = new Map<string, Attempt>();
    const start = (path: string): Attempt => {
      const known = attempts.get(path);
      if (known) return known;
      let markStarted!: () => void;
      const started = new Promise<void>((resolve) => (markStarted = resolve));
      const run = checkAndBuild(path, markStarted);
      run.catch(() => undefined); // awaited by build() when the graph reaches the folder; a guess it does not reach is dropped
      void run.finally(markStarted).catch(() => undefined);
      const attempt = { run, started };
      attempts.set(path, attempt);
      return attempt;
    };
    const checkAndBuild = async (path: string, markStarted: () => void): Promise<{ result: BuildResult; findings: Finding[] }> => {
      const check = await checkKustomizeTree(fs, path);
      if (check.rootProblem) problems.set(path, check.rootProblem);
      readFolders.set(path, check.folders);
      if (check.rootProblem || check.findings.length > 0) return { result: { path, error: SKIPPED }, findings: check.findings };
      // Flux learns the other paths from the entry's build, but they are written in the entry's own
      // files: start them while the entry builds (the entry counts as started once they are). The
      // entry's build still decides what is built; a guess it does not confirm is never read.
      const flux = !(await hasKustomization(fs, path));
      if (flux) generated.add(path);
      const building = flux ? fluxGenerated(fs, path, kustomize) : kustomize(path);
      const children = path === entry ? declaredFluxPaths(fs, check.folders).then((paths) => Promise.all(paths.map((p) => start(p).started))) : Promise.resolve([]);
      void children.then(markStarted, markStarted);
      return { result: await building, findings: check.findings };
    };
    onStarted(start(entry).started);
    const build: Builder = async (path) => {
      const { result, findings: found } = await start(path).run;
      findings.push(...found);
      return result;
    };
    let result;
    try {
      result = await buildCluster(root, entry, build);
    } catch (error) {
      if (!(error instanceof ToolMissingError)) throw error;
      toolMissing = true;
      return { cluster, entry, objects: [], built: [] };
    }
    const index = await sources;
    for (const node of result.nodes) {
      const problem = problems.get(node.path);
      if (!problem) continue;
      const declared = index.find({ kind: 'Kustomization', metadata: { name: node.name, namespace: node.namespace } }, inFolders(readFolders.get(node.declaredIn)));
      const position = declared?.locate(['spec', 'path']);
      findings.push({
        stage: 'build', code: problem === 'missing' ? 'E_BUILD_PATH_MISSING' : problem === 'symlink-escape' ? 'E_BUILD_SYMLINK_ESCAPE' : problem === 'outside' ? 'E_BUILD_OUTSIDE' : 'E_BUILD_PATH_MISSING', severity: 'error',
        file: declared?.file ?? node.declaredIn, ...(position ? { position } : {}), path: 'spec.path',
        message: `Flux Kustomization ${node.namespace}/${node.name} builds ./${node.path}, which ${problem === 'missing' ? 'does not exist' : problem === 'not-a-folder' ? 'is not a folder' : 'is outside the repository'}`,
        found: `./${node.path}`, hint: 'fix spec.path (relative to the repository root) or add the folder',
      });
    }
    const objects: BuiltObject[] = [];
    const built: string[] = [];
    const targetNamespace = new Map<string, string>();
    const taken = new Set<SourceEntry>();
    const parsed = result.builds.map((b) => ({ build: b, objects: b.objects }));
    for (const { objects: list } of parsed) {
      for (const o of list) {
        const spec = o.spec as { path?: string; targetNamespace?: string } | undefined;
        if (o.kind === 'Kustomization' && String(o.apiVersion).startsWith('kustomize.toolkit.fluxcd.io/') && spec?.targetNamespace) targetNamespace.set(normalizeFluxPath(spec.path), spec.targetNamespace);
      }
    }
    for (const { build: b, objects: list } of parsed) {
      if (b.error !== undefined) {
        if (b.error !== SKIPPED) findings.push(buildError(b, root, generated.has(b.path)));
        continue;
      }
      built.push(b.path);
      const ns = targetNamespace.get(b.path);
      const scope = inFolders(readFolders.get(b.path));
      for (const raw of list) {
        const object = ns && !CLUSTER_SCOPED.has(String(raw.kind)) ? { ...raw, metadata: { ...(raw.metadata as object), namespace: ns } } : raw;
        const entry = index.find(object, scope, taken) ?? index.find(raw, scope, taken);
        if (entry) taken.add(entry);
        const built: BuiltObject = { object, fluxPath: b.path, ...(entry ? { source: { file: entry.file, position: entry.position } } : {}) };
        attachSource(built, entry);
        objects.push(built);
      }
    }
    return { cluster, entry, objects, built };
  }));
  if (toolMissing) findings.push({ stage: 'build', code: 'E_BUILD_TOOL_MISSING', severity: 'error', message: 'kubectl (with kustomize v5) is not on PATH; nothing was built', hint: 'install kubectl, or run with --no-build to check files only' });
  return { findings, clusters, toolMissing };
}

const FLUX_KUSTOMIZE_API = 'kustomize.toolkit.fluxcd.io/';

/** The paths of the Flux Kustomizations written in the manifests of these folders (normalized, deduplicated). */
async function declaredFluxPaths(fs: RepoFs, folders: ReadonlySet<string>): Promise<string[]> {
  const paths = new Set<string>();
  for (const folder of [...folders].sort()) {
    for (const entry of (await fs.list(folder)) ?? []) {
      const file = joinPath(folder, entry.name);
      if (entry.type !== 'file' || !isYamlPath(entry.name) || KUSTOMIZATION_FILES.includes(entry.name)) continue;
      const bytes = await fs.readFile(file);
      if (!bytes || !Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(FLUX_KUSTOMIZE_API)) continue; // a guess: read only files that name the API
      for (const value of parseRepoYaml(fs, file, bytes).values) {
        const doc = value as { apiVersion?: unknown; kind?: unknown; spec?: { path?: unknown } } | null;
        if (doc?.kind === 'Kustomization' && String(doc.apiVersion).startsWith(FLUX_KUSTOMIZE_API) && typeof doc.spec?.path === 'string') paths.add(normalizeFluxPath(doc.spec.path));
      }
    }
  }
  return [...paths];
}

/** Files directly in one of the folders a build read (a Flux-generated build reads its whole subtree). */
function inFolders(folders: ReadonlySet<string> | undefined): ((file: string) => boolean) | undefined {
  if (!folders) return undefined;
  return (file) => { const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : ''; return folders.has(dir); };
}

async function hasKustomization(fs: RepoFs, path: string): Promise<boolean> {
  const entries = (await fs.list((await resolvePath(fs, path)).path)) ?? [];
  return entries.some((e) => KUSTOMIZATION_FILES.includes(e.name));
}

/** What Flux's kustomize-controller builds for a folder without kustomization.yaml: every manifest below it. */
async function fluxGenerated(fs: RepoFs, path: string, kustomize: Builder): Promise<BuildResult> {
  const parts: string[] = [];
  const visit = async (dir: string): Promise<string | undefined> => {
    for (const entry of (await fs.list(dir)) ?? []) {
      const child = joinPath(dir, entry.name);
      const resolved = entry.type === 'symlink' ? await resolvePath(fs, child) : { kind: entry.type, path: child };
      if (resolved.kind === 'dir') {
        if (await hasKustomization(fs, resolved.path)) {
          const sub = await kustomize(resolved.path);
          if (sub.error !== undefined) return sub.error;
          parts.push(sub.yaml ?? '');
        } else {
          const error = await visit(resolved.path);
          if (error) return error;
        }
      } else if (resolved.kind === 'file' && isYamlPath(entry.name)) {
        parts.push(new TextDecoder().decode(await fs.readFile(resolved.path)));
      }
    }
    return undefined;
  };
  const error = await visit((await resolvePath(fs, path)).path);
  if (error !== undefined) return { path, error };
  return { path, yaml: parts.map((p) => (p.startsWith('---') ? p : `---\n${p}`)).join('\n') };
}

function buildError(b: BuildResult, root: string, generated: boolean): Finding {
  const message = (b.error ?? '').split(`${root.replace(/\/+$/, '')}/`).join('').replace(/^error:\s*/i, '');
  return {
    stage: 'build', code: 'E_BUILD', severity: 'error', ...(generated ? { file: b.path || '.' } : { file: joinPath(b.path, 'kustomization.yaml'), position: { line: 1, column: 1 } }),
    message: `kustomize build of ./${b.path} failed: ${message.split('\n').slice(0, 6).join(' ')}`,
    hint: `reproduce with \`kubectl kustomize ${b.path}\``,
  };
}
