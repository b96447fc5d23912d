import type { Finding } from '../findings.js';
import { isExemptPath } from './files.js';
import type { RepoFs } from './fs.js';
import { scanTextFiles } from './policy/secrets.js';
import { RULES } from './policy/rules.js';
import { isYamlPath, listFiles } from './walk.js';

/**
 * Scripts, env files, Helm values and the bootstrap's YAML: text no object check sees, scanned with
 * secretlint. Files outside `inScope` (another cluster's, with --cluster) are not read.
 */
export async function scriptFindings(fs: RepoFs, inScope: (file: string) => boolean = () => true): Promise<Finding[]> {
  const paths = (await listFiles(fs)).filter((p) => inScope(p) && (/\.(sh|bash|env)$/.test(p) || (isYamlPath(p) && isExemptPath(p) && !p.split('/').some((s) => s.startsWith('.')))));
  const files: { path: string; content: string }[] = [];
  for (const path of paths) {
    const bytes = await fs.readFile(path);
    if (bytes && bytes.byteLength <= 1024 * 1024) files.push({ path, content: new TextDecoder().decode(bytes) });
  }
  const rule = RULES['credential-literal'];
  return (await scanTextFiles(files)).map((m) => ({ stage: 'policy', code: rule.code, severity: rule.severity, file: m.path, position: { line: m.line, column: m.column }, message: `${m.message} [credential-literal]`, hint: 'keep credentials out of Git: have the bootstrap generate them, or SOPS-encrypt the file' }));
}
