import { X509Certificate } from 'node:crypto';
import { promises as dnsPromises } from 'node:dns';
import type { Clock } from '../control/ports.js';
import { AcmeClient } from './acme.js';
import { orderCertificate } from './acme-order.js';
import { createCsr, newPrivateKeyPem } from './csr.js';
import { verifyTxtRecord } from './dns-check.js';

/**
 * The meeting host's publicly trusted certificate for a task that terminates TLS itself (the
 * no-load-balancer ingress mode): issued once and renewed ahead of expiry over ACME with DNS-01 on
 * the community's zone, by a scheduled function, never per start. Let's Encrypt allows 5
 * certificates per exact set of names per week and 5 failed validations per name per hour; the
 * retry policy here stays under both.
 */

/** What is kept in the certificate's own secret. */
export interface StoredCertificate {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  /** The ACME account key, reused across renewals. */
  readonly accountKeyPem: string;
  /** The host the certificate names and the CA that issued it: another of either means a new certificate. */
  readonly host?: string;
  readonly directoryUrl?: string;
  /** Epoch ms. */
  readonly notAfter: number;
  readonly issuedAt: number;
  /** Recent issuances and failed attempts (epoch ms), for the rate limits. */
  readonly history: { readonly issued: readonly number[]; readonly failures: readonly number[] };
}

export interface CertificatePorts {
  readonly dns: {
    /** UPSERT the TXT record `name` with `value`; returns the Route 53 change id. */
    setTxt(name: string, value: string): Promise<string>;
    /** Resolve once Route 53 reports the change INSYNC. */
    waitInSync(changeId: string): Promise<void>;
    /** DELETE the TXT record `name` with `value` (best effort). */
    removeTxt(name: string, value: string): Promise<void>;
  };
  readonly store: {
    load(): Promise<StoredCertificate | undefined>;
    save(certificate: StoredCertificate): Promise<void>;
  };
  /** E-mail the alert address. */
  readonly notify: (subject: string, message: string) => Promise<void>;
  readonly clock: Clock;
}

export interface CertificateSettings {
  /** The meeting host, e.g. meet.example.org. */
  readonly host: string;
  /** The ACME account's contact address. */
  readonly email: string;
  /** Let's Encrypt by default (see LETS_ENCRYPT); any RFC 8555 directory works. */
  readonly directoryUrl: string;
  /** Renew when fewer days than this are left. */
  readonly renewBeforeDays?: number;
  /** E-mail when a renewal keeps failing and fewer days than this are left. */
  readonly alertBeforeDays?: number;
  /**
   * Skip the look-up of the TXT record in DNS before the CA is asked: only for tests that make the
   * CA see a wrong record. In production the Route 53 INSYNC wait comes first anyway.
   */
  readonly skipChallengeVerification?: boolean;
  /** DNS servers (`host:port`) for that look-up instead of the system's (tests: pebble-challtestsrv). */
  readonly dnsServers?: readonly string[];
  /** Extra CA certificate to trust for the directory's HTTPS (tests against pebble). */
  readonly directoryCa?: string;
}

export const LETS_ENCRYPT = 'https://acme-v02.api.letsencrypt.org/directory';
export const RENEW_BEFORE_DAYS = 30;
export const ALERT_BEFORE_DAYS = 14;
/** Failed attempts allowed per hour (Let's Encrypt allows 5 failed validations per name per hour). */
export const MAX_FAILURES_PER_HOUR = 3;
/** Issuances allowed per week (Let's Encrypt allows 5 per exact set of names per week). */
export const MAX_ISSUED_PER_WEEK = 4;

export type CertificateResult =
  | { readonly action: 'not-due'; readonly daysLeft: number }
  | { readonly action: 'issued' | 'renewed'; readonly notAfter: number }
  | { readonly action: 'deferred'; readonly why: string; readonly daysLeft?: number }
  | { readonly action: 'failed'; readonly why: string; readonly daysLeft?: number; readonly alerted: boolean };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Days left on a certificate at `now`, rounded down. */
export const daysLeft = (notAfter: number, now: number): number => Math.floor((notAfter - now) / DAY);

/** The record name Let's Encrypt reads for a DNS-01 challenge of `host`. */
export const challengeName = (host: string): string => `_acme-challenge.${host.replace(/\.$/, '').toLowerCase()}`;

/**
 * Make sure a valid certificate is stored: nothing when it is not due, an issuance (first time) or a
 * renewal when it is, within the rate limits. A failure is recorded, and e-mailed once the
 * certificate is missing or has fewer than `alertBeforeDays` left.
 */
export async function ensureCertificate(ports: CertificatePorts, settings: CertificateSettings): Promise<CertificateResult> {
  const now = ports.clock.now();
  const stored = await ports.store.load();
  const renewBefore = (settings.renewBeforeDays ?? RENEW_BEFORE_DAYS) * DAY;
  // A certificate for another host name or from another CA (staging → production) is no certificate for this one.
  const current = stored?.host === settings.host && stored.directoryUrl === settings.directoryUrl ? stored : undefined;
  if (current && current.notAfter - now > renewBefore) return { action: 'not-due', daysLeft: daysLeft(current.notAfter, now) };
  const left = current ? daysLeft(current.notAfter, now) : undefined;
  const history = {
    issued: (stored?.history.issued ?? []).filter((t) => now - t < 7 * DAY),
    failures: (stored?.history.failures ?? []).filter((t) => now - t < DAY),
  };
  const failuresLastHour = history.failures.filter((t) => now - t < HOUR).length;
  if (failuresLastHour >= MAX_FAILURES_PER_HOUR) {
    return deferred(
      `${failuresLastHour} failed attempts in the last hour; the next is after the hour (CA limit: 5 per hour)`,
      left,
    );
  }
  if (history.issued.length >= MAX_ISSUED_PER_WEEK) {
    return deferred(`${history.issued.length} certificates issued this week (CA limit: 5 per week)`, left);
  }
  try {
    const issued = await issue(ports, settings, stored?.accountKeyPem);
    await ports.store.save({
      ...issued,
      host: settings.host,
      directoryUrl: settings.directoryUrl,
      issuedAt: now,
      history: { issued: [...history.issued, now], failures: history.failures },
    });
    return { action: current ? 'renewed' : 'issued', notAfter: issued.notAfter };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    if (stored) await ports.store.save({ ...stored, history: { issued: history.issued, failures: [...history.failures, now] } });
    const alertBefore = (settings.alertBeforeDays ?? ALERT_BEFORE_DAYS) * DAY;
    const alert = !current || current.notAfter - now < alertBefore;
    if (alert) {
      await ports.notify(
        `Certificate for ${settings.host} could not be ${current ? 'renewed' : 'issued'}`,
        `${current ? `The certificate expires in ${left} days. ` : 'There is no certificate yet. '}The ACME ${current ? 'renewal' : 'issuance'} failed: ${why}\nCheck that the hosted zone still holds ${settings.host}, then run \`meetctl health\`.`,
      );
    }
    return { action: 'failed', why, ...(left !== undefined ? { daysLeft: left } : {}), alerted: alert };
  }
}

function deferred(why: string, left: number | undefined): CertificateResult {
  return { action: 'deferred', why, ...(left !== undefined ? { daysLeft: left } : {}) };
}

/** One ACME order for `host` with a DNS-01 challenge written through the DNS port. */
async function issue(
  ports: CertificatePorts,
  settings: CertificateSettings,
  storedAccountKeyPem: string | undefined,
): Promise<Omit<StoredCertificate, 'issuedAt' | 'history'>> {
  const accountKeyPem = storedAccountKeyPem ?? newPrivateKeyPem();
  const client = new AcmeClient({
    directoryUrl: settings.directoryUrl,
    accountKeyPem,
    ...(settings.directoryCa ? { ca: settings.directoryCa } : {}),
  });
  const { privateKeyPem, csr } = createCsr(settings.host);
  const resolver = settings.dnsServers ? dnsResolver(settings.dnsServers) : undefined;
  const certificatePem = await orderCertificate(client, {
    host: settings.host,
    email: settings.email,
    csr,
    recordName: challengeName,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    dns: {
      create: async (name, value) => {
        const change = await ports.dns.setTxt(name, value);
        // The CA must not look before every Route 53 server has the record.
        await ports.dns.waitInSync(change);
      },
      remove: (name, value) => ports.dns.removeTxt(name, value),
      ...(settings.skipChallengeVerification ? {} : { verify: (name, value) => verifyTxtRecord(name, value, resolver) }),
    },
  });
  return { certificatePem, privateKeyPem, accountKeyPem, notAfter: notAfterOf(certificatePem) };
}

function dnsResolver(servers: readonly string[]): dnsPromises.Resolver {
  const resolver = new dnsPromises.Resolver();
  resolver.setServers(servers);
  return resolver;
}

/** The expiry of the chain's first certificate (the host's), epoch ms. */
export function notAfterOf(certificatePem: string): number {
  const notAfter = Date.parse(new X509Certificate(certificatePem).validTo);
  if (Number.isNaN(notAfter)) throw new Error('the CA returned a certificate without a readable expiry date');
  return notAfter;
}
