import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';

/**
 * The whole command tree as a user sees it: `--help` of the program and of every command and
 * subcommand, found by reading each help's "Commands:" list (not from the code that builds the tree),
 * plus the exit code and output of each way a command line can go wrong. The snapshot was taken before
 * the commands moved into their own modules (issue 22); a change to it is a change users see.
 */

/** The names under "Commands:" in a help text, without commander's own `help [command]`. */
function subcommandsIn(help: string): string[] {
  const section = help.split('\nCommands:\n')[1];
  if (section === undefined) return [];
  const names: string[] = [];
  for (const line of section.split('\n')) {
    if (line.trim() === '' || !line.startsWith('  ')) break;
    const name = /^ {2}([a-z][a-z-]*)/.exec(line)?.[1];
    if (name && name !== 'help') names.push(name);
  }
  return names;
}

function section(argv: readonly string[], result: { code: number; stdout: string; stderr: string }): string {
  const args = argv.map((arg) => (arg === '' || /[\s"]/.test(arg) ? JSON.stringify(arg) : arg)).join(' ');
  return [
    `$ meetctl ${args}`.trimEnd(),
    `exit ${result.code}`,
    '--- stdout',
    result.stdout,
    '--- stderr',
    result.stderr,
    '',
  ].join('\n');
}

async function helpTree(path: readonly string[] = []): Promise<string[]> {
  const argv = [...path, '--help'];
  const result = await cli(argv);
  const sections = [section(argv, result)];
  for (const name of subcommandsIn(result.stdout)) sections.push(...(await helpTree([...path, name])));
  return sections;
}

/** Every way a command line can go wrong before a command runs, and the two that end early with 0. */
const COMMAND_LINES: readonly (readonly string[])[] = [
  [],
  ['-V'],
  ['--version'],
  ['help', 'link'],
  // unknown command, subcommand, option, extra argument
  ['plna'],
  ['users', 'bogus'],
  ['users'],
  ['plan', '--bogus'],
  ['plan', '--bogus', '--json'],
  ['--bogus', 'plan'],
  ['plan', 'extra'],
  // missing required arguments and option values
  ['link'],
  ['users', 'add'],
  ['users', 'remove'],
  ['users', 'promote'],
  ['recordings', 'download'],
  ['recordings', 'delete'],
  ['schedule', 'add'],
  ['schedule', 'remove'],
  ['simulate', 'people'],
  ['--config'],
  ['logs', '--since'],
  // bad values, one per option parser of the CLI and the choices
  ['schedule', 'add', 'x', '--lead', 'soon'], // nonNegativeInt
  ['simulate', 'people', '-1'], // nonNegativeInt as an argument parser
  ['schedule', 'add', 'x', '--window', '721'], // windowMinutes
  ['simulate', 'recording', '--minutes', '0'], // recordingMinutes
  ['--region', 'mars-1', 'plan'], // regionCode
  ['link', 'weekly', '--hours', '0'], // positiveNumber
  ['status', '--interval', '0'], // positiveInt
  ['history', '--days', '1.5'], // positiveInt
  ['deploy', '--power', 'maybe'], // choices
  // values that reached past the checks once (bad-input sweep): each an exit 2 naming the option
  ['simulate', 'people', ''], // nonNegativeInt: blank is not 0
  ['history', '--days', '9999999999999'], // daysBack (was exit 255: no date that far back)
  ['status', '--interval', '3000000'], // watchSeconds (a longer Node timer fires at once)
  ['stop', '--reason', 'two\nlines'], // reasonText
  ['report', '--since', '99999999999d', '--json'], // parseDuration (was exit 255)
  ['logs', '--since', '3654d'], // parseDuration
  ['link', 'weekly', '--hours', '0.5'], // under the token's hour (was exit 255)
  ['schedule', 'add', 'x', '--at', 'tomorrow 18:00', '--at', 'today 19:00'], // a value option given twice
  ['recordings', 'list', '--day', ''], // an empty value (was: every day, as if left out)
];

describe('the command tree', () => {
  // Commander wraps help to the width of a terminal on stdout; the snapshot is taken at its default, 80.
  const isTTY = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
  beforeAll(() => {
    Object.defineProperty(process.stdout, 'isTTY', { value: false, configurable: true });
  });
  afterAll(() => {
    if (isTTY) Object.defineProperty(process.stdout, 'isTTY', isTTY);
    else delete (process.stdout as { isTTY?: boolean }).isTTY;
  });

  it('shows the same help for the program and every command and subcommand', async () => {
    const sections = await helpTree();
    // plan … config and the subcommands of users, recordings, schedule, simulate and config.
    expect(sections.length).toBeGreaterThan(30);
    await expect(sections.join('\n')).toMatchFileSnapshot('./__snapshots__/help-tree.txt');
  });

  it('ends every wrong or early-ending command line with the same exit code and message', async () => {
    const sections: string[] = [];
    for (const argv of COMMAND_LINES) sections.push(section(argv, await cli([...argv])));
    await expect(sections.join('\n')).toMatchFileSnapshot('./__snapshots__/exit-codes.txt');
  });
});
