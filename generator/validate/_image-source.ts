import { getProperty } from './_get.js';
import { parseRepoYaml } from './_parsed.js';
import type { SourcePosition } from '../spec/types.js';
import type { RepoFs } from './fs.js';
import { parseImage } from './policy/images.js';
import type { Violation } from './policy/rules.js';
import { dirOf, isKustomizationFile, listFiles } from './walk.js';

interface ImagesEntry { readonly dir: string; readonly file: string; readonly result: string; readonly position: () => SourcePosition | undefined }

/**
 * Overlays set image tags with kustomize `images:` (newName/newTag/digest). A finding about a built
 * image then points at that entry, the line to change, rather than at the base's `image:` line.
 */
export async function imageLocator(fs: RepoFs): Promise<(violation: Violation) => Violation['location']> {
  const entries: ImagesEntry[] = [];
  for (const file of (await listFiles(fs)).filter(isKustomizationFile)) {
    const bytes = await fs.readFile(file);
    if (!bytes) continue;
    const parsed = parseRepoYaml(fs, file, bytes);
    const images = (parsed.values[0] as { images?: unknown } | undefined)?.images;
    if (parsed.failed(0) || !Array.isArray(images)) continue;
    images.forEach((img: { name?: string; newName?: string; newTag?: string | number; digest?: string }, i) => {
      if (!img || typeof img.name !== 'string') return;
      const name = img.newName ?? img.name;
      const result = img.digest ? `${name}@${img.digest}` : img.newTag !== undefined ? `${name}:${String(img.newTag)}` : name;
      const field = img.digest ? 'digest' : img.newTag !== undefined ? 'newTag' : 'name';
      entries.push({ dir: dirOf(file), file, result, position: () => parsed.locate(0, ['images', i, field]) });
    });
  }
  return (violation) => {
    if (violation.rule !== 'image-tag' && violation.rule !== 'image-arm64' && violation.rule !== 'page-size-16k') return undefined;
    const image = getProperty(violation.object.object, violation.path);
    if (typeof image !== 'string') return undefined;
    const wanted = parseImage(image);
    const fluxPath = violation.object.fluxPath;
    const match = entries
      .filter((e) => (e.dir === fluxPath || e.dir.startsWith(`${fluxPath}/`) || fluxPath.startsWith(`${e.dir}/`)) && sameImage(parseImage(e.result), wanted))
      .sort((a, b) => b.dir.length - a.dir.length)[0];
    const position = match?.position();
    return match ? { file: match.file, ...(position ? { position } : {}) } : undefined;
  };
}

function sameImage(a: ReturnType<typeof parseImage>, b: ReturnType<typeof parseImage>): boolean {
  return a.registry === b.registry && a.repository === b.repository && a.tag === b.tag && a.digest === b.digest;
}
