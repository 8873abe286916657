import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/fixtures.js';

// `meetctl --help` in a fresh process, and every module it loaded: the command definitions only, never
// a command's handler module, the CDK, the AWS SDK or zod (those load when a command runs).
const tsx = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const probe = `
const { run } = require(${JSON.stringify(path.join(ROOT, 'src', 'cli', 'run.ts'))});
const quiet = { write: () => true };
run(['--help'], { stdout: quiet, stderr: quiet, env: {} }).then((code) => {
  process.stdout.write(JSON.stringify({ code, loaded: Object.keys(require.cache) }));
});`;

describe('meetctl --help', () => {
  it('loads no command handler and none of the CDK, the SDK or zod', () => {
    const child = spawnSync(process.execPath, [tsx, '-e', probe], { cwd: ROOT, encoding: 'utf8' });
    expect(child.stderr).toBe('');
    const { code, loaded } = JSON.parse(child.stdout) as { code: number; loaded: string[] };
    expect(code).toBe(0);
    const ours = loaded.filter((file) => file.startsWith(path.join(ROOT, 'src')));
    expect(ours.filter((file) => file.includes('/commands/definitions/')).length).toBeGreaterThan(20);
    expect(ours.filter((file) => /\/src\/cli\/commands\/[^/]+$/.test(file))).toEqual([]);
    expect(ours.filter((file) => /\/src\/(plan|aws|infra|sim|control\/(?!outputs\.ts))/.test(file))).toEqual([]);
    expect(loaded.filter((file) => /node_modules\/(aws-cdk-lib|@aws-sdk|constructs|zod)\//.test(file))).toEqual([]);
  }, 60_000);
});
