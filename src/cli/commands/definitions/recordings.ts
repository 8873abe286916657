import type { Command } from 'commander';
import type { Wire } from '../../command-wiring.js';

const recordings = () => import('../recordings.js');

export function register(program: Command, wire: Wire): void {
  const command = program.command('recordings').description('recordings in the S3 bucket: list, download, delete');
  command
    .command('list')
    .description('every recording, newest first, with its day, room, length and size')
    .option('--day <yyyy-mm-dd>', 'only this day')
    .option('--room <name>', 'only this room')
    .action(
      wire(async (context, options: { day?: string; room?: string }) => (await recordings()).recordingsList(context, options)),
    );
  command
    .command('download')
    .description('copy a recording to a local file (never overwrites one)')
    .argument('<recording>', 'its key, or its file name when that is unique')
    .option('--to <path>', 'where to write it (default: the file name, in this folder)')
    .action(
      wire(async (context, name: string, options: { to?: string }) =>
        (await recordings()).recordingsDownload(context, name, options),
      ),
    );
  command
    .command('delete')
    .description('delete a recording and its metadata for good (asks you to type the file name)')
    .argument('<recording>', 'its key, or its file name when that is unique')
    .action(wire(async (context, name: string) => (await recordings()).recordingsDelete(context, name)));
}
