import { randomUUID } from 'node:crypto';
import { featuresFor, JITSI_APP_ID, JITSI_AUDIENCE, JWT_SECRET_KEY } from '../../auth/jitsi-settings.js';
import { mintJitsiToken } from '../../auth/jitsi-token.js';
import { jitsiRoomName } from '../../auth/room-name.js';
import { OUTPUT_NAMES } from '../../control/outputs.js';
import { ExitCode, MeetError } from '../../errors.js';
import type { Context } from '../context.js';
import { openSession } from '../session.js';
import { membersOnlyOutput } from './members-only.js';

/** What `link --json` prints. */
export interface LinkJson {
  /** The room as the meeting names it: lower case, percent-encoded (the URL's path and the token's room). */
  readonly room: string;
  /** The host link (it carries the token). */
  readonly url: string;
  /** The same room without a token, for everyone else. */
  readonly guestUrl: string;
  readonly expiresAt: string;
  readonly name: string;
}

/** One line of text: no control characters. */
const ONE_LINE = /^[^\p{Cc}\u2028\u2029]*$/u;

/** The longest a host link may live (it carries a token in the URL). */
export const MAX_LINK_HOURS = 12;

/**
 * `meetctl link ROOM [--hours 3] [--name Host]`: a one-off host link for a person without an
 * account. It opens ROOM as a member would, so guests waiting there get in, and makes its holder a
 * moderator who can neither record nor stream (that is for organizers). ROOM is read as Jitsi reads
 * it (src/auth/room-name.ts), like the organizer page does. The token is signed with the stack's
 * Jitsi token secret, read from Secrets Manager and never written anywhere.
 */
export async function link(ctx: Context, input: string, options: { hours: number; name?: string }): Promise<number> {
  const roomName = jitsiRoomName(input);
  if (!roomName.ok) {
    throw new MeetError(
      `room ${JSON.stringify(input)} cannot be used: ${roomName.why}.`,
      ExitCode.usage,
      'Give the room as people type it in Jitsi, e.g. weekly-meetup or "Café Sync".',
    );
  }
  const { room } = roomName;
  if (!(options.hours >= 1 && options.hours <= MAX_LINK_HOURS)) {
    throw new MeetError(
      `--hours ${options.hours} is out of range.`,
      ExitCode.usage,
      `Give 1 to ${MAX_LINK_HOURS} hours: the token travels in the URL, so it must not live long.`,
    );
  }
  const holder = (options.name ?? 'Host').trim();
  if (!holder || holder.length > 64 || !ONE_LINE.test(holder)) {
    throw new MeetError(
      `--name "${options.name}" is not a name to show in the meeting.`,
      ExitCode.usage,
      'Give 1 to 64 characters on one line, e.g. --name "Ana (host)", or leave --name out for "Host".',
    );
  }
  const session = await openSession(ctx);
  const secretArn = await membersOnlyOutput(session, OUTPUT_NAMES.tokenSecret, {
    openMessage: 'meetings are open to anyone with the link ("auth": "open"): no host link is needed.',
    openHint: 'Share https://<host>/<room> as it is, or set "auth": "members" and deploy for members-only meetings.',
    missing: 'Jitsi token secret',
  });
  const raw = await session.guard('reading the Jitsi token secret', () => session.ports.secrets.value(secretArn));
  const secret = (JSON.parse(raw || '{}') as Record<string, unknown>)[JWT_SECRET_KEY];
  if (typeof secret !== 'string' || !secret) {
    throw new MeetError('the Jitsi token secret holds no key.', ExitCode.failed, 'Run `meetctl deploy` to generate it again.');
  }
  const now = session.clock.now();
  const token = await mintJitsiToken(
    { appId: JITSI_APP_ID, secret, audience: JITSI_AUDIENCE, host: session.config.domain },
    {
      room,
      user: { id: `link:${randomUUID()}`, name: holder },
      features: featuresFor('host-link'),
      lifetimeSeconds: Math.round(options.hours * 3600),
      now,
    },
  );
  const result: LinkJson = {
    room,
    url: `https://${session.config.domain}/${room}?jwt=${token}`,
    guestUrl: `https://${session.config.domain}/${room}`,
    expiresAt: new Date(now + options.hours * 3_600_000).toISOString(),
    name: holder,
  };
  if (ctx.options.json) ctx.out.json(result);
  else {
    ctx.out.line(result.url);
    ctx.out.note(
      `Host link for room ${JSON.stringify(roomName.display)}, valid until ${result.expiresAt} (UTC). Whoever opens it is let in as a member (a moderator who cannot record) and lets the waiting guests in; share it only with the host. Everyone else joins at ${result.guestUrl}.`,
    );
  }
  return ExitCode.ok;
}
