import type { Command } from 'commander';
import type { Wire } from '../../command-wiring.js';

export function register(program: Command, wire: Wire): void {
  program
    .command('test')
    .description('full workflow: start, health, TLS, web, websocket, stop; always ends stopped')
    .option('--force', 'run even if the platform is already running (it is stopped at the end)')
    .action(
      wire(async (context, options: { force?: boolean }) => (await import('../workflow.js')).testWorkflow(context, options)),
    );
}
