import type { IncomingMessage } from 'node:http';
import * as https from 'node:https';
import { checkServerIdentity, type PeerCertificate, type TLSSocket } from 'node:tls';
import type { CheckResult } from '../control/snapshot.js';

export interface EndpointCheckOptions {
  /** Extra trusted CA certificates (tests); the system roots otherwise. */
  readonly ca?: string | Buffer;
  /** Connect here instead of resolving the host (tests, or checking one load-balancer address). */
  readonly connectTo?: string;
  readonly port?: number;
  readonly timeoutMs?: number;
  readonly now?: () => number;
}

interface Response {
  readonly status: number;
  readonly body: string;
  readonly socket: TLSSocket;
  readonly upgraded: boolean;
}

function request(host: string, path: string, options: EndpointCheckOptions, upgrade = false): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: options.connectTo ?? host,
      servername: host,
      port: options.port ?? 443,
      path,
      method: 'GET',
      // Certificate problems are reported by the certificate check, not as connection errors.
      rejectUnauthorized: false,
      ...(options.ca ? { ca: options.ca } : {}),
      timeout: options.timeoutMs ?? 10_000,
      agent: false,
      headers: {
        Host: host,
        'User-Agent': 'meetctl-health',
        ...(upgrade
          ? {
              Connection: 'Upgrade',
              Upgrade: 'websocket',
              'Sec-WebSocket-Version': '13',
              'Sec-WebSocket-Key': 'bWVldGN0bC1oZWFsdGgtMQ==',
              'Sec-WebSocket-Protocol': 'xmpp',
            }
          : {}),
      },
    });
    req.on('timeout', () =>
      req.destroy(Object.assign(new Error(`no answer within ${options.timeoutMs ?? 10_000} ms`), { code: 'ETIMEDOUT' })),
    );
    req.on('error', reject);
    req.on('upgrade', (res: IncomingMessage, socket) => {
      const tls = socket as TLSSocket;
      socket.destroy();
      resolve({ status: res.statusCode ?? 101, body: '', socket: tls, upgraded: true });
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          socket: res.socket as TLSSocket,
          upgraded: false,
        }),
      );
      res.on('error', reject);
    });
    req.end();
  });
}

function names(cert: PeerCertificate): string {
  const sans = (cert.subjectaltname ?? '')
    .split(',')
    .map((s) => s.trim().replace(/^DNS:/, ''))
    .filter(Boolean);
  const cn = typeof cert.subject?.CN === 'string' ? cert.subject.CN : undefined;
  return [...new Set([...sans, ...(cn ? [cn] : [])])].join(', ') || 'no name';
}

function certificateCheck(host: string, socket: TLSSocket, now: number): CheckResult {
  const cert = socket.getPeerCertificate();
  if (!cert || Object.keys(cert).length === 0)
    return {
      name: 'certificate',
      status: 'fail',
      detail: 'no certificate was presented',
      hint: 'Check the TLS listener of the load balancer.',
    };
  const notAfter = Date.parse(cert.valid_to);
  if (Number.isFinite(notAfter) && notAfter < now) {
    return {
      name: 'certificate',
      status: 'fail',
      detail: `the certificate expired on ${new Date(notAfter).toISOString()}`,
      hint: 'ACM renews DNS-validated certificates while the validation record exists; check the certificate in ACM.',
    };
  }
  const identity = checkServerIdentity(host, cert);
  if (identity) {
    return {
      name: 'certificate',
      status: 'fail',
      detail: `certificate is for ${names(cert)}, not ${host}`,
      hint: 'The listener serves another certificate: check "domain" in the config and redeploy.',
    };
  }
  if (!socket.authorized) {
    return {
      name: 'certificate',
      status: 'fail',
      detail: `the certificate is not trusted (${String(socket.authorizationError)})`,
      hint: 'The certificate must come from ACM (a public CA), not be self-signed.',
    };
  }
  return {
    name: 'certificate',
    status: 'pass',
    detail: `valid for ${host} until ${new Date(notAfter).toISOString().slice(0, 10)}`,
  };
}

function connectionHint(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'The host name does not resolve: the alias record exists only while powered on (meetctl power-up).';
    case 'ECONNREFUSED':
    case 'ECONNRESET':
      return 'Nothing answers on 443: the load balancer has no healthy web target yet (meetctl status).';
    case 'ETIMEDOUT':
      return 'No answer: check the security groups and that the platform is started.';
    default:
      return 'Check that the platform is started (meetctl status).';
  }
}

const skip = (name: string, why: string): CheckResult => ({ name, status: 'skip', detail: why });

/**
 * Check that the meeting is usable from the outside: HTTPS answers 200 with a valid certificate for
 * the host, the web client's config.js points at this host, and the XMPP websocket upgrades.
 */
export async function checkEndpoints(host: string, options: EndpointCheckOptions = {}): Promise<CheckResult[]> {
  const now = options.now?.() ?? Date.now();
  let home: Response;
  try {
    home = await request(host, '/', options);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    const https: CheckResult = {
      name: 'https',
      status: 'fail',
      detail: `https://${host}/ failed: ${e.code ?? e.message}`,
      hint: connectionHint(e),
    };
    return [
      https,
      skip('certificate', 'no TLS connection'),
      skip('web-config', 'no HTTPS answer'),
      skip('websocket', 'no HTTPS answer'),
    ];
  }
  const results: CheckResult[] = [httpsCheck(host, home), certificateCheck(host, home.socket, now)];
  results.push(await webConfigCheck(host, options));
  results.push(await websocketCheck(host, options));
  return results;
}

/** The home page answered 200. */
function httpsCheck(host: string, home: Response): CheckResult {
  return home.status === 200
    ? { name: 'https', status: 'pass', detail: `https://${host}/ answered 200` }
    : {
        name: 'https',
        status: 'fail',
        detail: `https://${host}/ answered ${home.status}`,
        hint:
          home.status >= 500
            ? 'The load balancer reached no healthy web container (502/503): see `meetctl logs --container web`.'
            : 'Unexpected status from the web container.',
      };
}

/** The web client's config.js names this host in its signalling URLs (websocket or BOSH). */
async function webConfigCheck(host: string, options: EndpointCheckOptions): Promise<CheckResult> {
  try {
    const config = await request(host, '/config.js', options);
    const urls = [...config.body.matchAll(/(wss?|https?):\/\/([^/'"\s]+)\/(xmpp-websocket|http-bind)/g)].map((m) => ({
      scheme: m[1],
      host: m[2],
      path: m[3],
    }));
    const ours = urls.filter((u) => u.host === host);
    if (config.status !== 200) {
      return {
        name: 'web-config',
        status: 'fail',
        detail: `config.js answered ${config.status}`,
        hint: 'The web container is not serving its config.',
      };
    }
    if (ours.length === 0) {
      const seen = urls.map((u) => `${u.scheme}://${u.host}/${u.path}`).join(', ') || 'no signalling URL';
      return {
        name: 'web-config',
        status: 'fail',
        detail: `config.js points at ${seen}, not ${host}`,
        hint: 'PUBLIC_URL of the web container is wrong: check "domain" and redeploy.',
      };
    }
    return {
      name: 'web-config',
      status: 'pass',
      detail: `config.js names ${ours.map((u) => `${u.scheme}://${u.host}/${u.path}`).join(' and ')}`,
    };
  } catch (error) {
    return {
      name: 'web-config',
      status: 'fail',
      detail: `config.js failed: ${(error as Error).message}`,
      hint: 'See `meetctl logs --container web`.',
    };
  }
}

/** The XMPP websocket upgrades (101). */
async function websocketCheck(host: string, options: EndpointCheckOptions): Promise<CheckResult> {
  try {
    const ws = await request(host, '/xmpp-websocket', options, true);
    return ws.upgraded && ws.status === 101
      ? { name: 'websocket', status: 'pass', detail: 'wss://…/xmpp-websocket upgraded (101)' }
      : {
          name: 'websocket',
          status: 'fail',
          detail: `the XMPP websocket answered ${ws.status} instead of upgrading`,
          hint: 'nginx cannot reach prosody: check XMPP_BOSH_URL_BASE and `meetctl logs --container prosody` ("You have been disconnected" in the browser).',
        };
  } catch (error) {
    return {
      name: 'websocket',
      status: 'fail',
      detail: `the XMPP websocket failed: ${(error as Error).message}`,
      hint: 'See `meetctl logs --container web`.',
    };
  }
}
