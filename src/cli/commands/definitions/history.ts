import { type Command, Option } from 'commander';
import type { Wire } from '../../command-wiring.js';
import { daysBack, MAX_DAYS_BACK } from '../../option-parsers.js';

export function register(program: Command, wire: Wire): void {
  program
    .command('history')
    .description('who started, stopped or powered the platform, when, why, and how it went')
    .addOption(new Option('--days <n>', `how many days back, 1 to ${MAX_DAYS_BACK}`).argParser(daysBack).default(30))
    .action(wire(async (context, options: { days?: number }) => (await import('../inspect.js')).history(context, options)));
}
