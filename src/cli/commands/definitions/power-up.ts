import type { Command } from 'commander';
import type { Wire } from '../../command-wiring.js';
import { operateHandler, reasonOption } from './operate-options.js';

export function register(program: Command, wire: Wire): void {
  program
    .command('power-up')
    .description('recreate the load balancer and service (stopped, ready to start)')
    .addOption(reasonOption())
    .action(wire(operateHandler('powerUp')));
}
