import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import packageJson from '../../package.json';
import { regionProblem, SUPPORTED_REGION_LIST } from '../config/regions.js';
import { POWER_STATES } from '../control/outputs.js';
import type { PowerState } from '../control/snapshot.js';
import { ExitCode, MeetError } from '../errors.js';
import { Context, type GlobalOptions } from './context.js';
import type { Deps } from './deps.js';

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number, 0 or more.');
  return n;
}

/** The longest meetup window: inside a window the runtime guard allows a run until its end plus an hour. */
export const MAX_WINDOW_MINUTES = 12 * 60;

function windowMinutes(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0 || n > MAX_WINDOW_MINUTES) {
    throw new InvalidArgumentError(
      `expected whole minutes from 1 to ${MAX_WINDOW_MINUTES} (12 hours); split longer events into several schedules.`,
    );
  }
  return n;
}

function recordingMinutes(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0 || n > MAX_WINDOW_MINUTES) {
    throw new InvalidArgumentError(`expected whole minutes from 1 to ${MAX_WINDOW_MINUTES}.`);
  }
  return n;
}

/** The same rule as the config's "region" field: a region where every service of the stack exists. */
function regionCode(value: string): string {
  const problem = regionProblem(value);
  if (problem) throw new InvalidArgumentError(`"${value}" ${problem}. Use one of: ${SUPPORTED_REGION_LIST}.`);
  return value;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number.');
  return n;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number.');
  return n;
}

/**
 * The whole CLI as a function: parse `argv` (without node and script), run the command, return the
 * exit code. Never exits the process and never prints a stack trace (set MEETCTL_DEBUG=1 for one).
 * Command modules that pull in heavy dependencies (CDK, SDK) are imported on use, so `--help` is fast.
 */
export async function run(argv: readonly string[], deps: Deps): Promise<number> {
  let exitCode: number = ExitCode.ok;
  let context: Context | undefined;
  const contextFor = (command: Command) => {
    context = new Context(deps, command.optsWithGlobals<GlobalOptions>());
    return context;
  };

  const program = new Command('meetctl')
    .description(
      'On-demand Jitsi Meet on AWS: plan, deploy and operate a meeting server that costs close to nothing between meetups.',
    )
    .version(packageJson.version, '-V, --version')
    .option('-c, --config <file>', 'config file (default: meet.config.json; plan falls back to the shipped example)')
    .option('--profile <name>', 'AWS SSO profile (default: AWS_PROFILE or the SDK default chain)')
    .addOption(new Option('--region <code>', 'AWS region (overrides the config)').argParser(regionCode))
    .option('--json', 'print machine-readable JSON on stdout')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--dry-run', 'print what a mutating command would do, change nothing')
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => deps.stdout.write(text),
      writeErr: (text) => deps.stderr.write(text),
    });

  program
    .command('plan')
    .description('show what would be deployed, its public endpoints and its monthly cost (offline, no AWS account needed)')
    .action(async (_options, command: Command) => {
      const { plan } = await import('./commands/plan.js');
      exitCode = await plan(contextFor(command));
    });

  program
    .command('deploy')
    .description('deploy or update the stack with the config, keeping its current power state')
    .option('--force', 'deploy even while a task is running (it is replaced and everyone is dropped)')
    .addOption(
      new Option('--power <state>', 'power state of a new stack (existing stacks keep theirs)').choices([...POWER_STATES]),
    )
    .action(async (options: { force?: boolean; power?: PowerState }, command: Command) => {
      const { deploy } = await import('./commands/deploy.js');
      exitCode = await deploy(contextFor(command), options);
    });

  const operate = async (
    command: Command,
    name: 'start' | 'stop' | 'powerDown' | 'powerUp' | 'destroy',
    options: Record<string, unknown>,
  ) => {
    const commands = await import('./commands/operate.js');
    exitCode = await commands[name](contextFor(command), options);
  };
  const inspect = () => import('./commands/inspect.js');
  const reason = () => new Option('--reason <text>', 'why, for the event log');

  program
    .command('status')
    .description('phase, task and containers, targets, endpoint checks, participants, month-to-date hours and cost')
    .option('--watch', 'refresh until Ctrl-C')
    .addOption(new Option('--interval <seconds>', 'seconds between refreshes with --watch').argParser(positiveInt).default(10))
    .action(async (options: { watch?: boolean; interval?: number }, command: Command) => {
      exitCode = await (await inspect()).status(contextFor(command), options);
    });
  program
    .command('start')
    .description('start the meeting server and wait until it is really usable (HTTPS, certificate, config, websocket)')
    .option('--record', 'also start the recorder (server-side recording to S3; "recording.enabled" in the config)')
    .addOption(reason())
    .action((options, command: Command) => operate(command, 'start', options));
  program
    .command('stop')
    .description('stop the task (and the recorder, once it has uploaded); refuses while people are in a call or a recording runs')
    .option('--force', 'stop even while people are in a call or a recording runs (what was recorded is still uploaded)')
    .addOption(reason())
    .action((options, command: Command) => operate(command, 'stop', options));
  program
    .command('power-down')
    .description('remove everything billed by the hour (load balancer, addresses, service); keep data')
    .option('--force', 'power down even while people are in a call')
    .addOption(reason())
    .action((options, command: Command) => operate(command, 'powerDown', options));
  program
    .command('power-up')
    .description('recreate the load balancer and service (stopped, ready to start)')
    .addOption(reason())
    .action((options, command: Command) => operate(command, 'powerUp', options));
  program
    .command('destroy')
    .description('delete the stack after you type the domain; recordings are kept unless --delete-recordings')
    .option('--delete-recordings', 'also delete every recording and the bucket (after the stack is gone: with --bucket)')
    .option('--bucket <name>', 'the retained recordings bucket, when the stack is already deleted')
    .option('--force', 'destroy even while people are in a call')
    .action((options, command: Command) => operate(command, 'destroy', options));
  program
    .command('health')
    .description('check every layer (pass / fail / skip, with a fix for each failure); exit 1 on any failure')
    .action(async (_options, command: Command) => {
      exitCode = await (await inspect()).health(contextFor(command));
    });
  program
    .command('test')
    .description('full workflow: start, health, TLS, web, websocket, stop; always ends stopped')
    .option('--force', 'run even if the platform is already running (it is stopped at the end)')
    .action(async (options: { force?: boolean }, command: Command) => {
      const { testWorkflow } = await import('./commands/workflow.js');
      exitCode = await testWorkflow(contextFor(command), options);
    });
  program
    .command('logs')
    .description('container logs')
    .option('-f, --follow', 'keep printing new lines until Ctrl-C')
    .option(
      '--container <name>',
      "only this container: web, prosody, jicofo, jvb, stats, tls, or the recorder's jibri and recorder-status",
    )
    .option('--since <duration>', 'how far back: 30s, 10m, 2h, 1d', '10m')
    .action(async (options: { follow?: boolean; container?: string; since?: string }, command: Command) => {
      exitCode = await (await inspect()).logs(contextFor(command), options);
    });
  program
    .command('history')
    .description('who started, stopped or powered the platform, when, why, and how it went')
    .addOption(new Option('--days <n>', 'how many days back').argParser(positiveInt).default(30))
    .action(async (options: { days?: number }, command: Command) => {
      exitCode = await (await inspect()).history(contextFor(command), options);
    });
  program
    .command('cost')
    .description('month-to-date running hours and estimated cost against the budget')
    .action(async (_options, command: Command) => {
      exitCode = await (await inspect()).cost(contextFor(command));
    });

  program
    .command('report')
    .description('one line per meetup (start, stop, who, peak participants, hours, cost), totals per month and a chart')
    .option('--since <duration>', 'how far back: 30d, 90d, 12h', '30d')
    .option('--tz <zone>', 'IANA time zone of the times shown (default: "timeZone" in the config, else this computer\'s)')
    .action(async (options: { since?: string; tz?: string }, command: Command) => {
      const { report } = await import('./commands/report.js');
      exitCode = await report(contextFor(command), options);
    });

  program
    .command('rotate-secrets')
    .description('new internal passwords and Jitsi token secret, only while stopped; the next start uses them')
    .addOption(new Option('--reason <text>', 'why, for the event log'))
    .action(async (options: { reason?: string }, command: Command) => {
      const { rotate } = await import('./commands/rotate.js');
      exitCode = await rotate(contextFor(command), options);
    });

  program
    .command('link')
    .description('a one-off host link for a person without an account (members-only meetings)')
    .argument('<room>', 'room name, e.g. weekly-meetup')
    .addOption(new Option('--hours <n>', 'how long the link works (1 to 12)').argParser(positiveNumber).default(3))
    .option('--name <name>', 'the name shown in the meeting', 'Host')
    .action(async (room: string, options: { hours: number; name?: string }, command: Command) => {
      const { link } = await import('./commands/link.js');
      exitCode = await link(contextFor(command), room, options);
    });

  const users = program.command('users').description('member accounts (members-only meetings): add, remove, list, promote');
  const usersCommands = () => import('./commands/users.js');
  users
    .command('add')
    .description('create an account; Cognito e-mails a temporary password')
    .argument('<email>', 'the address the member signs in with')
    .option('--name <name>', 'the name shown in meetings')
    .option('--organizer', 'also an organizer (start, stop, schedules, recording)')
    .action(async (email: string, options: { name?: string; organizer?: boolean }, command: Command) => {
      exitCode = await (await usersCommands()).usersAdd(contextFor(command), email, options);
    });
  users
    .command('remove')
    .description('delete an account (asks you to type the e-mail)')
    .argument('<email>')
    .action(async (email: string, _options, command: Command) => {
      exitCode = await (await usersCommands()).usersRemove(contextFor(command), email);
    });
  users
    .command('list')
    .description('every account with its groups and status')
    .action(async (_options, command: Command) => {
      exitCode = await (await usersCommands()).usersList(contextFor(command));
    });
  users
    .command('promote')
    .description('make a member an organizer (--demote: the other way)')
    .argument('<email>')
    .option('--demote', 'remove from the organizers')
    .action(async (email: string, options: { demote?: boolean }, command: Command) => {
      exitCode = await (await usersCommands()).usersPromote(contextFor(command), email, options);
    });

  const recordings = program.command('recordings').description('recordings in the S3 bucket: list, download, delete');
  const recordingsCommands = () => import('./commands/recordings.js');
  recordings
    .command('list')
    .description('every recording, newest first, with its day, room, length and size')
    .option('--day <yyyy-mm-dd>', 'only this day')
    .option('--room <name>', 'only this room')
    .action(async (options: { day?: string; room?: string }, command: Command) => {
      exitCode = await (await recordingsCommands()).recordingsList(contextFor(command), options);
    });
  recordings
    .command('download')
    .description('copy a recording to a local file (never overwrites one)')
    .argument('<recording>', 'its key, or its file name when that is unique')
    .option('--to <path>', 'where to write it (default: the file name, in this folder)')
    .action(async (name: string, options: { to?: string }, command: Command) => {
      exitCode = await (await recordingsCommands()).recordingsDownload(contextFor(command), name, options);
    });
  recordings
    .command('delete')
    .description('delete a recording and its metadata for good (asks you to type the file name)')
    .argument('<recording>', 'its key, or its file name when that is unique')
    .action(async (name: string, _options, command: Command) => {
      exitCode = await (await recordingsCommands()).recordingsDelete(contextFor(command), name);
    });

  const schedule = program.command('schedule').description('start the server before meetups (EventBridge Scheduler)');
  schedule
    .command('add')
    .description('add a one-off (--at) or recurring (--cron) meetup; the server starts --lead minutes early')
    .argument('<name>', 'schedule name, e.g. rgc3-december')
    .option(
      '--at <local-time>',
      'meetup start: "tomorrow 18:00", "thursday 18:00" (the next one), "today 18:00" or YYYY-MM-DDTHH:MM',
    )
    .option('--cron <expression>', 'meetup start as EventBridge cron (6 fields), e.g. "0 18 ? * WED *"')
    .option('--tz <zone>', 'IANA time zone of --at / --cron (default: "timeZone" in the config)')
    .addOption(new Option('--lead <minutes>', 'pre-warm: start this many minutes early').argParser(nonNegativeInt).default(15))
    .addOption(
      new Option('--window <minutes>', `meetup length, at most ${MAX_WINDOW_MINUTES}: no idle stop before it ends`)
        .argParser(windowMinutes)
        .default(120),
    )
    .option('--record', 'start the recorder too, once the meeting is READY (the runtime guard adds it within 5 minutes)')
    .action(async (name: string, options, command: Command) => {
      const { scheduleAdd } = await import('./commands/schedule.js');
      exitCode = await scheduleAdd(contextFor(command), name, options);
    });
  schedule
    .command('list')
    .description('list the schedules')
    .action(async (_options, command: Command) => {
      const { scheduleList } = await import('./commands/schedule.js');
      exitCode = await scheduleList(contextFor(command));
    });
  schedule
    .command('remove')
    .description('remove a schedule')
    .argument('<name>', 'schedule name')
    .action(async (name: string, _options, command: Command) => {
      const { scheduleRemove } = await import('./commands/schedule.js');
      exitCode = await scheduleRemove(contextFor(command), name);
    });

  const simulate = program
    .command('simulate')
    .description('control the simulated AWS of MEETCTL_SIMULATE=1 (kept between commands)');
  simulate
    .command('reset')
    .description("forget the simulated world of the config's stack; the next command starts a fresh one")
    .action(async (_options, command: Command) => {
      const { simulateReset } = await import('./commands/simulate.js');
      exitCode = await simulateReset(contextFor(command));
    });
  simulate
    .command('people')
    .description('set how many people are in the simulated call from now on')
    .argument('<count>', 'people in the call', nonNegativeInt)
    .action(async (count: number, _options, command: Command) => {
      const { simulatePeople } = await import('./commands/simulate.js');
      exitCode = await simulatePeople(contextFor(command), count);
    });

  simulate
    .command('recording')
    .description('put a finished recording in the simulated recordings bucket, as the recorder uploads one')
    .option('--room <name>', 'the room it was recorded in', 'meetup')
    .addOption(new Option('--minutes <n>', `how long it is, 1 to ${MAX_WINDOW_MINUTES}`).argParser(recordingMinutes).default(30))
    .action(async (options: { room: string; minutes: number }, command: Command) => {
      const { simulateRecording } = await import('./commands/simulate.js');
      exitCode = await simulateRecording(contextFor(command), options);
    });

  const config = program.command('config').description('check and describe the config file');
  config
    .command('validate')
    .description('validate the config file; every problem names the field, the value and the fix')
    .action(async (_options, command: Command) => {
      const { validateConfig } = await import('./commands/config.js');
      exitCode = await validateConfig(contextFor(command));
    });
  config
    .command('schema')
    .description('print the JSON Schema of meet.config.json')
    .action(async (_options, command: Command) => {
      const { printSchema } = await import('./commands/config.js');
      exitCode = printSchema(contextFor(command));
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      if (error.exitCode === 0) return ExitCode.ok;
      // Commander printed the message on stderr; with --json, stdout still gets the documented error object.
      if (argv.includes('--json')) {
        const message = error.message.replace(/^error: /, '');
        new Context(deps, { json: true }).out.json({
          error: { message, hint: 'Run meetctl --help (or meetctl <command> --help) for the usage.', exitCode: ExitCode.usage },
        });
      }
      return ExitCode.usage;
    }
    const ctx = context ?? new Context(deps, program.opts<GlobalOptions>());
    const failure =
      error instanceof MeetError
        ? error
        : new MeetError(
            `unexpected error: ${error instanceof Error ? error.message : String(error)}`,
            ExitCode.unexpected,
            'This is a bug in meetctl; please report it with the command you ran (MEETCTL_DEBUG=1 adds a stack trace).',
          );
    if (ctx.options.json) {
      ctx.out.json({ error: { message: failure.message, hint: failure.hint, exitCode: failure.exitCode } });
    } else {
      ctx.out.error(failure.message, failure.hint);
    }
    if (deps.env.MEETCTL_DEBUG && error instanceof Error && error.stack) deps.stderr.write(`${error.stack}\n`);
    return failure.exitCode;
  }
}
