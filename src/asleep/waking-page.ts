import type { Branding } from '../branding/jitsi-branding.js';
import { brandLogo } from '../branding/page-branding.js';
import { escapeHtml } from '../web-escape.js';
import { asleepStyle, membersLines, onePageCsp, reloadingPage, START_TAKES } from './page.js';

/**
 * The page the direct mode's TLS sidecar answers while the web container does not (the task is
 * starting, or going back to sleep): the asleep page's look (its style sheet, the group's name, logo
 * and colours), plain words, no script, and a refresh that opens the meeting once it is up. A guest
 * who opens the link during a start sees the asleep page, this page, then the meeting, all alike.
 * Pure: src/infra/tls-proxy.ts embeds it in the sidecar's nginx.conf.
 */
export interface WakingPageInput {
  /** The meeting host: the page's name when the config sets no `branding.appName`. */
  readonly host: string;
  readonly branding?: Branding | undefined;
  /** Seconds between the page's own reloads (the sidecar's Retry-After says the same). */
  readonly retrySeconds: number;
  /**
   * Members-only meetings: the organizer page, where members sign in (and organizers start). The page
   * then tells guests and members what the asleep page tells them (membersLines).
   */
  readonly pageUrl?: string | undefined;
}

/**
 * Text from outside (the group's name, the logo's address) as HTML, with `$` and `\` as character
 * references too: nginx reads the page as a quoted string in which `$` starts a variable and has no
 * escape of its own (ngx_http_script.c compiles `return`'s text as a complex value), so no character
 * of the config may reach nginx as `$`. The browser shows both as they are.
 */
export const nginxSafeHtml = (html: string): string => html.replace(/[$\\]/g, (c) => (c === '$' ? '&#36;' : '&#92;'));

/** The page's one style element: the asleep page's, with the group's colours. */
export const wakingStyle = (branding: Branding | undefined): string => asleepStyle(branding);

/** The whole HTML document. */
export function wakingPage(input: WakingPageInput): string {
  const name = nginxSafeHtml(escapeHtml(input.branding?.appName ?? input.host));
  const logo = nginxSafeHtml(brandLogo(input.branding));
  const members = input.pageUrl ? nginxSafeHtml(membersLines(input.pageUrl)) : '';
  // Members-only: members have something to do (sign in), so the page does not say there is nothing.
  const nothingElse = members ? '' : ' There is nothing else to do.';
  return reloadingPage({
    refreshSeconds: input.retrySeconds,
    title: `${name} is starting`,
    style: wakingStyle(input.branding),
    main: `<h1>${logo}${name} is starting</h1>
<div class="card">
<p>The meeting server is waking up. This usually takes ${START_TAKES.words}.</p>
<p class="hint">Right after a meetup it may be going back to sleep instead: then, within two minutes, this page shows that it is asleep.</p>
</div>
<p>Keep this page open: it reloads by itself every ${input.retrySeconds} seconds and opens the meeting as soon as the server is up.${nothingElse}</p>
${members}`,
  });
}

/**
 * The waking page's Content-Security-Policy: its one style (by hash) and the group's logo, no script,
 * framed only by the embed origins. The sidecar sends it on the waking page alone; the meeting it
 * proxies keeps the host's own headers.
 */
export function wakingCsp(branding: Branding | undefined, embedOrigins: readonly string[] = []): string {
  return onePageCsp(wakingStyle(branding), branding, embedOrigins);
}
