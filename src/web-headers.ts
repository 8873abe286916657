/**
 * Response headers every public web answer of the platform shares (issue 20): the meeting host in
 * both ingress modes, its asleep page, and the organizer page. Pure: the TLS sidecar's nginx, the web
 * container's nginx (load-balancer mode) and the page functions all take them from here.
 */

/** HSTS: a year, for the host only (the organizer page's host sends its own). */
export const HSTS = 'max-age=31536000';

/**
 * Who may show a page in a frame. Nobody by default (clickjacking); a community that embeds the
 * meeting in its own website lists that site's origin in the config's `embedOrigins`.
 */
export function frameAncestors(embedOrigins: readonly string[] = []): string {
  return `frame-ancestors ${embedOrigins.length > 0 ? embedOrigins.join(' ') : "'none'"}`;
}

/** Environment variable the functions on the meeting host read the embed origins from (JSON array). */
export const EMBED_ORIGINS_ENV = 'EMBED_ORIGINS';

/** The embed origins a function was deployed with; anything but a JSON array of https origins counts as none. */
export function embedOriginsFromEnv(text: string | undefined): string[] {
  if (!text) return [];
  try {
    const value = JSON.parse(text) as unknown;
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && HTTPS_ORIGIN.test(v)) : [];
  } catch {
    return [];
  }
}

/** An https origin as a CSP source: scheme, host and an optional port; no path, no wildcard. */
export const HTTPS_ORIGIN = /^https:\/\/([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}(:\d{1,5})?$/;
