import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASLEEP_RETRY_SECONDS, asleepPage } from '../../src/asleep/page.js';
import { ROOT } from '../support/fixtures.js';

// The meeting link while the server sleeps, in a real browser: Chromium's --host-resolver-rules
// points the meeting host at a local server, which answers with the asleep page until "the DNS
// function" switches it to the meeting; the page's own refresh then lands people in the meeting.
const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI === 'true') throw new Error('chromium is not installed: .ci/run must apt-get install chromium');
const SHOTS = path.join(ROOT, 'test-results', 'organizer-page');

let server: Server;
let browser: Browser;
let port = 0;
let asleep = true;

beforeAll(async () => {
  if (!available) return;
  server = createServer((req, res) => {
    if (asleep) {
      const body = asleepPage({
        host: 'meet.ne3d.org',
        next: {
          name: 'weekly',
          description: 'Blender user group',
          timeZone: 'Europe/Berlin',
          startsAt: 0,
          meetupAt: Date.UTC(2030, 11, 4, 17),
        },
        pageUrl: 'https://start.meet.ne3d.org/',
        branding: { appName: 'NE3D Blender Meet', primaryColor: '#e87d0d', backgroundColor: '#232323' },
      });
      res.writeHead(503, { 'content-type': 'text/html; charset=utf-8', 'retry-after': String(ASLEEP_RETRY_SECONDS) }).end(body);
    } else {
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<title>Jitsi Meet</title><p>meeting ${req.url}</p>`);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', `--host-resolver-rules=MAP meet.ne3d.org 127.0.0.1`],
  });
  mkdirSync(SHOTS, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

describe.skipIf(!available)('the meeting link while the server sleeps (browser)', () => {
  it('shows the asleep page with the next meetup and the sign-in link, then the meeting once it runs', async () => {
    for (const [size, viewport] of [
      ['desktop', { width: 1280, height: 800 }],
      ['phone', { width: 390, height: 844 }],
    ] as const) {
      asleep = true;
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      const url = `http://meet.ne3d.org:${port}/weekly`;
      const first = await page.goto(url);
      expect(first?.status()).toBe(503);
      await expect(page.title()).resolves.toBe('NE3D Blender Meet is asleep');
      await expect(page.locator('body').textContent()).resolves.toContain('Blender user group');
      await expect(page.getByRole('link', { name: 'sign in' }).getAttribute('href')).resolves.toBe(
        'https://start.meet.ne3d.org/',
      );
      // The page asks the browser to come back by itself.
      await expect(page.locator('meta[http-equiv="refresh"]').getAttribute('content')).resolves.toBe(
        String(ASLEEP_RETRY_SECONDS),
      );
      await page.screenshot({ path: path.join(SHOTS, `asleep-${size}.png`) });
      // The server started and the record moved: the next refresh is the meeting, same link.
      asleep = false;
      await page.reload();
      await expect(page.title()).resolves.toBe('Jitsi Meet');
      await expect(page.locator('body').textContent()).resolves.toContain('meeting /weekly');
      await context.close();
    }
  }, 60_000);
});
