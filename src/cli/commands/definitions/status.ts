import { type Command, Option } from 'commander';
import type { Wire } from '../../command-wiring.js';
import { MAX_WATCH_SECONDS, watchSeconds } from '../../option-parsers.js';

export function register(program: Command, wire: Wire): void {
  program
    .command('status')
    .description('phase, task and containers, targets, endpoint checks, participants, month-to-date hours and cost')
    .option('--watch', 'refresh until Ctrl-C')
    .addOption(
      new Option('--interval <seconds>', `seconds between refreshes with --watch, 1 to ${MAX_WATCH_SECONDS}`)
        .argParser(watchSeconds)
        .default(10),
    )
    .action(
      wire(async (context, options: { watch?: boolean; interval?: number }) =>
        (await import('../inspect.js')).status(context, options),
      ),
    );
}
