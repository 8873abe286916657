import { type ChildProcess, spawn } from 'node:child_process';
import { ACCOUNT, REGION } from './iam.js';
import { externalTool, TOOLS } from './tools.js';

/**
 * moto's standalone server (Python package `moto`, written by others, not by this project): the AWS
 * APIs our adapters and the real `meetctl` process are checked against. Started on 127.0.0.1 on a
 * port the OS picks, stopped by the test file that started it (also when a test fails, and when the
 * test process exits).
 */
export interface MotoServer {
  /** `http://127.0.0.1:PORT` */
  readonly endpoint: string;
  /**
   * The environment a client (an SDK client in this process, or a child `meetctl` process) needs:
   * the SDK's standard `AWS_ENDPOINT_URL`, dummy static credentials that only tests set, the region,
   * and no profile, so nothing reaches a real account.
   */
  readonly env: Readonly<Record<string, string>>;
  /** Forget every resource (moto's `/moto-api/reset`). */
  reset(): Promise<void>;
  /**
   * From now on, moto enforces IAM on every request after the next `unauthenticated` ones (moto's
   * `INITIAL_NO_AUTH_ACTION_COUNT`, set through `/moto-api/reset-auth`). `Infinity` turns enforcement off.
   */
  enforceIam(unauthenticated: number): Promise<void>;
  stop(): Promise<void>;
}

/** Dummy credentials: moto accepts any key while IAM is not enforced. */
export const MOTO_CREDENTIALS = { accessKeyId: 'AKIAMOTOTESTONLY0000', secretAccessKey: 'moto-test-only-not-a-secret' } as const;

/** Environment variables that would send a client elsewhere than moto, removed from every child's env. */
const LEAKING = ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE'];

/** Whether moto_server is installed (prints the skip line, or throws under CI, when it is not). */
export function motoAvailable(suite: string): boolean {
  return externalTool(TOOLS.moto, suite) !== undefined;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Start a moto server. Its account is the one the IAM tests resolve the template's ARNs with
 * (`test/support/iam.ts`), so a synthesized policy names moto's resources exactly.
 */
export async function startMoto(options: { region?: string; account?: string } = {}): Promise<MotoServer> {
  const region = options.region ?? REGION;
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MOTO_ACCOUNT_ID: options.account ?? ACCOUNT, MOTO_ALLOW_NONEXISTENT_REGION: 'false' },
  });
  running.add(child);
  const endpoint = await new Promise<string>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`moto_server did not start within 30 s: ${seen}`)), 30_000);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(seen);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`moto_server exited with ${code}: ${seen}`));
    });
  });
  // Keep draining its request log so the pipe never fills.
  child.stdout?.resume();
  child.stderr?.resume();
  const env: Record<string, string> = {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const post = async (route: string, body?: string) => {
    const response = await fetch(`${endpoint}/moto-api/${route}`, { method: 'POST', ...(body === undefined ? {} : { body }) });
    if (!response.ok) throw new Error(`moto ${route} answered ${response.status}`);
  };
  return {
    endpoint,
    env,
    reset: () => post('reset'),
    enforceIam: (unauthenticated) => post('reset-auth', Number.isFinite(unauthenticated) ? String(unauthenticated) : 'inf'),
    stop: () =>
      new Promise<void>((resolve) => {
        running.delete(child);
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3_000).unref();
      }),
  };
}

/** `process.env` for a child process that talks to moto only. */
export function motoChildEnv(moto: MotoServer, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...moto.env, ...extra };
  for (const name of LEAKING) delete env[name];
  return env;
}

/** Point this process's SDK clients at moto (vitest runs each test file in its own process). */
export function useMotoInThisProcess(moto: MotoServer): void {
  for (const name of LEAKING) delete process.env[name];
  Object.assign(process.env, moto.env);
}
