/**
 * The shell command of a one-shot init container that writes files into a task volume: each file's
 * text travels base64-encoded in an environment variable of its own (no quoting of the text in the
 * command, and no `${…}` that CloudFormation's linter would read as a substitution) and is decoded
 * byte for byte. The command fails (and so does the task, before the
 * containers that wait for it start) if any write fails. Pure: no AWS imports.
 */
export function writeFilesCommand(
  files: Record<string, string>,
  root: string,
  options: { readonly envPrefix?: string; readonly executable?: readonly string[] } = {},
): { command: string; environment: Record<string, string> } {
  const prefix = options.envPrefix ?? 'FILE';
  const entries = Object.entries(files);
  for (const [file] of entries) {
    if (!/^[A-Za-z0-9._/-]+$/.test(file) || file.split('/').includes('..')) throw new Error(`unsafe file name ${file}`);
  }
  const environment = Object.fromEntries(entries.map(([, text], i) => [`${prefix}_${i}`, Buffer.from(text).toString('base64')]));
  const dirs = [...new Set(entries.map(([file]) => file.split('/').slice(0, -1).join('/')).filter(Boolean))];
  const executable = options.executable ?? [];
  const command = [
    'set -eu',
    `cd '${root}'`,
    ...(dirs.length ? [`mkdir -p ${dirs.map((d) => `'${d}'`).join(' ')}`] : []),
    ...entries.map(([file], i) => `printf '%s' "$${prefix}_${i}" | base64 -d > '${file}'`),
    ...(executable.length ? [`chmod 755 ${executable.map((f) => `'${f}'`).join(' ')}`] : []),
    `echo "wrote ${entries.length} files"`,
  ].join('\n');
  return { command, environment };
}
