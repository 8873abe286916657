import type { Command } from 'commander';
import type { Wire } from '../../command-wiring.js';

export function register(program: Command, wire: Wire): void {
  const command = program.command('config').description('check and describe the config file');
  command
    .command('validate')
    .description('validate the config file; every problem names the field, the value and the fix')
    .action(wire(async (context) => (await import('../config.js')).validateConfig(context)));
  command
    .command('schema')
    .description('print the JSON Schema of meet.config.json')
    .action(wire(async (context) => (await import('../config.js')).printSchema(context)));
}
