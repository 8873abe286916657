import { ExitCode, MeetError } from '../../errors.js';
import type { Session } from '../session.js';

/**
 * A stack output that exists only for members-only meetings (the user pool, the token secret), or
 * a clear error: the config says meetings are open (`openMessage`), or the deployed stack predates it.
 */
export async function membersOnlyOutput(
  session: Session,
  output: string,
  what: { readonly openMessage: string; readonly openHint: string; readonly missing: string },
): Promise<string> {
  if (session.config.auth === 'open') throw new MeetError(what.openMessage, ExitCode.usage, what.openHint);
  const stack = await session.guard('reading the stack', () => session.ports.stack.describe());
  const value = stack?.outputs[output];
  if (!value) {
    throw new MeetError(
      `stack ${session.config.stackName} has no ${what.missing} yet.`,
      ExitCode.failed,
      'Deploy the current config first (`meetctl deploy`): it turns on members-only meetings.',
    );
  }
  return value;
}
