import { spawnSync } from 'node:child_process';

/**
 * True when `tool` is on PATH. Missing locally: the caller skips with a visible reason. Missing under
 * CI=true: throws, naming the tool, so CI never passes without running the real check.
 */
export function haveTool(tool: string): boolean {
  const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).status === 0;
  if (!found && process.env.CI === 'true') throw new Error(`${tool} is required under CI=true but was not found on PATH (install the Debian package ${tool === 'ansible-playbook' ? 'ansible-core' : tool})`);
  return found;
}
