import { GROUPS } from '../../auth/jitsi-settings.js';
import { OUTPUT_NAMES } from '../../control/outputs.js';
import { ExitCode, MeetError } from '../../errors.js';
import type { Context } from '../context.js';
import { table } from '../output.js';
import { openSession, type Session } from '../session.js';
import { membersOnlyOutput } from './members-only.js';
import { confirm } from './operate.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** The address is the Cognito user name: AdminCreateUser takes 1 to 128 characters (its API reference). */
const MAX_EMAIL_LENGTH = 128;

function checkEmail(email: string): string {
  const normal = email.trim().toLowerCase();
  if (normal.length > MAX_EMAIL_LENGTH) {
    throw new MeetError(
      `the e-mail address is ${normal.length} characters long; a member's address is their Cognito user name, at most ${MAX_EMAIL_LENGTH}.`,
      ExitCode.usage,
      'Give a shorter address the member can sign in with.',
    );
  }
  if (!EMAIL.test(normal)) {
    throw new MeetError(
      `"${email}" is not an e-mail address.`,
      ExitCode.usage,
      'Give the address the member signs in with, e.g. ana@example.org.',
    );
  }
  return normal;
}

/** The stack's user pool, or a clear error when meetings are open or the stack predates it. */
const userPool = (session: Session): Promise<string> =>
  membersOnlyOutput(session, OUTPUT_NAMES.userPool, {
    openMessage: 'meetings are open to anyone with the link ("auth": "open"): there are no member accounts.',
    openHint: 'Set "auth": "members" in the config and run `meetctl deploy` for members-only meetings.',
    missing: 'user pool',
  });

/** Turn Cognito's "exists" and "not found" into the errors a person can act on. */
async function users<T>(session: Session, doing: string, email: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'UsernameExistsException')
      throw new MeetError(
        `${email} already has an account.`,
        ExitCode.failed,
        `\`meetctl users promote ${email}\` makes them an organizer.`,
      );
    if (name === 'UserNotFoundException')
      throw new MeetError(`there is no account for ${email}.`, ExitCode.failed, '`meetctl users list` shows the accounts.');
    return session.guard(doing, () => Promise.reject(error));
  }
}

/** `meetctl users add EMAIL [--name NAME] [--organizer]`: Cognito e-mails a temporary password. */
export async function usersAdd(ctx: Context, rawEmail: string, options: { name?: string; organizer?: boolean }): Promise<number> {
  const email = checkEmail(rawEmail);
  if (options.name !== undefined && (options.name.trim() === '' || options.name.length > 100 || /[\p{Cc}]/u.test(options.name))) {
    throw new MeetError(
      `--name "${options.name}" is not a name to show.`,
      ExitCode.usage,
      'Give 1 to 100 characters on one line, e.g. --name "Ana Lima", or leave --name out.',
    );
  }
  const session = await openSession(ctx);
  const pool = await userPool(session);
  const groups = [GROUPS.members, ...(options.organizer ? [GROUPS.organizers] : [])];
  if (ctx.options.dryRun) {
    ctx.out.line(`Would add ${email} to ${groups.join(' and ')}; Cognito would e-mail a temporary password.`);
    return ExitCode.ok;
  }
  const ports = session.ports.users;
  await users(session, `adding ${email}`, email, () =>
    ports.add(pool, { email, ...(options.name ? { name: options.name } : {}) }),
  );
  for (const group of groups)
    await users(session, `adding ${email} to ${group}`, email, () => ports.addToGroup(pool, email, group));
  if (ctx.options.json) ctx.out.json({ added: email, groups });
  else ctx.out.line(`Added ${email} (${groups.join(', ')}). Cognito has e-mailed a temporary password, valid 7 days.`);
  return ExitCode.ok;
}

/** `meetctl users remove EMAIL`: deletes the account after the e-mail is typed (or --yes). */
export async function usersRemove(ctx: Context, rawEmail: string): Promise<number> {
  const email = checkEmail(rawEmail);
  const session = await openSession(ctx);
  const pool = await userPool(session);
  if (ctx.options.dryRun) {
    ctx.out.line(`Would delete the account of ${email}.`);
    return ExitCode.ok;
  }
  await confirm(ctx, `This deletes the account of ${email}; adding it again sends a new temporary password.`, email);
  await users(session, `removing ${email}`, email, () => session.ports.users.remove(pool, email));
  if (ctx.options.json) ctx.out.json({ removed: email });
  else ctx.out.line(`Removed ${email}.`);
  return ExitCode.ok;
}

/** `meetctl users promote EMAIL [--demote]`: into (or out of) the organizers group. */
export async function usersPromote(ctx: Context, rawEmail: string, options: { demote?: boolean }): Promise<number> {
  const email = checkEmail(rawEmail);
  const session = await openSession(ctx);
  const pool = await userPool(session);
  const verb = options.demote ? 'remove from' : 'add to';
  if (ctx.options.dryRun) {
    ctx.out.line(`Would ${verb} organizers: ${email}.`);
    return ExitCode.ok;
  }
  const ports = session.ports.users;
  await users(session, `changing ${email}`, email, () =>
    options.demote ? ports.removeFromGroup(pool, email, GROUPS.organizers) : ports.addToGroup(pool, email, GROUPS.organizers),
  );
  if (ctx.options.json) ctx.out.json({ email, organizer: !options.demote });
  else ctx.out.line(options.demote ? `${email} is no longer an organizer.` : `${email} is now an organizer.`);
  return ExitCode.ok;
}

/** `meetctl users list`. */
export async function usersList(ctx: Context): Promise<number> {
  const session = await openSession(ctx);
  const pool = await userPool(session);
  const members = await session.guard('listing the accounts', () => session.ports.users.list(pool));
  if (ctx.options.json) ctx.out.json({ users: members });
  else if (members.length === 0) ctx.out.line('No accounts yet. `meetctl users add EMAIL` adds one.');
  else {
    ctx.out.line(
      table(
        ['E-mail', 'Name', 'Groups', 'Status'],
        members.map((m) => [m.email, m.name ?? '-', m.groups.join(', ') || '-', `${m.status}${m.enabled ? '' : ' (disabled)'}`]),
      ),
    );
  }
  return ExitCode.ok;
}
