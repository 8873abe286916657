import type { Command } from 'commander';
import type { Wire } from '../../command-wiring.js';
import { reasonOption } from './operate-options.js';

export function register(program: Command, wire: Wire): void {
  program
    .command('rotate-secrets')
    .description('new internal passwords and Jitsi token secret, only while stopped; the next start uses them')
    .addOption(reasonOption())
    .action(wire(async (context, options: { reason?: string }) => (await import('../rotate.js')).rotate(context, options)));
}
