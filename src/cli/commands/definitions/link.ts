import { type Command, Option } from 'commander';
import type { Wire } from '../../command-wiring.js';
import { positiveNumber } from '../../option-parsers.js';

export function register(program: Command, wire: Wire): void {
  program
    .command('link')
    .description('a one-off host link for a person without an account (members-only meetings)')
    .argument('<room>', 'room name, e.g. weekly-meetup')
    .addOption(new Option('--hours <n>', 'how long the link works (1 to 12)').argParser(positiveNumber).default(3))
    .option('--name <name>', 'the name shown in the meeting', 'Host')
    .action(
      wire(async (context, room: string, options: { hours: number; name?: string }) =>
        (await import('../link.js')).link(context, room, options),
      ),
    );
}
