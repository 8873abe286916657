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
  /** A start is under way (the service asks for a task): say so, and reload sooner. */
  readonly starting?: boolean;
}

/** Seconds a browser may wait before asking again (the page is never cached longer). */
export const ASLEEP_RETRY_SECONDS = 60;
/**
 * The same while the server starts: the meeting is up in about a minute and a half, so a visitor
 * reloading every 10 s loses at most 10 s. 15 visitors are 1.5 requests a second, far under the
 * stage's throttle (ASLEEP_THROTTLE, src/infra/constructs/asleep-page.ts).
 */
export const STARTING_RETRY_SECONDS = 10;

/** Seconds the page asks a browser to wait before it asks again. */
export const retrySeconds = (input: Pick<AsleepPageInput, 'starting'>): number =>
  input.starting ? STARTING_RETRY_SECONDS : ASLEEP_RETRY_SECONDS;

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
  'body{font-family:system-ui,sans-serif;margin:0;line-height:1.5;color:#222;background:#f6f6f4}main{max-width:36rem;margin:0 auto;padding:3rem 1rem}h1{font-size:1.6rem;display:flex;align-items:center;gap:.6rem;margin:0 0 1rem}.card{background:#fff;border:1px solid #ddd;border-radius:.6rem;padding:.6rem 1.2rem;margin:0 0 1rem}.hint{color:#555}';
/**
 * The page's one style element: its own rules and the group's colours. The TLS sidecar's waking page
 * (src/asleep/waking-page.ts) uses the same, so a start looks the same from the first page to the last.
 */
export const asleepStyle = (branding: Branding | undefined) => `${STYLE}${brandStyle(branding)}`;

/**
 * How long a start takes, in the words the asleep page's starting card and the waking page both use
 * ("This usually takes …"), and the seconds those words claim. test/asleep/waking-page.test.ts holds
 * them to the start model (src/control/start-time.ts): a model that leaves less or more fails it.
 */
export const START_TAKES = { words: 'a minute or two', seconds: [60, 120] } as const;

/**
 * Members-only meetings (the organizer page exists): guests need no account and wait in the lobby,
 * members and organizers sign in at `pageUrl`. The asleep page and the TLS sidecar's waking page
 * (src/asleep/waking-page.ts) say it in these same words. `pageUrl` is escaped here.
 */
export function membersLines(pageUrl: string): string {
  return `<p>Guests need no account: once the server is up, you wait in the lobby until a member or the host is in.</p>
<p class="hint">Members and organizers: <a href="${escapeHtml(pageUrl)}">sign in</a> to join, or to start the server.</p>
`;
}

/** The whole HTML document. Every value from outside (names, the sign-in address) is escaped. */
export function asleepPage(input: AsleepPageInput): string {
  const next = input.next
    ? `<p>The next meetup is <strong>${escapeHtml(meetupTime(input.next.meetupAt, input.next.timeZone))}</strong>. The server wakes up by itself shortly before.</p>`
    : input.schedulesUnknown
      ? '<p>The next meetup could not be looked up just now.</p>'
      : '<p>No meetup is scheduled right now. The server wakes up when an organizer starts it.</p>';
  const name = escapeHtml(input.branding?.appName ?? input.host);
  const logo = brandLogo(input.branding);
  const members = input.pageUrl ? membersLines(input.pageUrl) : '';
  const state = input.starting ? 'is starting' : 'is asleep';
  const card = input.starting
    ? `<p>The meeting server is starting up for the meetup. This usually takes ${START_TAKES.words}.</p>\n`
    : `<p>This meeting server runs only during meetups, so that the community pays next to nothing between them.</p>\n${next}\n`;
  const reload = input.starting ? `every ${STARTING_RETRY_SECONDS} seconds` : 'every minute';
  return reloadingPage({
    refreshSeconds: retrySeconds(input),
    title: `${name} ${state}`,
    style: asleepStyle(input.branding),
    main: `<h1>${logo}${name} ${state}</h1>
<div class="card">
${card}</div>
<p>Keep this page open: it reloads ${reload} and opens the meeting as soon as the server is up.</p>
${members}`,
  });
}

/**
 * The document the asleep and the waking page share: it reloads itself, has one style element and
 * no script. Every value is already escaped HTML.
 */
export function reloadingPage(p: { refreshSeconds: number; title: string; style: string; main: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${p.refreshSeconds}">
<title>${p.title}</title>
<style>${p.style}</style>
</head>
<body>
<main>
${p.main}</main>
</body>
</html>
`;
}

/**
 * The asleep page's Content-Security-Policy: its one style (by hash) and the group's logo, no script
 * at all, and framed only by the embed origins (none by default).
 */
export function asleepCsp(branding: Branding | undefined, embedOrigins: readonly string[] = []): string {
  return onePageCsp(asleepStyle(branding), branding, embedOrigins);
}

/** The same policy for any page of ours with exactly one style element, `style`, and the group's logo. */
export function onePageCsp(styleText: string, branding: Branding | undefined, embedOrigins: readonly string[] = []): string {
  const style = `'sha256-${createHash('sha256').update(styleText).digest('base64')}'`;
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
