import type { Command } from 'commander';
import type { Wire } from '../../command-wiring.js';
import { operateHandler, reasonOption } from './operate-options.js';

export function register(program: Command, wire: Wire): void {
  program
    .command('start')
    .description('start the meeting server and wait until it is really usable (HTTPS, certificate, config, websocket)')
    .option('--record', 'also start the recorder (server-side recording to S3; "recording.enabled" in the config)')
    .addOption(reasonOption())
    .action(wire(operateHandler('start')));
}
