import type { Command } from 'commander';
import type { Wire } from '../../command-wiring.js';
import { operateHandler } from './operate-options.js';

export function register(program: Command, wire: Wire): void {
  program
    .command('destroy')
    .description('delete the stack after you type the domain; recordings are kept unless --delete-recordings')
    .option('--delete-recordings', 'also delete every recording and the bucket (after the stack is gone: with --bucket)')
    .option('--bucket <name>', 'the retained recordings bucket, when the stack is already deleted')
    .option('--force', 'destroy even while people are in a call')
    .action(wire(operateHandler('destroy')));
}
