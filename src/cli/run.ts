import { Command, CommanderError, Option } from 'commander';
import packageJson from '../../package.json';
import { ExitCode, MeetError } from '../errors.js';
import { COMMANDS } from './command-list.js';
import type { Wire } from './command-wiring.js';
import { Context, type GlobalOptions } from './context.js';
import type { Deps } from './deps.js';
import { checkEnvironment } from './environment.js';
import { regionCode } from './option-parsers.js';

/**
 * The whole CLI as a function: parse `argv` (without node and script), run the command, return the
 * exit code. Never exits the process and never prints a stack trace (set MEETCTL_DEBUG=1 for one).
 * Command modules that pull in heavy dependencies (CDK, SDK) are imported on use, so `--help` is fast.
 */
export async function run(argv: readonly string[], deps: Deps): Promise<number> {
  let exitCode: number = ExitCode.ok;
  let context: Context | undefined;
  // Each command's action: its Context (kept for the error handling below), then its handler's exit code.
  const wire: Wire =
    <Args extends unknown[]>(handler: (context: Context, ...argumentsAndOptions: Args) => Promise<number> | number) =>
    async (...action: [...Args, Command]) => {
      const command = action.at(-1) as Command;
      context = new Context(deps, command.optsWithGlobals<GlobalOptions>());
      checkEnvironment(deps);
      exitCode = await handler(context, ...(action.slice(0, -1) as Args));
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

  for (const register of COMMANDS) register(program, wire);
  checkOptionValues(program);

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

/**
 * Usage errors naming the option, for what Commander accepts silently: an option that takes a value
 * given twice (`--at "tomorrow 18:00" --at "today 19:00"`: it would keep the last), or given an
 * empty value (`--day ""` would list every day, as if it were left out). Flags (`--force`) may repeat.
 */
function checkOptionValues(command: Command): void {
  for (const option of command.options) {
    if (!(option.required || option.optional)) continue;
    let given = false;
    command.on(`option:${option.name()}`, (value: unknown) => {
      const refuse = (problem: string) =>
        command.error(`error: option '${option.flags}' ${problem}`, { exitCode: ExitCode.usage, code: 'meetctl.optionValue' });
      if (given) refuse('was given more than once; give it once.');
      if (typeof value === 'string' && value.trim() === '')
        refuse('was given an empty value; give one, or leave the option out.');
      given = true;
    });
  }
  for (const sub of command.commands) checkOptionValues(sub);
}
