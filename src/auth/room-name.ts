/**
 * Room names, read the way Jitsi reads them, so that a host link, a member's join link and the
 * token in it name the room the meeting really opens. One function for `meetctl link`, the
 * organizer page and anything else that hands out a room (schedules name no room). Pure.
 *
 * What Jitsi does at stable/jitsi-meet_11146:
 * - the client takes the last segment of the meeting URL's path, after removing the characters
 *   `: ? # [ ] @ ! $ & ' ( ) * + , ; = < > / "` (react/features/base/util/uri.ts,
 *   `_ROOM_EXCLUDE_PATTERN`, "based on RFC 3986 and the jxmpp library utilized by jicofo") and
 *   whitespace (`parseStandardURIString`);
 * - it joins the XMPP room `getBackendSafeRoomName(room)`: percent-decoded when it decodes
 *   (`decodeURIComponent`, kept as it is otherwise), NFKC-normalized, lower-cased, percent-encoded
 *   again (`encodeURIComponent`) and lower-cased once more, so the room is ASCII: `Café` joins
 *   `caf%c3%a9`;
 * - prosody's token check (resources/prosody-plugins/token/util.lib.lua, `verify_room`) lets a
 *   token in when the room's node equals `string.lower` of the token's `room` claim (or the claim
 *   is `*`). So the claim must be that encoded, lower-case name.
 * A link to `https://<host>/<that name>` opens exactly that room, and the token in it matches.
 */

/** The characters Jitsi's client removes from a meeting URL's room (uri.ts, `_ROOM_EXCLUDE_PATTERN`). */
export const JITSI_EXCLUDED_CHARACTERS = `:?#[]@!$&'()*+,;=<>/"`;

/**
 * XMPP limits a room's node to 1023 bytes (RFC 7622, section 3.3.1); the encoded name is ASCII, so
 * one byte a character.
 */
export const MAX_ROOM_BYTES = 1023;

/** Jicofo's health check rooms, which prosody's modules treat apart (util.lib.lua, `is_healthcheck_room`). */
const HEALTH_CHECK_PREFIX = '__jicofo-health-check';

/**
 * Paths the meeting's web server answers itself instead of opening a room (docker-jitsi-meet
 * stable-11146-2, web/rootfs/defaults/meet.conf: `location = /config.js`, `/interface_config.js`,
 * `/external_api.js`, `/http-bind`, `/xmpp-websocket`; and `try_files $uri` serves any file of the
 * web root named like the room, such as index.html).
 */
const SERVED_PATHS = new Set(['config.js', 'interface_config.js', 'external_api.js', 'http-bind', 'xmpp-websocket']);
const WEB_FILE = /\.(html|js|json|css|ico|txt|map|png|svg|wasm)$/;

export type RoomName =
  | {
      readonly ok: true;
      /** The room as the MUC names it: the meeting URL's path segment and the token's `room` claim. */
      readonly room: string;
      /** The room as people read it (Jitsi shows this one), e.g. `café`. */
      readonly display: string;
    }
  | { readonly ok: false /** Why not, in plain words; the same on the page and in the CLI. */; readonly why: string };

const refused = (why: string): RoomName => ({ ok: false, why });

/** `decodeURIComponent` when the text decodes, the text itself otherwise (uri.ts, `safeDecodeURIComponent`). */
function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Jitsi's `getBackendSafeRoomName`, or undefined when it cannot encode the name (a broken character). */
function backendSafe(name: string): string | undefined {
  try {
    return encodeURIComponent(safeDecode(name).normalize('NFKC').toLowerCase()).toLowerCase();
  } catch {
    return undefined;
  }
}

/** Read a room name as Jitsi does, or say why it cannot be one. */
export function jitsiRoomName(input: string): RoomName {
  const decoded = safeDecode(input).normalize('NFKC');
  if (decoded.length === 0) return refused('the room name is empty: give one, e.g. weekly-meetup');
  const excluded = [...JITSI_EXCLUDED_CHARACTERS].find((c) => decoded.includes(c));
  if (excluded) {
    return refused(
      `the room name contains ${excluded === '"' ? "'\"'" : `"${excluded}"`}, which Jitsi removes from meeting links; leave out ${[...JITSI_EXCLUDED_CHARACTERS].join(' ')}`,
    );
  }
  const room = backendSafe(input);
  if (room === undefined) return refused('the room name contains a broken character (half of a surrogate pair)');
  if (room.length > MAX_ROOM_BYTES) {
    return refused(
      `the room name is too long: Jitsi's server takes at most ${MAX_ROOM_BYTES} bytes once encoded, this one has ${room.length}`,
    );
  }
  if (backendSafe(room) !== room) {
    return refused(
      'the room name has a combination of accents that Jitsi reads differently each time it opens the link; write it without them',
    );
  }
  // Browsers resolve these path segments away (WHATWG URL: single and double dot segments).
  if (room === '.' || room === '..')
    return refused('the room name cannot be only dots: in a web address they mean "this" or "the parent" folder');
  if (room.startsWith(HEALTH_CHECK_PREFIX))
    return refused(`room names starting with ${HEALTH_CHECK_PREFIX} are Jitsi's own health checks`);
  if (SERVED_PATHS.has(room) || WEB_FILE.test(room)) {
    return refused(
      'the room name looks like a file of the meeting web server, which would answer instead of the room; choose another',
    );
  }
  return { ok: true, room, display: safeDecode(room) };
}
