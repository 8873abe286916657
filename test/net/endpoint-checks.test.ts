import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkEndpoints } from '../../src/net/endpoint-checks.js';

const HOST = 'meet.test';
const DAY = 86_400_000;

interface Behaviour {
  home?: number;
  configHost?: string;
  upgrade?: boolean;
}

async function certFor(name: string, notBefore: Date, notAfter: Date) {
  return generate([{ name: 'commonName', value: name }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: notBefore,
    notAfterDate: notAfter,
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: name }] }],
  } as never);
}

function serve(pems: { private: string; cert: string }, b: Behaviour): Promise<Server> {
  const server = createHttpsServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    if (req.url === '/config.js') {
      res.writeHead(200, { 'content-type': 'application/javascript' });
      res.end(
        `var config = {};\nconfig.hosts = { domain: 'meet.jitsi', muc: 'muc.meet.jitsi' };\nconfig.bosh = 'https://${b.configHost ?? HOST}/http-bind';\nconfig.websocket = 'wss://${b.configHost ?? HOST}/xmpp-websocket';\n`,
      );
      return;
    }
    if (req.url === '/xmpp-websocket') {
      res.writeHead(502);
      res.end('Bad Gateway');
      return;
    }
    res.writeHead(b.home ?? 200, { 'content-type': 'text/html' });
    res.end('<html><title>Jitsi Meet</title></html>');
  });
  if (b.upgrade !== false) {
    server.on('upgrade', (_req, socket) => {
      socket.end(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Protocol: xmpp\r\n\r\n',
      );
    });
  }
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const servers: Server[] = [];
let valid: { private: string; cert: string };
let expired: { private: string; cert: string };
let wrongHost: { private: string; cert: string };

beforeAll(async () => {
  const now = Date.now();
  [valid, expired, wrongHost] = await Promise.all([
    certFor(HOST, new Date(now - DAY), new Date(now + 90 * DAY)),
    certFor(HOST, new Date(now - 400 * DAY), new Date(now - 10 * DAY)),
    certFor('other.test', new Date(now - DAY), new Date(now + 90 * DAY)),
  ]);
});
afterAll(() => {
  for (const s of servers) s.close();
});

async function check(pems: { private: string; cert: string }, behaviour: Behaviour = {}) {
  const server = await serve(pems, behaviour);
  servers.push(server);
  const results = await checkEndpoints(HOST, {
    ca: pems.cert,
    connectTo: '127.0.0.1',
    port: (server.address() as AddressInfo).port,
    timeoutMs: 3000,
  });
  return Object.fromEntries(results.map((r) => [r.name, r]));
}

describe('endpoint checks against local HTTPS servers', () => {
  it('pass on a healthy meeting host', async () => {
    const r = await check(valid);
    expect(Object.values(r).map((c) => [c.name, c.status])).toEqual([
      ['https', 'pass'],
      ['certificate', 'pass'],
      ['web-config', 'pass'],
      ['websocket', 'pass'],
    ]);
    expect(r['web-config']?.detail).toContain('wss://meet.test/xmpp-websocket');
  });

  it('fail on an expired certificate, saying when it expired', async () => {
    const r = await check(expired);
    expect(r.certificate).toMatchObject({ status: 'fail', detail: expect.stringContaining('the certificate expired on') });
    expect(r.certificate?.hint).toBeDefined();
  });

  it('fail on a certificate for another host, naming both', async () => {
    const r = await check(wrongHost);
    expect(r.certificate).toMatchObject({ status: 'fail', detail: 'certificate is for other.test, not meet.test' });
  });

  it('fail on a self-signed certificate that is not trusted', async () => {
    const server = await serve(valid, {});
    servers.push(server);
    const results = await checkEndpoints(HOST, {
      connectTo: '127.0.0.1',
      port: (server.address() as AddressInfo).port,
      timeoutMs: 3000,
    });
    expect(results.find((c) => c.name === 'certificate')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('not trusted'),
    });
  });

  it('fail on a 502 from the load balancer, with a hint', async () => {
    const r = await check(valid, { home: 502 });
    expect(r.https).toMatchObject({
      status: 'fail',
      detail: 'https://meet.test/ answered 502',
      hint: expect.stringContaining('no healthy web container'),
    });
  });

  it('fail when the websocket is refused', async () => {
    const r = await check(valid, { upgrade: false });
    expect(r.websocket).toMatchObject({ status: 'fail', detail: 'the XMPP websocket answered 502 instead of upgrading' });
  });

  it('fail when the web client is configured for another host', async () => {
    const r = await check(valid, { configHost: 'localhost:8443' });
    expect(r['web-config']).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('wss://localhost:8443/xmpp-websocket, not meet.test'),
    });
  });

  it('fail with a hint and skip the rest when nothing listens', async () => {
    const server = await serve(valid, {});
    const port = (server.address() as AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    const results = await checkEndpoints(HOST, { connectTo: '127.0.0.1', port, timeoutMs: 3000 });
    expect(results.map((c) => c.status)).toEqual(['fail', 'skip', 'skip', 'skip']);
    expect(results[0]).toMatchObject({
      detail: expect.stringContaining('ECONNREFUSED'),
      hint: expect.stringContaining('no healthy web target'),
    });
  });
});
