import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLE_FILE, ROOT } from '../support/fixtures.js';

// The real binary in a child process: what a person sees in a terminal, a pipe or another folder.
const bin = path.join(ROOT, 'bin', 'meetctl.ts');
const tsx = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const away = mkdtempSync(path.join(tmpdir(), 'meetctl-elsewhere-'));
copyFileSync(EXAMPLE_FILE, path.join(away, 'good.json'));
const env = { ...process.env, MEETCTL_SIMULATE: '1', MEETCTL_SIMULATE_DIR: path.join(away, 'sim'), NO_COLOR: '1' };
afterAll(() => rmSync(away, { recursive: true, force: true }));

describe('meetctl as a process', () => {
  it('plans outside the repository (paths come from the package, not the working directory)', () => {
    const { MEETCTL_SIMULATE: _ignored, ...plain } = env;
    const result = spawnSync(process.execPath, [tsx, bin, '-c', 'good.json', 'plan', '--json'], {
      cwd: away,
      env: plain,
      encoding: 'utf8',
    });
    expect(result.stderr).not.toContain('lock file');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toHaveProperty('endpoints');
  }, 60_000);

  it('deploy under MEETCTL_SIMULATE=1 is simulated: no STS, no cdk, the simulated account', () => {
    // Credentials that would be used if anything reached for real AWS.
    const withKeys = {
      ...env,
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEEXAMPLE00',
      AWS_SECRET_ACCESS_KEY: 'x',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    const result = spawnSync(process.execPath, [tsx, bin, '-c', 'good.json', 'deploy', '--yes', '--json'], {
      cwd: away,
      env: withKeys,
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ account: '111122223333', deployed: true });
  }, 60_000);

  it('a simulated start records its times in the simulation, never next to the config where a real plan reads them', () => {
    const run = (args: string[], withEnv: NodeJS.ProcessEnv) =>
      spawnSync(process.execPath, [tsx, bin, '-c', 'good.json', ...args], { cwd: away, env: withEnv, encoding: 'utf8' });
    const started = run(['start', '--record-timings'], env);
    expect(started.status, started.stderr).toBe(0);
    expect(existsSync(path.join(env.MEETCTL_SIMULATE_DIR, 'meetctl.start-timings.json'))).toBe(true);
    expect(existsSync(path.join(away, 'meetctl.start-timings.json'))).toBe(false);
    // The real plan shows the model; the simulated one the simulated start.
    const { MEETCTL_SIMULATE: _ignored, ...plain } = env;
    const modes = (args: NodeJS.ProcessEnv) =>
      (
        JSON.parse(run(['plan', '--json'], args).stdout) as {
          modes: Array<{ configured: boolean; start: { measured: unknown } }>;
        }
      ).modes;
    expect(modes(plain).find((m) => m.configured)?.start.measured).toBe(false);
    expect(modes(env).find((m) => m.configured)?.start.measured).toMatchObject({ starts: 1 });
  }, 60_000);

  it('a MEETCTL_SIMULATE_DIR where nothing can be saved: exit 2 naming it before the start, no stack trace', () => {
    // Was: the start ran, then saving the world threw from main() with a stack trace and exit 1.
    const result = spawnSync(process.execPath, [tsx, bin, '-c', 'good.json', 'start'], {
      cwd: away,
      env: { ...env, MEETCTL_SIMULATE_DIR: path.join(away, 'good.json') },
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      `error: MEETCTL_SIMULATE_DIR: the simulated AWS cannot be kept in ${path.join(away, 'good.json')} (EEXIST); nothing was run.\n` +
        'hint: Point MEETCTL_SIMULATE_DIR at a folder you can write to (it is created if missing), or unset it to use the temp folder.\n',
    );
    expect(result.stdout).toBe('');
  }, 60_000);

  it('an empty MEETCTL_SIMULATE_DIR is unset: the world goes to the temp folder, not the working folder', () => {
    const result = spawnSync(process.execPath, [tsx, bin, '-c', 'good.json', 'status', '--json'], {
      cwd: away,
      // The temp folder of this test, not the machine's.
      env: { ...env, MEETCTL_SIMULATE_DIR: '', TMPDIR: path.join(away, 'tmp') },
      encoding: 'utf8',
    });
    expect(result.status, result.stderr).toBe(0);
    expect(readdirSync(away).filter((name) => name.startsWith('Meet-'))).toEqual([]);
    expect(readdirSync(path.join(away, 'tmp', 'meetctl-simulation'))).toEqual(['Meet-meet-example-org.json']);
  }, 60_000);

  it('ends quietly when the reader of its output goes away (EPIPE)', async () => {
    // --watch writes again a second later, after the reader is gone, like `meetctl status --watch | head -2`.
    const child = spawn(process.execPath, [tsx, bin, '-c', 'good.json', 'status', '--watch', '--interval', '1'], {
      cwd: away,
      env,
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(stderr).not.toMatch(/EPIPE|at .*\(/);
    expect(code).toBe(0);
  }, 60_000);

  it('status --watch waits in real time and stops on the first Ctrl-C, with exit code 130', async () => {
    const child = spawn(process.execPath, [tsx, bin, '-c', 'good.json', 'status', '--watch', '--interval', '1'], {
      cwd: away,
      env,
    });
    let stdout = '';
    child.stdout.on('data', (d) => {
      stdout += String(d);
    });
    await new Promise((resolve) => setTimeout(resolve, 4000));
    child.kill('SIGINT');
    const code = await new Promise((resolve) => child.on('exit', resolve));
    // About one refresh a second, not millions: the loop waits in real time.
    const refreshes = stdout.split('\n').filter((l) => l.startsWith('--- ')).length;
    expect(refreshes).toBeGreaterThanOrEqual(1);
    expect(refreshes).toBeLessThan(10);
    expect(code).toBe(130);
  }, 60_000);
});
