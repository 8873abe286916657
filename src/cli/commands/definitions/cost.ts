import type { Command } from 'commander';
import type { Wire } from '../../command-wiring.js';

export function register(program: Command, wire: Wire): void {
  program
    .command('cost')
    .description('month-to-date running hours and estimated cost against the budget')
    .action(wire(async (context) => (await import('../inspect.js')).cost(context)));
}
