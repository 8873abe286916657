import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * An independent program a test suite runs against (moto_server, cfn-lint, Debian's rclone, nginx,
 * pebble, chromium …). `npm test` on a fresh machine that lacks one prints one line naming the tool
 * and skips the suite; under CI (`CI=true`, which `.ci/run` sets) a missing tool fails the run, so CI
 * always runs every suite.
 */
export interface ExternalTool {
  /** What the tool is, as people call it (`moto_server`, `cfn-lint`, `rclone`). */
  readonly name: string;
  /** An absolute path, or a command looked up on PATH. */
  readonly command: string;
  /** How to get it, for the skip line and the CI failure (`apt-get install rclone`). */
  readonly install: string;
}

function resolve(command: string): string | undefined {
  if (command.startsWith('/')) return existsSync(command) ? command : undefined;
  try {
    const found = execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim();
    return found === '' ? undefined : found;
  } catch {
    return undefined;
  }
}

/**
 * The tool's path, or undefined when it is missing (after printing one line that says which suite is
 * skipped and why). Throws under CI, where `.ci/run` must have installed it.
 */
export function externalTool(tool: ExternalTool, suite: string): string | undefined {
  const found = resolve(tool.command);
  if (found) return found;
  if (process.env.CI === 'true') throw new Error(`${tool.name} is not installed: .ci/run must provide it (${tool.install})`);
  process.stdout.write(`skipped: ${suite}: ${tool.name} is not installed (${tool.install})\n`);
  return undefined;
}

/** The independent implementations the suites use; `.ci/run` provides each one. */
export const TOOLS = {
  moto: { name: 'moto_server', command: 'moto_server', install: 'pip install "moto[server]"' },
  cfnLint: { name: 'cfn-lint', command: 'cfn-lint', install: 'pip install cfn-lint' },
  rclone: { name: 'rclone', command: '/usr/bin/rclone', install: 'apt-get install rclone' },
  jq: { name: 'jq', command: 'jq', install: 'apt-get install jq' },
  /** Let's Encrypt's ACME test server and its DNS test server, both from Debian's `pebble` package. */
  pebble: { name: 'pebble', command: '/usr/bin/pebble', install: 'apt-get install pebble' },
  pebbleChalltestsrv: { name: 'pebble-challtestsrv', command: '/usr/bin/pebble-challtestsrv', install: 'apt-get install pebble' },
  busybox: { name: 'busybox', command: '/usr/bin/busybox', install: 'apt-get install busybox' },
  /** The curl the container health checks call (the Jitsi images install Debian's curl). */
  curl: { name: 'curl', command: '/usr/bin/curl', install: 'apt-get install curl' },
  /** The JDK's java.time: an independent time-zone implementation (java runs a single .java source file). */
  java: { name: 'java', command: 'java', install: 'apt-get install openjdk-17-jdk-headless' },
} as const satisfies Record<string, ExternalTool>;
