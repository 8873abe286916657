import type { Command } from 'commander';
import type { Wire } from '../../command-wiring.js';

export function register(program: Command, wire: Wire): void {
  program
    .command('plan')
    .description('show what would be deployed, its public endpoints and its monthly cost (offline, no AWS account needed)')
    .action(wire(async (context) => (await import('../plan.js')).plan(context)));
}
