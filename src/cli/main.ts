import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { EXAMPLE_CONFIG_FILE } from '../config/files.js';
import { systemClock } from '../control/ports.js';
import { ExitCode } from '../errors.js';
import { packageRoot } from '../package-root.js';
import type { CdkRunner, Deps } from './deps.js';
import { run } from './run.js';

/** Run the pinned `cdk` CLI of this package with inherited terminal I/O. */
export const runPinnedCdk: CdkRunner = (args, options) =>
  new Promise((resolve, reject) => {
    const cdk = require.resolve('aws-cdk/bin/cdk');
    const child = spawn(process.execPath, [cdk, ...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: 'inherit',
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(signal ? ExitCode.interrupted : (code ?? ExitCode.unexpected)));
  });

let interrupted = false;

function who(): string {
  try {
    return `cli:${userInfo().username}@${hostname()}`;
  } catch {
    return `cli:unknown@${hostname()}`;
  }
}

/**
 * MEETCTL_SIMULATE=1 runs the operations commands against an in-memory simulated AWS (demos and
 * `npm run bench`); nothing is sent anywhere. Loaded only when asked for.
 */
function simulatedAws() {
  if (process.env.MEETCTL_SIMULATE !== '1') return undefined;
  const { SimAws, VirtualClock } = require('../sim/simulated-aws.js') as typeof import('../sim/simulated-aws.js');
  return new SimAws(new VirtualClock(Date.now()), { desired: 1, participants: 3 });
}

/** Real dependencies for the process. */
export function processDeps(): Deps {
  const root = packageRoot();
  const simulated = simulatedAws();
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    isTTY: Boolean(process.stdout.isTTY),
    env: process.env,
    cwd: process.cwd(),
    packageRoot: root,
    readFile: (file) => readFileSync(file, 'utf8'),
    fileExists: (file) => existsSync(file),
    aws: (target) => {
      // Loaded on demand: only commands that talk to AWS pay for it.
      const { sdkPorts } = require('../aws/sdk-adapters.js') as typeof import('../aws/sdk-adapters.js');
      return sdkPorts(target);
    },
    runCdk: runPinnedCdk,
    exampleConfigPath: path.join(root, EXAMPLE_CONFIG_FILE),
    cdkAppCommand: `node "${path.join(root, 'dist', 'bin', 'app.js')}"`,
    controlPorts: ({ stackName, ...target }) => {
      if (simulated) return simulated.ports;
      const { sdkClients, sdkControlPorts } =
        require('../aws/control-adapters.js') as typeof import('../aws/control-adapters.js');
      return sdkControlPorts(sdkClients(target), stackName);
    },
    clock: simulated?.clock ?? systemClock,
    actor: who(),
    ...(process.stdin.isTTY
      ? {
          prompt: async (question: string) => {
            const rl = createInterface({ input: process.stdin, output: process.stderr });
            try {
              return await rl.question(question);
            } finally {
              rl.close();
            }
          },
        }
      : {}),
    interrupted: () => interrupted,
  };
}

export async function main(argv: readonly string[]): Promise<number> {
  // The SDK warns on every command that Node 20 support ends in 2027; the README says so once.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.on('SIGINT', () => {
    // First Ctrl-C ends --watch / --follow cleanly; a second one stops at once.
    if (interrupted) process.exit(ExitCode.interrupted);
    interrupted = true;
    process.exitCode = ExitCode.interrupted;
  });
  return run(argv, processDeps());
}
