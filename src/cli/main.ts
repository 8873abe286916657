import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { EXAMPLE_CONFIG_FILE } from '../config/files.js';
import { systemClock } from '../control/ports.js';
import { ExitCode } from '../errors.js';
import { packageRoot } from '../package-root.js';
import type { CdkRunner, Deps } from './deps.js';
import { readTextFile, writeProblem } from './file-access.js';
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
/** Wakes the pause of an interactive loop at once when Ctrl-C is pressed. */
const wakers = new Set<() => void>();

function who(): string {
  try {
    return `cli:${userInfo().username}@${hostname()}`;
  } catch {
    return `cli:unknown@${hostname()}`;
  }
}

/**
 * MEETCTL_SIMULATE=1 runs the commands against a simulated AWS kept in a state file per stack
 * (see src/sim/simulation.ts); nothing is sent anywhere, deploy included. Loaded only when asked for.
 */
function simulation() {
  if (process.env.MEETCTL_SIMULATE !== '1') return undefined;
  const { Simulation } = require('../sim/simulation.js') as typeof import('../sim/simulation.js');
  // Empty is unset: an empty folder name would keep the worlds in the working folder.
  return new Simulation(process.env.MEETCTL_SIMULATE_DIR || undefined);
}

/** Wait in real time, waking at once on Ctrl-C. */
function realPause(ms: number): Promise<void> {
  if (interrupted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      wakers.delete(done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    wakers.add(done);
  });
}

/** Real dependencies for the process. */
export function processDeps(): Deps {
  const root = packageRoot();
  const simulated = simulation();
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    isTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    env: process.env,
    cwd: process.cwd(),
    packageRoot: root,
    readFile: readTextFile,
    fileExists: (file) => existsSync(file),
    writeFile: (file, text) => writeFileSync(file, text),
    writeProblem,
    aws: (target) => {
      if (simulated) return simulated.awsPorts(target.domain, target.ingress);
      // Loaded on demand: only commands that talk to AWS pay for it.
      const { sdkPorts } = require('../aws/sdk-adapters.js') as typeof import('../aws/sdk-adapters.js');
      return sdkPorts(target);
    },
    runCdk: simulated ? simulated.cdkRunner() : runPinnedCdk,
    exampleConfigPath: path.join(root, EXAMPLE_CONFIG_FILE),
    cdkAppCommand: `node "${path.join(root, 'dist', 'bin', 'app.js')}"`,
    controlPorts: ({ stackName, domain, ingress, recorder, ...target }) => {
      if (simulated) return simulated.controlPorts(stackName, domain ?? 'meet.example.org', ingress, recorder);
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
    checkProfile: async (profile) => {
      const { checkProfileExists } = require('../aws/profiles.js') as typeof import('../aws/profiles.js');
      await checkProfileExists(profile);
    },
    pause: async (ms) => {
      const begin = Date.now();
      await realPause(ms);
      await simulated?.clock.sleep(Date.now() - begin);
    },
    ...(simulated ? { simulation: simulated } : {}),
  };
}

export async function main(argv: readonly string[]): Promise<number> {
  // The SDK warns on every command that Node 20 support ends in 2027; the README says so once.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // A closed pipe (`meetctl status | head -2`) ends the command quietly.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? ExitCode.ok);
      throw error;
    });
  }
  process.on('SIGINT', () => {
    // First Ctrl-C ends --watch / --follow and cancels a start cleanly; a second one stops at once.
    if (interrupted) process.exit(ExitCode.interrupted);
    interrupted = true;
    process.exitCode = ExitCode.interrupted;
    for (const wake of [...wakers]) wake();
  });
  const deps = processDeps();
  try {
    return await run(argv, deps);
  } finally {
    deps.simulation?.save();
  }
}
