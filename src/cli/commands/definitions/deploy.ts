import { type Command, Option } from 'commander';
import { POWER_STATES } from '../../../control/outputs.js';
import type { PowerState } from '../../../control/snapshot.js';
import type { Wire } from '../../command-wiring.js';

export function register(program: Command, wire: Wire): void {
  program
    .command('deploy')
    .description('deploy or update the stack with the config, keeping its current power state')
    .option('--force', 'deploy even while a task is running (it is replaced and everyone is dropped)')
    .addOption(
      new Option('--power <state>', 'power state of a new stack (existing stacks keep theirs)').choices([...POWER_STATES]),
    )
    .action(
      wire(async (context, options: { force?: boolean; power?: PowerState }) =>
        (await import('../deploy.js')).deploy(context, options),
      ),
    );
}
