import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { AwsPorts, AwsTarget, ServiceCounts, StackState } from '../../src/aws/ports.js';
import type { Deps } from '../../src/cli/deps.js';
import { run } from '../../src/cli/run.js';
import { type SimAws, VirtualClock } from '../../src/sim/simulated-aws.js';
import { EXAMPLE_FILE, ROOT } from './fixtures.js';

export interface FakeAws {
  account: string;
  stack?: StackState;
  counts?: ServiceCounts;
  error?: Error;
  targets: AwsTarget[];
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  cdkCalls: Array<{ args: readonly string[]; env: Record<string, string> }>;
}

/** A config file set, by path, that the fake file system serves. */
export type Files = Record<string, string>;

export function fakeAws(overrides: Partial<FakeAws> = {}): FakeAws {
  return { account: '111122223333', targets: [], ...overrides };
}

/** Run the CLI with fakes: files in `cwd` come from `files`, AWS from `aws`, cdk exits with `cdkExit`. */
export interface CliOptions {
  files?: Files;
  aws?: FakeAws;
  cdkExit?: number;
  env?: Record<string, string>;
  /** The simulated AWS behind the operations commands. */
  sim?: SimAws;
  /** Called when `cdk` runs (what the world looks like at that moment). */
  onCdk?: (args: readonly string[]) => void;
  /** Answer to a terminal prompt; no terminal when undefined. */
  answer?: string;
  /** readFile throws this (a directory, a file without permission). */
  readError?: Error;
  /** Every file is unwritable with this error code (EACCES, EROFS). */
  writeError?: string;
  /** Ctrl-C after this many checks of `interrupted()` (ends --watch / --follow). */
  interruptAfter?: number;
  /** stderr is a terminal this wide (stdout stays a pipe): progress is drawn live there. */
  terminal?: { columns: number };
}

/** A terminal as ora draws on it: writes, and the cursor moves as ANSI sequences. */
function terminalWriter(columns: number, append: (text: string) => void) {
  return {
    isTTY: true,
    columns,
    rows: 40,
    write: (text: string) => {
      append(text);
      return true;
    },
    cursorTo: (x: number) => append(`\u001b[${x + 1}G`),
    moveCursor: (_dx: number, dy: number) => append(`\u001b[${Math.abs(dy)}${dy < 0 ? 'A' : 'B'}`),
    clearLine: () => append('\u001b[2K'),
    once: () => undefined,
    removeListener: () => undefined,
  };
}

export async function cli(argv: string[], options: CliOptions = {}): Promise<CliResult> {
  const cwd = '/work/community';
  const files = options.files ?? {};
  const aws = options.aws ?? fakeAws();
  let stdout = '';
  let stderr = '';
  const cdkCalls: CliResult['cdkCalls'] = [];
  let interruptChecks = 0;
  const fail = async <T>(value: T): Promise<T> => {
    if (aws.error) throw aws.error;
    return value;
  };
  const ports: AwsPorts = {
    identity: { accountId: () => fail(aws.account) },
    stacks: { describe: () => fail(aws.stack) },
    services: { counts: () => fail(aws.counts) },
  };
  const clock = options.sim?.clock ?? new VirtualClock();
  const deps: Deps = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: options.terminal
      ? terminalWriter(options.terminal.columns, (s) => {
          stderr += s;
        })
      : { write: (s: string) => (stderr += s) },
    isTTY: false,
    ...(options.terminal ? { stderrIsTTY: true } : {}),
    env: options.env ?? {},
    cwd,
    packageRoot: ROOT,
    readFile: (file) => {
      if (options.readError) throw options.readError;
      const relative = path.relative(cwd, file);
      if (relative in files) return files[relative] as string;
      if (file === EXAMPLE_FILE) return readFileSync(file, 'utf8');
      throw new Error(`ENOENT: ${file}`);
    },
    // The working folder exists, as does every file given (and so its folder).
    fileExists: (file) =>
      file === cwd ||
      path.relative(cwd, file) in files ||
      Object.keys(files).some((f) => path.dirname(path.resolve(cwd, f)) === file) ||
      (file === EXAMPLE_FILE && existsSync(file)),
    writeFile: (file, text) => {
      if (options.writeError) throw Object.assign(new Error(options.writeError), { code: options.writeError });
      files[path.relative(cwd, file)] = text;
    },
    writeProblem: () => options.writeError,
    aws: (target) => {
      aws.targets.push(target);
      return ports;
    },
    runCdk: async (args, { env }) => {
      cdkCalls.push({ args, env });
      options.onCdk?.(args);
      return options.cdkExit ?? 0;
    },
    exampleConfigPath: EXAMPLE_FILE,
    cdkAppCommand: `node "${path.join(ROOT, 'dist/bin/app.js')}"`,
    controlPorts: (target) => {
      if (!options.sim) throw new Error(`no simulated AWS for ${target.stackName}`);
      return options.sim.ports;
    },
    clock,
    actor: 'cli:ana@laptop',
    ...(options.answer !== undefined
      ? {
          prompt: async (question: string) => {
            stderr += question;
            return options.answer as string;
          },
        }
      : {}),
    pause: (ms) => clock.sleep(ms),
    checkProfile: async (profile) => {
      if (profile === 'nosuch') {
        const { MeetError, ExitCode } = await import('../../src/errors.js');
        throw new MeetError(
          'AWS profile "nosuch" does not exist in your AWS config.',
          ExitCode.config,
          'Create it with: aws configure sso --profile nosuch',
        );
      }
    },
    interrupted: () => {
      interruptChecks += 1;
      return options.interruptAfter !== undefined && interruptChecks > options.interruptAfter;
    },
  };
  const code = await run(argv, deps);
  return { code, stdout, stderr, cdkCalls };
}

/** A valid community config (not the example). */
export function communityConfig(changes: Record<string, unknown> = {}): string {
  const example = JSON.parse(readFileSync(EXAMPLE_FILE, 'utf8')) as Record<string, unknown>;
  return JSON.stringify({
    ...example,
    domain: 'meet.ne3d.org',
    hostedZone: { id: 'Z1234567890ABC', name: 'ne3d.org' },
    alertEmail: 'organizers@ne3d.org',
    ...changes,
  });
}
