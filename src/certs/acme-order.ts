import type { AcmeClient, Authorization, OrderBody } from './acme.js';
import { problemText } from './acme.js';

/** How the DNS-01 record is written and removed (the Route 53 port), and checked before the CA looks. */
export interface Dns01 {
  /** Write the TXT record `name` = `value` and return once every name server has it. */
  create(name: string, value: string): Promise<void>;
  /** Remove it again (errors are ignored). */
  remove(name: string, value: string): Promise<void>;
  /** Check that the record can be read before asking the CA to (absent: the CA is asked at once). */
  verify?(name: string, value: string): Promise<void>;
}

export interface OrderRequest {
  readonly host: string;
  readonly email: string;
  /** DER PKCS#10 request for `host`. */
  readonly csr: Buffer;
  readonly dns: Dns01;
  /** The record name for an identifier's DNS-01 challenge. */
  readonly recordName: (identifier: string) => string;
  /** Waits between polls (real time in production). */
  readonly sleep: (ms: number) => Promise<void>;
}

/** Polls of a pending authorization or a processing order before giving up (1, 2, 4, … 30 s apart). */
export const MAX_POLLS = 10;
const MAX_WAIT_MS = 30_000;

/**
 * The whole issuance (RFC 8555 §7.1 overview): account (§7.3), order (§7.4), each authorization's
 * DNS-01 challenge (§7.5, §8.4), finalize (§7.4), download (§7.4.2). Returns the PEM chain.
 */
export async function orderCertificate(client: AcmeClient, request: OrderRequest): Promise<string> {
  await client.account(request.email);
  const order = await client.newOrder(request.host);
  const results = await Promise.allSettled(order.authorizations.map((url) => authorize(client, url, request)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  await poll<OrderBody>(client, order.url, request.sleep, ['ready'], 'the order');
  await client.finalize(order, request.csr);
  const valid = await poll<OrderBody>(client, order.url, request.sleep, ['valid'], 'the order');
  if (!valid.certificate) throw new Error('the ACME order is valid but names no certificate URL');
  return client.certificate(valid.certificate);
}

/** One authorization: nothing if already valid, else its DNS-01 challenge, the record removed afterwards. */
async function authorize(client: AcmeClient, url: string, request: OrderRequest): Promise<void> {
  const { body: authz } = await client.get<Authorization>(url);
  if (authz.status === 'valid') return;
  const identifier = authz.identifier.value;
  let responded = false;
  try {
    const challenge = authz.challenges.find((c) => c.type === 'dns-01');
    if (!challenge) throw new Error(`the CA offers no dns-01 challenge for ${identifier}`);
    const name = request.recordName(identifier);
    const value = await client.dnsTxtValue(challenge.token);
    try {
      await request.dns.create(name, value);
      await request.dns.verify?.(name, value);
      await client.respond(challenge.url);
      responded = true;
      await poll<Authorization>(client, url, request.sleep, ['valid'], `the authorization of ${identifier}`);
    } finally {
      await request.dns.remove(name, value).catch(() => undefined);
    }
  } catch (error) {
    // §7.5.2: an authorization the CA was never asked to check is deactivated, not left pending.
    if (!responded) await client.deactivate(url).catch(() => undefined);
    throw error;
  }
}

/**
 * Poll an authorization or an order (POST-as-GET, §7.5.1 and §7.4) until it has one of `wanted`
 * statuses; `invalid` (or any other final status) ends it with the CA's reason. Waits what the
 * server's Retry-After asks (§8.2), else 1, 2, 4 … seconds, at most 30.
 */
async function poll<T extends OrderBody | Authorization>(
  client: AcmeClient,
  url: string,
  sleep: (ms: number) => Promise<void>,
  wanted: readonly string[],
  what: string,
): Promise<T> {
  for (let attempt = 0; attempt < MAX_POLLS; attempt++) {
    const { body, retryAfterMs } = await client.get<T>(url);
    if (wanted.includes(body.status)) return body;
    if (body.status !== 'pending' && body.status !== 'processing' && body.status !== 'ready') {
      throw new Error(`${what} is ${body.status}: ${reason(body)}`);
    }
    await sleep(Math.min(retryAfterMs ?? 1000 * 2 ** attempt, MAX_WAIT_MS));
  }
  throw new Error(`${what} was still not ${wanted.join(' or ')} after ${MAX_POLLS} looks`);
}

/** The CA's reason for a failed order (§7.1.3 error) or authorization (its challenges' errors, §7.1.4). */
function reason(body: OrderBody | Authorization): string {
  if ('challenges' in body) {
    const errors = body.challenges.map((c) => problemText(c.error)).filter(Boolean);
    return errors.join('; ') || 'no reason given';
  }
  return problemText(body.error) ?? 'no reason given';
}
