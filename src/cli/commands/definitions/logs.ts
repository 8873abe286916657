import type { Command } from 'commander';
import type { Wire } from '../../command-wiring.js';

export function register(program: Command, wire: Wire): void {
  program
    .command('logs')
    .description('container logs')
    .option('-f, --follow', 'keep printing new lines until Ctrl-C')
    .option(
      '--container <name>',
      "only this container: web, prosody, jicofo, jvb, stats, tls, or the recorder's jibri and recorder-status",
    )
    .option('--since <duration>', 'how far back: 30s, 10m, 2h, 1d', '10m')
    .action(
      wire(async (context, options: { follow?: boolean; container?: string; since?: string }) =>
        (await import('../inspect.js')).logs(context, options),
      ),
    );
}
