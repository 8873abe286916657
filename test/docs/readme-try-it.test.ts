import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { ROOT } from '../support/fixtures.js';

// The README's "Try it without an AWS account" block, run as written: each line a real `meetctl`
// process (the repository's bin through tsx, as `npx meetctl` runs it) in the repository folder,
// against a simulated world of its own. The dates in it are relative, so it works on any day.
const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Try it without an AWS account'));
const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
const bin = path.join(ROOT, 'bin', 'meetctl.ts');
const tsx = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const simDir = mkdtempSync(path.join(tmpdir(), 'meetctl-readme-'));
afterAll(() => rmSync(simDir, { recursive: true, force: true }));

/** A shell line's words: double and single quotes group, `#` outside quotes starts a comment. */
function words(line: string): string[] {
  const out: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else word = (word ?? '') + ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      word ??= '';
    } else if (ch === '#') break;
    else if (/\s/.test(ch)) {
      if (word !== undefined) out.push(word);
      word = undefined;
    } else word = (word ?? '') + ch;
  }
  if (word !== undefined) out.push(word);
  return out;
}

/** What each line must do: its exit code and what it must print (stdout and stderr together). */
const EXPECTED: Array<{ command: string; code: number; says: RegExp[] }> = [
  { command: 'simulate reset', code: ExitCode.ok, says: [/simulated Meet-meet-example-org/] },
  { command: 'status', code: ExitCode.ok, says: [/meet\.example\.org {2}STOPPED/] },
  { command: 'start', code: ExitCode.ok, says: [/READY in \d+:\d\d: https:\/\/meet\.example\.org/] },
  { command: 'link weekly', code: ExitCode.ok, says: [/^https:\/\/meet\.example\.org\/weekly\?jwt=/m] },
  {
    command: 'simulate people 3',
    code: ExitCode.ok,
    says: [/3 people are in the simulated call; the stats sidecar counted them/],
  },
  { command: 'stop', code: ExitCode.failed, says: [/3 people are in a call right now/, /--force/] },
  { command: 'simulate recording --room weekly', code: ExitCode.ok, says: [/recording of room weekly is in the simulated/] },
  { command: 'stop --force', code: ExitCode.ok, says: [/STOPPED in \d+:\d\d \(was READY\)/] },
  {
    command: 'recordings list',
    code: ExitCode.ok,
    says: [/weekly +\d\d:\d\d +0:30:00 .* recordings\/\d{4}-\d\d-\d\d\/weekly\//],
  },
  { command: 'logs --since 1h', code: ExitCode.ok, says: [/Z web +\(simulated\) web started/, /"participants":3/] },
  {
    command: 'schedule add next-meetup --at tomorrow 18:00',
    code: ExitCode.ok,
    says: [
      /Scheduled next-meetup: the meetup is \w{3} \d{4}-\d\d-\d\d 18:00 -0[78]:00 \(America\/Los_Angeles\); the server starts on \d{4}-\d\d-\d\d at 17:45/,
    ],
  },
  { command: 'schedule list', code: ExitCode.ok, says: [/next-meetup +on \d{4}-\d\d-\d\d at 17:45 +America\/Los_Angeles/] },
  { command: 'history', code: ExitCode.ok, says: [/running +STOPPED → READY +done/, /stopped +READY → READY +refused/] },
  { command: 'report', code: ExitCode.ok, says: [/In all: 1 meetup, /] },
  { command: 'simulate reset', code: ExitCode.ok, says: [/Forgot the simulated Meet-meet-example-org/] },
];

describe("the README's Try it block", () => {
  const lines = block.split('\n').filter((l) => l.trim() !== '');

  it('sets MEETCTL_SIMULATE=1, then runs the expected commands on the example config', () => {
    expect(lines[0]).toBe('export MEETCTL_SIMULATE=1');
    const commands = lines.slice(1).map((l) => {
      const [npx, name, flag, file, ...rest] = words(l);
      expect([npx, name, flag, file]).toEqual(['npx', 'meetctl', '-c', 'meet.config.example.json']);
      return rest.join(' ');
    });
    expect(commands).toEqual(EXPECTED.map((e) => e.command));
  });

  it('runs line by line as written, each with its exit code and output', () => {
    const env = { ...process.env, MEETCTL_SIMULATE: '1', MEETCTL_SIMULATE_DIR: simDir, NO_COLOR: '1' };
    for (const [i, line] of lines.slice(1).entries()) {
      const args = words(line).slice(2);
      const result = spawnSync(process.execPath, [tsx, bin, ...args], { cwd: ROOT, env, encoding: 'utf8' });
      const output = `${result.stdout}${result.stderr}`;
      const expected = EXPECTED[i];
      expect(result.status, `${line}\n${output}`).toBe(expected?.code);
      for (const says of expected?.says ?? []) expect(output, line).toMatch(says);
      expect(output, line).not.toMatch(/This is a bug|\n\s+at /);
    }
  }, 240_000);
});
