import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { GetScheduleCommand, ListSchedulesCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ASLEEP_RETRY_SECONDS } from '../../src/asleep/page.js';
import { handler } from '../../src/lambda/asleep-page.js';
import { ROOT } from '../support/fixtures.js';
import { writeScreenshot } from '../support/screenshots.js';

// The meeting link while the server sleeps, in a real browser: Chromium's --host-resolver-rules
// points the meeting host at a local server, which answers with the asleep page's function (its
// body and headers; Scheduler mocked) until "the DNS function" switches it to the meeting; the page's
// own refresh then lands people in the meeting. Each state is photographed at desktop and phone width
// into docs/images, which docs/organizer-guide.md shows.
const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI === 'true') throw new Error('chromium is not installed: .ci/run must apt-get install chromium');
const SHOTS = path.join(ROOT, 'docs', 'images');
const SIZES = [
  ['desktop', { width: 1280, height: 800 }],
  ['phone', { width: 390, height: 844 }],
] as const;

let server: Server;
let elsewhere: Server;
let elsewhereOrigin = '';
let browser: Browser;
let port = 0;
let asleep = true;
/** The asleep page's function that answers (a fresh container in one test). */
let answer: () => Promise<unknown> = handler;
/** Visible text of the page, as a person reads it (innerText leaves out what is hidden). */
// biome-ignore lint/performance/useDomNodeTextContent: only the visible text counts here
const visibleText = (page: Page) => page.locator('body').innerText();
const scheduler = mockClient(SchedulerClient);

beforeAll(async () => {
  if (!available) return;
  vi.stubEnv('MEETING_HOST', 'meet.ne3d.org');
  vi.stubEnv('SCHEDULE_GROUP', 'Meet-meet-ne3d-org');
  vi.stubEnv('PAGE_URL', 'https://start.meet.ne3d.org/');
  vi.stubEnv('BRANDING', JSON.stringify({ appName: 'NE3D Blender Meet', primaryColor: '#e87d0d', backgroundColor: '#232323' }));
  scheduler.on(ListSchedulesCommand).resolves({ Schedules: [{ Name: 'weekly' }] });
  scheduler.on(GetScheduleCommand).resolves({
    Name: 'weekly',
    ScheduleExpression: 'cron(45 17 ? * WED *)',
    ScheduleExpressionTimezone: 'Europe/Berlin',
    Description: 'Meetup cron 0 18 ? * WED * (Europe/Berlin). Created by cli:ana@laptop.local.',
    State: 'ENABLED',
    Target: { Arn: 'arn', RoleArn: 'role', Input: JSON.stringify({ schedule: 'weekly', leadMinutes: 15, windowMinutes: 120 }) },
  });
  server = createServer(async (req, res) => {
    if (asleep) {
      const page = (await answer()) as APIGatewayProxyStructuredResultV2;
      res.writeHead(page.statusCode ?? 500, page.headers as Record<string, string>).end(page.body);
    } else {
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<title>Jitsi Meet</title><p>meeting ${req.url}</p>`);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  elsewhere = createServer((req, res) => {
    const src = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('src') ?? '';
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<iframe onload="document.title='loaded'" src="${src}"></iframe>`);
  });
  await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
  elsewhereOrigin = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;
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
  await new Promise((resolve) => elsewhere?.close(resolve));
  scheduler.restore();
  vi.unstubAllEnvs();
});

describe.skipIf(!available)('the meeting link while the server sleeps (browser)', () => {
  it('shows the asleep page with the next meetup and the sign-in link, then the meeting once it runs', async () => {
    for (const [size, viewport] of SIZES) {
      asleep = true;
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      const url = `http://meet.ne3d.org:${port}/weekly`;
      const first = await page.goto(url);
      expect(first?.status()).toBe(503);
      await expect(page.title()).resolves.toBe('NE3D Blender Meet is asleep');
      const text = await visibleText(page);
      expect(text).toMatch(/The next meetup is Wednesday,? \d+ \w+ \d{4},? (at )?18:00 \(Europe\/Berlin\)/);
      // Anyone can read this page: it names nobody, whatever the schedule's description says.
      expect(text).not.toMatch(/ana|laptop|Created by/);
      // Guests are told they need no account; nothing on it is meant for a terminal.
      expect(text).toContain(
        'Guests need no account: once the server is up, you wait in the lobby until a member or the host is in.',
      );
      expect(text).not.toMatch(/meetctl|`|--/);
      await expect(page.getByRole('link', { name: 'sign in' }).getAttribute('href')).resolves.toBe(
        'https://start.meet.ne3d.org/',
      );
      // The page asks the browser to come back by itself.
      await expect(page.locator('meta[http-equiv="refresh"]').getAttribute('content')).resolves.toBe(
        String(ASLEEP_RETRY_SECONDS),
      );
      writeScreenshot(path.join(SHOTS, `asleep-${size}.png`), await page.screenshot({ caret: 'hide', animations: 'disabled' }));
      // The server started and the record moved: the next refresh is the meeting, same link.
      asleep = false;
      await page.reload();
      await expect(page.title()).resolves.toBe('Jitsi Meet');
      await expect(page.locator('body').textContent()).resolves.toContain('meeting /weekly');
      await context.close();
    }
  }, 60_000);

  it('with no meetup scheduled, says the server wakes up when an organizer starts it (in words, not a command)', async () => {
    asleep = true;
    scheduler.on(ListSchedulesCommand).resolves({ Schedules: [] });
    // A fresh function container: the one above keeps the schedules it read for a minute.
    vi.resetModules();
    const fresh = await import('../../src/lambda/asleep-page.js');
    answer = () => fresh.handler();
    try {
      for (const [size, viewport] of SIZES) {
        const context = await browser.newContext({ viewport });
        const page = await context.newPage();
        expect((await page.goto(`http://meet.ne3d.org:${port}/weekly`))?.status()).toBe(503);
        const text = await visibleText(page);
        expect(text).toContain('No meetup is scheduled right now. The server wakes up when an organizer starts it.');
        expect(text).not.toMatch(/meetctl|`|--/);
        writeScreenshot(
          path.join(SHOTS, `asleep-no-meetup-${size}.png`),
          await page.screenshot({ caret: 'hide', animations: 'disabled' }),
        );
        await context.close();
      }
    } finally {
      answer = handler;
    }
  }, 60_000);

  it('refuses to be shown in a frame on another site, and runs under its CSP without a violation', async () => {
    asleep = true;
    const context = await browser.newContext();
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    const direct = await page.goto(`http://meet.ne3d.org:${port}/weekly`);
    expect(direct?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    await expect(page.locator('h1').textContent()).resolves.toBe('NE3D Blender Meet is asleep');
    // The brand colours applied: the style's hash is in the CSP.
    await expect(
      page
        .locator('h1')
        .evaluate(
          (h) => (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(h).color,
        ),
    ).resolves.toBe('rgb(232, 125, 13)');
    expect(violations).toEqual([]);
    await page.goto(`${elsewhereOrigin}/?src=${encodeURIComponent(`http://meet.ne3d.org:${port}/weekly`)}`);
    await page.waitForFunction(() => (globalThis as unknown as { document: { title: string } }).document.title === 'loaded');
    const frame = page.frames().find((f) => f !== page.mainFrame());
    expect(frame?.url()).toMatch(/^chrome-error:/);
    await context.close();
  }, 30_000);
});
