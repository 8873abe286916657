import type { Command } from 'commander';
import type { Wire } from '../../command-wiring.js';

export function register(program: Command, wire: Wire): void {
  program
    .command('report')
    .description('one line per meetup (start, stop, who, peak participants, hours, cost), totals per month and a chart')
    .option('--since <duration>', 'how far back: 30d, 90d, 12h', '30d')
    .option('--tz <zone>', 'IANA time zone of the times shown (default: "timeZone" in the config, else this computer\'s)')
    .action(
      wire(async (context, options: { since?: string; tz?: string }) => (await import('../report.js')).report(context, options)),
    );
}
