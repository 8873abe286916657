import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { EXAMPLE_CONFIG_FILE } from '../config/load.js';
import { systemClock } from '../control/ports.js';
import { ExitCode } from '../errors.js';
import type { CdkRunner, Deps } from './deps.js';
import { run } from './run.js';

/** Root of the installed package, found by the example config it ships (works from source and from dist/). */
export function packageRoot(start = __dirname): string {
  let dir = start;
  while (!existsSync(path.join(dir, EXAMPLE_CONFIG_FILE))) {
    const parent = path.dirname(dir);
    if (parent === dir) return start;
    dir = parent;
  }
  return dir;
}

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

/** Real dependencies for the process. */
export function processDeps(): Deps {
  const root = packageRoot();
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    isTTY: Boolean(process.stdout.isTTY),
    env: process.env,
    cwd: process.cwd(),
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
      const { sdkClients, sdkControlPorts } =
        require('../aws/control-adapters.js') as typeof import('../aws/control-adapters.js');
      return sdkControlPorts(sdkClients(target), stackName);
    },
    clock: systemClock,
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
  process.on('SIGINT', () => {
    // First Ctrl-C ends --watch / --follow cleanly; a second one stops at once.
    if (interrupted) process.exit(ExitCode.interrupted);
    interrupted = true;
    process.exitCode = ExitCode.interrupted;
  });
  return run(argv, processDeps());
}
