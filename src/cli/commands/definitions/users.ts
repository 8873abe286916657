import type { Command } from 'commander';
import type { Wire } from '../../command-wiring.js';

const users = () => import('../users.js');

export function register(program: Command, wire: Wire): void {
  const command = program.command('users').description('member accounts (members-only meetings): add, remove, list, promote');
  command
    .command('add')
    .description('create an account; Cognito e-mails a temporary password')
    .argument('<email>', 'the address the member signs in with')
    .option('--name <name>', 'the name shown in meetings')
    .option('--organizer', 'also an organizer (start, stop, schedules, recording)')
    .action(
      wire(async (context, email: string, options: { name?: string; organizer?: boolean }) =>
        (await users()).usersAdd(context, email, options),
      ),
    );
  command
    .command('remove')
    .description('delete an account (asks you to type the e-mail)')
    .argument('<email>')
    .action(wire(async (context, email: string) => (await users()).usersRemove(context, email)));
  command
    .command('list')
    .description('every account with its groups and status')
    .action(wire(async (context) => (await users()).usersList(context)));
  command
    .command('promote')
    .description('make a member an organizer (--demote: the other way)')
    .argument('<email>')
    .option('--demote', 'remove from the organizers')
    .action(
      wire(async (context, email: string, options: { demote?: boolean }) =>
        (await users()).usersPromote(context, email, options),
      ),
    );
}
