import { listed, type RotationOutcome, rotateSecrets, rotationRefusal } from '../../control/rotation.js';
import { ExitCode, MeetError } from '../../errors.js';
import type { Context } from '../context.js';
import { openSession } from '../session.js';
import { confirm } from './operate.js';

/**
 * `meetctl rotate-secrets`: new internal passwords and a new Jitsi token secret, only while the
 * platform is stopped. Host links made before stop working (their tokens were signed with the old
 * secret), so it asks first.
 */
export async function rotate(ctx: Context, options: { reason?: string }): Promise<number> {
  const session = await openSession(ctx);
  const snapshot = await session.snapshot();
  const why = rotationRefusal(snapshot);
  if (ctx.options.dryRun) {
    ctx.out.line(
      why
        ? `Would refuse: ${why}. Secrets rotate only while nothing runs.`
        : "Would give the internal passwords (the recorder's too) and the Jitsi token secret new values; the next start uses them.",
    );
    return ExitCode.ok;
  }
  if (!why && session.config.auth === 'members') {
    await confirm(
      ctx,
      'Host links made with `meetctl link` stop working (they were signed with the old token secret); members just sign in again.',
      'rotate',
    );
  }
  const outcome: RotationOutcome = await session.guard('rotating the secrets', () =>
    rotateSecrets(
      { actor: ctx.deps.actor, reason: options.reason ?? 'meetctl rotate-secrets' },
      session.runtime(() => {}),
    ),
  );
  if (ctx.options.json)
    ctx.out.json({
      outcome: outcome.outcome,
      rotated: outcome.rotated,
      keys: outcome.keys,
      ...(outcome.error ? { error: outcome.error } : {}),
    });
  else if (outcome.outcome === 'done')
    ctx.out.line(`Rotated ${outcome.keys} keys in the ${listed(outcome.rotated)}. The next start uses the new values.`);
  if (outcome.outcome !== 'done') {
    throw new MeetError(
      `rotation failed: ${outcome.error ?? outcome.outcome}.`,
      ExitCode.failed,
      'Run `meetctl rotate-secrets` again; `meetctl history` shows the attempt.',
    );
  }
  return ExitCode.ok;
}
