import { Command, CommanderError, Option } from 'commander';
import packageJson from '../../package.json';
import { ExitCode, MeetError } from '../errors.js';
import { POWER_STATES, type PowerState } from '../infra/constructs/power-switch.js';
import { printSchema, validateConfig } from './commands/config.js';
import { Context, type GlobalOptions } from './context.js';
import type { Deps } from './deps.js';

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
    .option('--region <code>', 'AWS region (overrides the config)')
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
      exitCode = plan(contextFor(command));
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

  const config = program.command('config').description('check and describe the config file');
  config
    .command('validate')
    .description('validate the config file; every problem names the field, the value and the fix')
    .action((_options, command: Command) => {
      exitCode = validateConfig(contextFor(command));
    });
  config
    .command('schema')
    .description('print the JSON Schema of meet.config.json')
    .action((_options, command: Command) => {
      exitCode = printSchema(contextFor(command));
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
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
