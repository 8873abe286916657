import { type Command, Option } from 'commander';
import type { Wire } from '../../command-wiring.js';

export function register(program: Command, wire: Wire): void {
  program
    .command('rotate-secrets')
    .description('new internal passwords and Jitsi token secret, only while stopped; the next start uses them')
    .addOption(new Option('--reason <text>', 'why, for the event log'))
    .action(wire(async (context, options: { reason?: string }) => (await import('../rotate.js')).rotate(context, options)));
}
