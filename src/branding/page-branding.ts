import { escapeHtml } from '../web-escape.js';
import type { Branding } from './jitsi-branding.js';

/** The group's branding on our own pages (the organizer page and the asleep page). Pure. */

/**
 * The group's colours over the page's own: buttons and headings in the primary colour, a band of the
 * background colour at the top. Colours are validated #rrggbb by the config schema; empty when unbranded.
 */
export function brandStyle(branding: Branding | undefined): string {
  const rules: string[] = [];
  const primary = colour(branding?.primaryColor);
  const background = colour(branding?.backgroundColor);
  if (primary) rules.push(`h1,h2{color:${primary}}#join,#start,#add{background:${primary};border-color:${primary};color:#fff}`);
  if (background) rules.push(`body{border-top:.5rem solid ${background};padding-top:1rem}`);
  return rules.join('');
}

/** A colour as the schema allows it (#rrggbb), or nothing: only such a value ever reaches a style. */
const colour = (value: string | undefined) => (value && /^#[0-9a-fA-F]{6}$/.test(value) ? value : undefined);

/** Environment variable the page functions read the branding from (JSON). */
export const BRANDING_ENV = 'BRANDING';

/**
 * The branding a page function was deployed with: the known text fields of the JSON in its
 * environment; anything else (or no variable, or broken JSON) is no branding.
 */
export function brandingFromEnv(text: string | undefined): Branding | undefined {
  if (!text) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!raw || typeof raw !== 'object') return undefined;
  const fields = ['appName', 'logoUrl', 'websiteUrl', 'primaryColor', 'backgroundColor', 'welcomeText'] as const;
  const out: Record<string, string> = {};
  for (const field of fields) {
    const value = (raw as Record<string, unknown>)[field];
    if (typeof value === 'string' && value) out[field] = value;
  }
  for (const url of ['logoUrl', 'websiteUrl'] as const) if (out[url] && !isHttpsUrl(out[url])) delete out[url];
  return Object.keys(out).length ? (out as Branding) : undefined;
}

/** The origin a logo URL loads from (the CSP allows images from it and from the page itself). */
export const logoOrigin = (branding: Branding | undefined) => (branding?.logoUrl ? new URL(branding.logoUrl).origin : undefined);

/** The logo as an image before the heading's text, or nothing. */
export function brandLogo(branding: Branding | undefined): string {
  return branding?.logoUrl ? `<img src="${escapeHtml(branding.logoUrl)}" alt="" height="40"> ` : '';
}

function isHttpsUrl(text: string): boolean {
  try {
    return new URL(text).protocol === 'https:';
  } catch {
    return false;
  }
}
