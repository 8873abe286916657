import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verifyJitsiToken } from '../../src/auth/jitsi-token.js';
import { jitsiRoomName, MAX_ROOM_BYTES } from '../../src/auth/room-name.js';
import { exchangeForJitsiToken } from '../../src/auth/token-exchange.js';

/**
 * What Jitsi's client makes of a meeting link, re-implemented from jitsi-meet
 * stable/jitsi-meet_11146, react/features/base/util/uri.ts: `parseStandardURIString` strips
 * whitespace, `parseURIString` removes `_ROOM_EXCLUDE_PATTERN`'s characters from each path segment
 * and takes the last one as the room, and the conference joins `getBackendSafeRoomName(room)`
 * (decode if it decodes, NFKC, lower case, encode, lower case again).
 */
function roomJitsiJoins(link: string): string | undefined {
  const pathname = new URL(link.replace(/\s/g, '')).pathname;
  const segment = pathname.split('/').map((part) => part.replace(/[:?#[\]@!$&'()*+,;=></"]/g, ''));
  const room = segment[segment.length - 1];
  if (!room) return undefined;
  let decoded = room;
  try {
    decoded = decodeURIComponent(room);
  } catch {
    // kept as it is, as getBackendSafeRoomName does
  }
  return encodeURIComponent(decoded.normalize('NFKC').toLowerCase()).toLowerCase();
}

/**
 * XMPP's nodeprep (RFC 7622 / RFC 3920 appendix A) would change a node with upper case letters and
 * refuse one with space, `"&'/:<>@` or control characters; prosody preps every JID it routes.
 */
const nodeprepKeeps = (node: string) => /^[\x21-\x7e]+$/.test(node) && !/[A-Z"&'/:<>@]/.test(node);

/** Any text: astral characters, combining marks, compatibility forms, lone surrogates, percent signs. */
const anyName = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({
    unit: fc.constantFrom('a', 'Z', '%', '2', 'e', 'F', 'c', '3', ' ', '.', '!', 'İ', '\u0345', 'ǅ', '\uD800', '/', 'é'),
    maxLength: 12,
  }),
);

const settings = {
  appId: 'meetctl',
  secret: 'a-secret-of-at-least-32-bytes-for-hs256!!',
  audience: 'jitsi',
  host: 'meet.example.org',
};

describe('room names, read as Jitsi reads them', () => {
  it.each([
    ['weekly-meetup', 'weekly-meetup', 'weekly-meetup'],
    ['Weekly Meetup', 'weekly%20meetup', 'weekly meetup'],
    ['team.sync', 'team.sync', 'team.sync'],
    ['Café', 'caf%c3%a9', 'café'],
    ['caf%C3%A9', 'caf%c3%a9', 'café'],
    ['Ｗｅｅｋｌｙ', 'weekly', 'weekly'],
    ['Встреча', '%d0%b2%d1%81%d1%82%d1%80%d0%b5%d1%87%d0%b0', 'встреча'],
    ['100%', '100%25', '100%'],
    ['勉強会', '%e5%8b%89%e5%bc%b7%e4%bc%9a', '勉強会'],
  ])('%s becomes %s', (input, room, display) => {
    expect(jitsiRoomName(input)).toEqual({ ok: true, room, display });
  });

  it.each([
    ['', /empty/],
    ['../admin', /contains "\/", which Jitsi removes/],
    ['hello!', /contains "!"/],
    ["it's", /contains "'"/],
    ['a%2Fb', /contains "\/"/],
    ['！', /contains "!"/],
    ['a"b', /contains '"'/],
    ['*', /contains "\*"/],
    ['\uD800x', /broken character/],
    ['x'.repeat(MAX_ROOM_BYTES + 1), /too long.*1023 bytes.*1024/],
    ['é'.repeat(171), /too long/],
    ['config.js', /file of the meeting web server/],
    ['Index.HTML', /file of the meeting web server/],
    ['http-bind', /file of the meeting web server/],
    ['__jicofo-health-check-1', /health checks/],
    ['.', /only dots/],
    ['..', /only dots/],
    ['İ\u05a5', /reads differently each time/],
  ])('refuses %j, saying why', (input, why) => {
    const name = jitsiRoomName(input);
    expect(name.ok).toBe(false);
    if (!name.ok) expect(name.why).toMatch(why);
  });

  it('takes the longest name XMPP allows', () => {
    expect(jitsiRoomName('x'.repeat(MAX_ROOM_BYTES))).toMatchObject({ ok: true });
  });

  it('fuzzed: any text is a room whose link Jitsi opens as that room and whose token prosody lets in, or is refused with a reason', async () => {
    await fc.assert(
      fc.asyncProperty(anyName, async (input) => {
        const name = jitsiRoomName(input);
        if (!name.ok) {
          expect(name.why.length).toBeGreaterThan(10);
          return;
        }
        // The link opens exactly this room, which XMPP keeps as it is and takes in length.
        expect(roomJitsiJoins(`https://meet.example.org/${name.room}`)).toBe(name.room);
        expect(nodeprepKeeps(name.room)).toBe(true);
        expect(name.room.length).toBeLessThanOrEqual(MAX_ROOM_BYTES);
        // Reading it again changes nothing (the page keeps it in a cookie across the sign-in).
        expect(jitsiRoomName(name.room)).toEqual(name);
        // So does typing the name as shown, unless it shows a % (which may start an escape).
        if (!name.display.includes('%')) expect(jitsiRoomName(name.display)).toEqual(name);
      }),
      { numRuns: 2000 },
    );
  });

  it("fuzzed: a member's token is let in by prosody for the room the link opens", async () => {
    const identity = { sub: 'u1', groups: ['members'] };
    await fc.assert(
      fc.asyncProperty(anyName, async (input) => {
        const name = jitsiRoomName(input);
        fc.pre(name.ok);
        const joined = await exchangeForJitsiToken({
          verify: async () => identity,
          idToken: 'id-token',
          room: input,
          settings,
          lifetimeSeconds: 3600,
          now: Date.now(),
        });
        const room = roomJitsiJoins(joined.url) ?? '';
        expect(await verifyJitsiToken(joined.token, { ...settings, room, now: Date.now() })).toMatchObject({ ok: true });
      }),
      { numRuns: 200 },
    );
  });
});
