import type { Command } from 'commander';
import type { Wire } from '../../command-wiring.js';

export function register(program: Command, wire: Wire): void {
  program
    .command('health')
    .description('check every layer (pass / fail / skip, with a fix for each failure); exit 1 on any failure')
    .action(wire(async (context) => (await import('../inspect.js')).health(context)));
}
