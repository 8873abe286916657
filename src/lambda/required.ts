import type { Branding } from '../branding/jitsi-branding.js';
import { BRANDING_ENV, brandingFromEnv } from '../branding/page-branding.js';

/** The value of an environment variable the stack sets; names it when missing. */
export function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** The branding the stack gave a page function, as a spreadable `{ branding }` (nothing when unbranded). */
export function withBranding(): { branding?: Branding } {
  const branding = brandingFromEnv(process.env[BRANDING_ENV]);
  return branding ? { branding } : {};
}
