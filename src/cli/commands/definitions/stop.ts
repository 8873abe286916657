import type { Command } from 'commander';
import type { Wire } from '../../command-wiring.js';
import { operateHandler, reasonOption } from './operate-options.js';

export function register(program: Command, wire: Wire): void {
  program
    .command('stop')
    .description('stop the task (and the recorder, once it has uploaded); refuses while people are in a call or a recording runs')
    .option('--force', 'stop even while people are in a call or a recording runs (what was recorded is still uploaded)')
    .addOption(reasonOption())
    .action(wire(operateHandler('stop')));
}
