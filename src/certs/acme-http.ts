import type { IncomingHttpHeaders } from 'node:http';

/** One HTTP exchange with the ACME server, on node:http(s) (no HTTP library in the bundle). */
export interface AcmeResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface AcmeRequest {
  readonly method: 'GET' | 'HEAD' | 'POST';
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Extra CA certificate to trust (tests against pebble). */
  readonly ca?: string;
}

/** RFC 8555 §6.1: clients MUST send a User-Agent. */
const USER_AGENT = 'meetctl-acme (node)';
/** A CA that does not answer within this is an error, not a function that times out silently. */
const REQUEST_TIMEOUT_MS = 30_000;

export async function acmeFetch(url: string, request: AcmeRequest): Promise<AcmeResponse> {
  const target = new URL(url);
  const transport = target.protocol === 'https:' ? await import('node:https') : await import('node:http');
  return new Promise((resolve, reject) => {
    const req = transport.request(
      target,
      {
        method: request.method,
        headers: { 'user-agent': USER_AGENT, ...request.headers },
        ...(request.ca ? { ca: request.ca } : {}),
        timeout: REQUEST_TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`the ACME server did not answer ${request.method} ${url} within 30 s`)));
    req.on('error', (error) => reject(new Error(`the ACME server could not be reached at ${url}: ${error.message}`)));
    req.end(request.body);
  });
}

/** RFC 8555 §8.2 / RFC 9110 §10.2.3: Retry-After as seconds or an HTTP date; milliseconds to wait, if any. */
export function retryAfterMs(headers: IncomingHttpHeaders, now: number): number | undefined {
  const value = headers['retry-after'];
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
