import type { Command } from 'commander';
import type { Wire } from '../../command-wiring.js';
import { operateHandler, reasonOption } from './operate-options.js';

export function register(program: Command, wire: Wire): void {
  program
    .command('power-down')
    .description('remove everything billed by the hour (load balancer, addresses, service); keep data')
    .option('--force', 'power down even while people are in a call')
    .addOption(reasonOption())
    .action(wire(operateHandler('powerDown')));
}
