import { createHash, createPrivateKey, createPublicKey, type KeyObject, webcrypto } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, FlattenedSign, type JWK } from 'jose';
import { type AcmeResponse, acmeFetch, retryAfterMs } from './acme-http.js';

/**
 * A small ACME client (RFC 8555) for one thing: an account keyed by an ECDSA P-256 key (ES256), one
 * order for one DNS name, its DNS-01 challenge, finalize, download. JWS signing is jose's; keys,
 * hashes and HTTP are node's.
 */

/** An RFC 8555 §6.7 problem document, as an error whose message is the CA's own words. */
export class AcmeProblem extends Error {
  constructor(
    readonly type: string,
    readonly status: number,
    detail: string,
  ) {
    super(detail);
    this.name = 'AcmeProblem';
  }
}

/** §7.1.1 */
interface Directory {
  readonly newNonce: string;
  readonly newAccount: string;
  readonly newOrder: string;
}

export interface AcmeClientOptions {
  readonly directoryUrl: string;
  /** PEM (PKCS#8 or SEC1) of the account's ECDSA P-256 key. */
  readonly accountKeyPem: string;
  readonly ca?: string;
}

/** §6.5: a server may reject a nonce with badNonce; the client retries with the new one it got. */
export const MAX_BAD_NONCE_RETRIES = 5;
const BAD_NONCE = 'urn:ietf:params:acme:error:badNonce';

export class AcmeClient {
  private readonly key: KeyObject;
  private readonly ca: string | undefined;
  private directory: Directory | undefined;
  private nonce: string | undefined;
  private kid: string | undefined;
  private jwk: JWK | undefined;
  private signingKey: webcrypto.CryptoKey | undefined;

  constructor(private readonly options: AcmeClientOptions) {
    this.key = createPrivateKey(options.accountKeyPem);
    if (this.key.asymmetricKeyType !== 'ec' || this.key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new Error('the stored ACME account key is not an ECDSA P-256 key');
    }
    this.ca = options.ca;
  }

  /** §7.1.1: the directory names every other resource's URL. */
  private async dir(): Promise<Directory> {
    if (this.directory) return this.directory;
    const res = await acmeFetch(this.options.directoryUrl, { method: 'GET', ...this.caOption() });
    if (res.status !== 200) throw problemOf(res, `the ACME directory ${this.options.directoryUrl} answered ${res.status}`);
    const body = json(res) as Partial<Directory>;
    if (!body.newNonce || !body.newAccount || !body.newOrder) {
      throw new Error(`${this.options.directoryUrl} is no ACME directory (no newNonce, newAccount or newOrder)`);
    }
    this.directory = body as Directory;
    return this.directory;
  }

  private caOption(): { ca?: string } {
    return this.ca ? { ca: this.ca } : {};
  }

  private async publicJwk(): Promise<JWK> {
    this.jwk ??= await exportJWK(createPublicKey(this.key));
    return this.jwk;
  }

  /**
   * The account key as a WebCrypto key for jose, imported the same way on Node 20 and 24 (given a
   * KeyObject, jose converts it with KeyObject.toCryptoKey where that exists, Node 22.10 on).
   */
  private async webKey(): Promise<webcrypto.CryptoKey> {
    this.signingKey ??= await webcrypto.subtle.importKey(
      'jwk',
      this.key.export({ format: 'jwk' }),
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['sign'],
    );
    return this.signingKey;
  }

  /** §7.2: a fresh nonce from newNonce, when no response has left one. */
  private async freshNonce(): Promise<string> {
    const res = await acmeFetch((await this.dir()).newNonce, { method: 'HEAD', ...this.caOption() });
    const nonce = res.headers['replay-nonce'];
    if (typeof nonce !== 'string' || !nonce) throw new Error(`the ACME server gave no Replay-Nonce (HTTP ${res.status})`);
    return nonce;
  }

  /**
   * §6.2 / §6.3: a JWS-signed POST (payload undefined: POST-as-GET). §6.5: each response's
   * Replay-Nonce is used for the next request; a badNonce rejection is retried with it.
   */
  async post(url: string, payload: unknown, accept?: string): Promise<AcmeResponse> {
    for (let attempt = 0; ; attempt++) {
      const nonce = this.nonce ?? (await this.freshNonce());
      this.nonce = undefined;
      // §6.2: `jwk` only for newAccount (and revocation by certificate key), `kid` for everything else.
      const identity = this.kid ? { kid: this.kid } : { jwk: await this.publicJwk() };
      const body = payload === undefined ? new Uint8Array() : new TextEncoder().encode(JSON.stringify(payload));
      const jws = await new FlattenedSign(body)
        .setProtectedHeader({ alg: 'ES256', nonce, url, ...identity })
        .sign(await this.webKey());
      const res = await acmeFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/jose+json', ...(accept ? { accept } : {}) },
        body: JSON.stringify(jws),
        ...this.caOption(),
      });
      const next = res.headers['replay-nonce'];
      if (typeof next === 'string' && next) this.nonce = next;
      if (res.status < 400) return res;
      const problem = problemOf(res, `the ACME server answered ${res.status} to ${url}`);
      if (problem.type !== BAD_NONCE || attempt >= MAX_BAD_NONCE_RETRIES) throw problem;
    }
  }

  /** §7.3: create the account, or find the one this key already has (200 instead of 201). */
  async account(email: string): Promise<string> {
    const res = await this.post((await this.dir()).newAccount, {
      termsOfServiceAgreed: true,
      contact: [`mailto:${email}`],
    });
    const location = res.headers.location;
    if (!location) throw new Error('the ACME server created the account but gave no account URL (Location)');
    this.kid = location;
    return location;
  }

  /** §7.4: a new order for one DNS name. */
  async newOrder(host: string): Promise<Order> {
    const res = await this.post((await this.dir()).newOrder, { identifiers: [{ type: 'dns', value: host }] });
    const url = res.headers.location;
    if (!url) throw new Error('the ACME server created the order but gave no order URL (Location)');
    return { ...(json(res) as OrderBody), url };
  }

  /** §7.5: an authorization (POST-as-GET), with the time its server asks to wait before the next look. */
  async get<T>(url: string): Promise<{ body: T; retryAfterMs: number | undefined }> {
    const res = await this.post(url, undefined);
    return { body: json(res) as T, retryAfterMs: retryAfterMs(res.headers, Date.now()) };
  }

  /** §8.1 key authorization, §8.4: the TXT record's value is its SHA-256 digest, base64url. */
  async dnsTxtValue(token: string): Promise<string> {
    const thumbprint = await calculateJwkThumbprint(await this.publicJwk(), 'sha256');
    return createHash('sha256').update(`${token}.${thumbprint}`).digest('base64url');
  }

  /** §7.5.1: tell the server the challenge is ready (an empty JSON object). */
  async respond(challengeUrl: string): Promise<void> {
    await this.post(challengeUrl, {});
  }

  /** §7.5.2: give up a pending authorization the client could not complete. */
  async deactivate(authorizationUrl: string): Promise<void> {
    await this.post(authorizationUrl, { status: 'deactivated' });
  }

  /** §7.4: finalize with the CSR (DER, base64url). */
  async finalize(order: Order, csr: Buffer): Promise<void> {
    await this.post(order.finalize, { csr: csr.toString('base64url') });
  }

  /** §7.4.2: download the certificate chain as PEM. */
  async certificate(url: string): Promise<string> {
    const res = await this.post(url, undefined, 'application/pem-certificate-chain');
    return res.body.toString('utf8');
  }
}

/** §7.1.3 */
export interface OrderBody {
  readonly status: 'pending' | 'ready' | 'processing' | 'valid' | 'invalid';
  readonly authorizations: readonly string[];
  readonly finalize: string;
  readonly certificate?: string;
  readonly error?: ProblemBody;
}
export interface Order extends OrderBody {
  readonly url: string;
}

/** §7.1.4 */
export interface Authorization {
  readonly status: 'pending' | 'valid' | 'invalid' | 'deactivated' | 'expired' | 'revoked';
  readonly identifier: { readonly type: string; readonly value: string };
  readonly challenges: readonly Challenge[];
}
export interface Challenge {
  readonly type: string;
  readonly url: string;
  readonly token: string;
  readonly status: 'pending' | 'processing' | 'valid' | 'invalid';
  readonly error?: ProblemBody;
}

export interface ProblemBody {
  readonly type?: string;
  readonly detail?: string;
  readonly subproblems?: readonly ProblemBody[];
}

function json(res: AcmeResponse): unknown {
  try {
    return JSON.parse(res.body.toString('utf8'));
  } catch {
    throw new Error(`the ACME server answered HTTP ${res.status} with no JSON`);
  }
}

/** §6.7: the problem's detail (and subproblems' details), else `fallback`. */
function problemOf(res: AcmeResponse, fallback: string): AcmeProblem {
  let body: ProblemBody = {};
  try {
    body = JSON.parse(res.body.toString('utf8')) as ProblemBody;
  } catch {}
  return new AcmeProblem(body.type ?? 'about:blank', res.status, problemText(body) ?? fallback);
}

export function problemText(problem: ProblemBody | undefined): string | undefined {
  if (!problem?.detail) return undefined;
  const sub = (problem.subproblems ?? []).map((p) => p.detail).filter(Boolean);
  return [problem.detail.replace(/\n/g, ' '), ...sub].join('; ');
}
