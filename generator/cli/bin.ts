import { main } from './main.js';

// The one place that reads the process and exits.
// no-color.org: NO_COLOR set to a non-empty value turns colour off.
const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
// No top-level await: the bundle of this file is CommonJS (scripts/build-dist.mjs).
void main(process.argv.slice(2), { cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr, env: process.env, color }).then((code) => {
  process.exitCode = code;
});
