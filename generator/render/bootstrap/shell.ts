/**
 * The one quoting helper for every spec value that lands in a rendered shell script. The schema
 * already restricts names, addresses and paths; quoting is the second wall, so that a value the
 * schema ever lets through (or a value from another renderer) is one literal shell word and cannot
 * run a command.
 */

/** A POSIX single-quoted word: `it's` → `'it'\''s'`. NUL cannot be carried by any shell word. */
export function shq(value: string): string {
  if (value.includes('\0')) throw new Error('a NUL byte cannot be passed through a shell word');
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** `readonly NAME=<quoted value>`. */
export function shReadonly(name: string, value: string): string {
  if (!/^[A-Z_][A-Z0-9_]*$/.test(name)) throw new Error(`not a shell variable name: ${name}`);
  return `readonly ${name}=${shq(value)}`;
}

/** A one-line shell comment: line breaks become spaces so text can never leave the comment. */
export function shComment(text: string): string {
  return `# ${text.replace(/[\r\n]+/g, ' ')}`;
}
