import { type Command, Option } from 'commander';
import type { Wire } from '../../command-wiring.js';
import { MAX_WINDOW_MINUTES, nonNegativeInt, recordingMinutes } from '../../option-parsers.js';

const simulate = () => import('../simulate.js');

export function register(program: Command, wire: Wire): void {
  const command = program
    .command('simulate')
    .description('control the simulated AWS of MEETCTL_SIMULATE=1 (kept between commands)');
  command
    .command('reset')
    .description("forget the simulated world of the config's stack; the next command starts a fresh one")
    .action(wire(async (context) => (await simulate()).simulateReset(context)));
  command
    .command('people')
    .description('set how many people are in the simulated call from now on')
    .argument('<count>', 'people in the call', nonNegativeInt)
    .action(wire(async (context, count: number) => (await simulate()).simulatePeople(context, count)));
  command
    .command('recording')
    .description('put a finished recording in the simulated recordings bucket, as the recorder uploads one')
    .option('--room <name>', 'the room it was recorded in', 'meetup')
    .addOption(new Option('--minutes <n>', `how long it is, 1 to ${MAX_WINDOW_MINUTES}`).argParser(recordingMinutes).default(30))
    .action(
      wire(async (context, options: { room: string; minutes: number }) => (await simulate()).simulateRecording(context, options)),
    );
}
