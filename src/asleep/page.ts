import { createHash } from 'node:crypto';
import type { Branding } from '../branding/jitsi-branding.js';
import { brandLogo, brandStyle, logoOrigin } from '../branding/page-branding.js';
import type { NextMeetup } from '../schedule/next.js';
import { escapeHtml } from '../web-escape.js';
import { frameAncestors } from '../web-headers.js';

/**
 * The page the meeting host answers while no task runs (the direct ingress mode points the host's
 * record at it between meetings): the server is asleep, and when the next scheduled meetup is.
 * Anyone can read it, so it shows the time of the next meetup and nothing a schedule says about
 * people: a schedule's description is not shown (older ones name who added them, issue 20).
 */
export interface AsleepPageInput {
  readonly host: string;
  readonly next?: NextMeetup;
  /** The schedules could not be read: say so instead of "no meetup". */
  readonly schedulesUnknown?: boolean;
  /** Members-only meetings: the organizer page, where members sign in (and organizers start). */
  readonly pageUrl?: string;
  /** The group's branding: its name, logo and colours on the page. */
  readonly branding?: Branding;
}

/** Seconds a browser may wait before asking again (the page is never cached longer). */
export const ASLEEP_RETRY_SECONDS = 60;

/** A meetup time as people in its time zone read it, e.g. "Wednesday 2 December 2026, 18:00 (Europe/Berlin)". */
export function meetupTime(at: number, timeZone: string): string {
  const text = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(at));
  return `${text} (${timeZone})`;
}

const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.5;color:#222}h1{font-size:1.6rem}';
/** The page's one style element: its own rules and the group's colours. */
const asleepStyle = (branding: Branding | undefined) => `${STYLE}${brandStyle(branding)}`;

/** The whole HTML document. Every value from outside (names, the sign-in address) is escaped. */
export function asleepPage(input: AsleepPageInput): string {
  const next = input.next
    ? `<p>The next meetup is <strong>${escapeHtml(meetupTime(input.next.meetupAt, input.next.timeZone))}</strong>. The server wakes up by itself shortly before.</p>`
    : input.schedulesUnknown
      ? '<p>The next meetup could not be looked up just now.</p>'
      : '<p>No meetup is scheduled. An organizer can start the server with <code>meetctl start</code>.</p>';
  const name = escapeHtml(input.branding?.appName ?? input.host);
  const logo = brandLogo(input.branding);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${ASLEEP_RETRY_SECONDS}">
<title>${name} is asleep</title>
<style>${asleepStyle(input.branding)}</style>
</head>
<body>
<h1>${logo}${name} is asleep</h1>
<p>This meeting server runs only during meetups, so that the community pays nothing between them.</p>
${next}
${input.pageUrl ? `<p>Members: <a href="${escapeHtml(input.pageUrl)}">sign in</a> to see the status, start the server (organizers) or join.</p>\n` : ''}<p>This page reloads every minute; the meeting opens here as soon as the server is up.</p>
</body>
</html>
`;
}

/**
 * The asleep page's Content-Security-Policy: its one style (by hash) and the group's logo, no script
 * at all, and framed only by the embed origins (none by default).
 */
export function asleepCsp(branding: Branding | undefined, embedOrigins: readonly string[] = []): string {
  const style = `'sha256-${createHash('sha256').update(asleepStyle(branding)).digest('base64')}'`;
  const logo = logoOrigin(branding);
  return [
    "default-src 'none'",
    `style-src ${style}`,
    ...(logo ? [`img-src ${logo}`] : []),
    frameAncestors(embedOrigins),
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}
