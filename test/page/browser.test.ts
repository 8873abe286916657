import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { type Browser, chromium, type Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyJitsiToken } from '../../src/auth/jitsi-token.js';
import { observe } from '../../src/control/observe.js';
import { phase } from '../../src/control/phase.js';
import { handlePage, type PageDeps, type StoredSession } from '../../src/page/api.js';
import { SimAws, VirtualClock } from '../../src/sim/simulated-aws.js';
import { CLIENT, localCognito } from '../support/cognito.js';
import { ROOT } from '../support/fixtures.js';
import { simSchedules } from '../support/page.js';

// The organizer page in a real browser: Debian's chromium, headless, through playwright-core. The
// page's handler is served on 127.0.0.1 against the simulated AWS, a locally generated key stands in
// for Cognito's, and a fake managed login sends the browser straight back with a code.
const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI === 'true') throw new Error('chromium is not installed: .ci/run must apt-get install chromium');
const SHOTS = path.join(ROOT, 'test-results', 'organizer-page');
const settings = {
  appId: 'meetctl',
  secret: 'a-secret-of-at-least-32-bytes-for-hs256!!',
  audience: 'jitsi',
  host: 'meet.ne3d.org',
};

/** The group's branding, as in meet.config.json: every screenshot shows it. */
const BRANDING = {
  appName: 'NE3D Blender Meet',
  logoUrl: 'https://ne3d.org/logo.svg',
  primaryColor: '#e87d0d',
  backgroundColor: '#232323',
  welcomeText: 'Monthly meetups of the North-East 3D group',
};
const LOGO =
  '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><circle cx="20" cy="20" r="18" fill="#e87d0d"/></svg>';

let server: Server;
/** Another site (127.0.0.1 is another site than localhost): framing and cross-site links and forms. */
let elsewhere: Server;
let elsewhereOrigin = '';
let browser: Browser;
let origin = '';
const clock = new VirtualClock();
const sim = new SimAws(clock, { ingress: 'direct' });
/** Starts asked for with the Record box ticked. */
let startsWithRecord = 0;
/** The ID token the fake managed login hands out next (who "signs in"). */
let signingInAs = '';
/** The page's server-side sessions (the state table's rows in Lambda). */
const sessions = new Map<string, StoredSession>();

beforeAll(async () => {
  if (!available) return;
  const { sign, verify } = await localCognito();
  tokens.organizer = await sign({ sub: 'u1', email: 'ana@ne3d.org', name: 'Ana', 'cognito:groups': ['organizers', 'members'] });
  tokens.member = await sign({ sub: 'u2', email: 'bo@ne3d.org', name: 'Bo', 'cognito:groups': ['members'] });
  let random = 0;
  const deps = (): PageDeps => ({
    origin,
    host: 'meet.ne3d.org',
    branding: BRANDING,
    verify,
    control: {
      status: async (role) => {
        const snapshot = await observe(sim.ports, { host: 'meet.ne3d.org', now: clock.now() });
        return {
          phase: snapshot ? phase(snapshot) : 'ABSENT',
          nextMeetup: { name: 'weekly', at: '2026-12-02T17:00:00.000Z' },
          ...(role === 'organizer'
            ? {
                history: [{ at: '2026-11-25T18:00:00.000Z', actor: 'page:ana@ne3d.org', goal: 'running', outcome: 'done' }],
                monthToDate: { costUsd: 3.5, budgetUsd: 30 },
                recorder: 'ready',
              }
            : {}),
        };
      },
      // The browser test drives time itself: ask for the task, and let the test move the clock.
      dispatch: async (goal, _actor, options) => {
        if (options?.record) startsWithRecord += 1;
        await sim.ports.service.setDesired('meet-cluster', 'meet-service', goal === 'running' ? 1 : 0);
      },
    },
    recordings: {
      list: async () => [
        {
          day: '2026-11-25',
          room: 'weekly',
          file: 'weekly_2026-11-25-18-00-05.mp4',
          sizeBytes: 734_003_200,
          start: '2026-11-25T18:00:05Z',
          durationSeconds: 5400,
          url: `${origin}/download/weekly.mp4?X-Amz-Expires=900`,
        },
      ],
    },
    schedules: simSchedules(sim),
    rateLimit: async () => true,
    tokens: { settings: async () => settings, lifetimeSeconds: 3 * 3600 },
    signIn: {
      baseUrl: `${origin}/fake-cognito`,
      clientId: CLIENT,
      exchangeCode: async (code) => ({ idToken: code }),
      revoke: async () => {},
    },
    sessions: {
      put: async (key, session) => {
        sessions.set(key, session);
      },
      get: async (key) => sessions.get(key),
      remove: async (key) => {
        const session = sessions.get(key);
        sessions.delete(key);
        return session;
      },
    },
    throttle: () => true,
    random: (bytes) => `s${++random}`.padEnd(Math.ceil((bytes * 4) / 3), 'x'),
    now: () => clock.now(),
  });
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname === '/fake-cognito/oauth2/authorize') {
      // The managed login: straight back to the page with a code (here the ID token itself).
      const back = new URL(url.searchParams.get('redirect_uri') ?? '/', origin);
      back.searchParams.set('code', signingInAs);
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      res.writeHead(302, { location: back.toString() }).end();
      return;
    }
    if (url.pathname === '/test-plain') {
      // A control for the framing test: the same host, without the page's headers.
      res.writeHead(200, { 'content-type': 'text/html' }).end('<p id="plain">framed fine</p>');
      return;
    }
    if (url.pathname === '/fake-cognito/logout') {
      res.writeHead(302, { location: url.searchParams.get('logout_uri') ?? '/' }).end();
      return;
    }
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', async () => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]));
      const response = await handlePage(
        { method: req.method ?? 'GET', path: url.pathname, headers, query: Object.fromEntries(url.searchParams), body },
        deps(),
      );
      res.writeHead(response.status, {
        ...response.headers,
        ...(response.cookies ? { 'set-cookie': [...response.cookies] } : {}),
      });
      res.end(response.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  elsewhere = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const room = `${origin}/auth/room`;
    const pages: Record<string, string> = {
      '/frame': `<iframe onload="document.title='loaded'" src="${url.searchParams.get('src') ?? ''}" width="600" height="400"></iframe>`,
      '/attack': `<a id="link" href="${room}?room=evil">free pizza</a><form id="form" method="post" action="${room}"><input name="room" value="evil"></form>`,
    };
    res.writeHead(200, { 'content-type': 'text/html' }).end(pages[url.pathname] ?? '');
  });
  await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
  elsewhereOrigin = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  mkdirSync(SHOTS, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  await new Promise((resolve) => elsewhere?.close(resolve));
});

const tokens: Record<'organizer' | 'member', string> = { organizer: '', member: '' };
const sizes = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;

/** A computed style property of an element, read in the browser. */
const cssOf = (locator: Locator, property: string) =>
  locator.evaluate(
    (el, p) => (globalThis as unknown as { getComputedStyle(e: unknown): Record<string, string> }).getComputedStyle(el)[p],
    property,
  );

async function open(who: 'organizer' | 'member' | undefined, size: keyof typeof sizes) {
  const context = await browser.newContext({ viewport: sizes[size] });
  const page = await context.newPage();
  await page.route(BRANDING.logoUrl, (route) => route.fulfill({ status: 200, contentType: 'image/svg+xml', body: LOGO }));
  await page.goto(`${origin}/`);
  if (who) {
    signingInAs = tokens[who];
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${origin}/`);
  }
  return { page, context };
}

describe.skipIf(!available)('the organizer page in a browser', () => {
  it("branding: the group's name, logo and colours, all allowed by the page's strict CSP", async () => {
    const context = await browser.newContext({ viewport: sizes.desktop });
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await page.route(BRANDING.logoUrl, (route) => route.fulfill({ status: 200, contentType: 'image/svg+xml', body: LOGO }));
    await page.goto(`${origin}/`);
    await expect(page.title()).resolves.toBe('NE3D Blender Meet (meet.ne3d.org)');
    await expect(page.locator('h1').evaluate((h) => h.textContent?.trim())).resolves.toBe('NE3D Blender Meet');
    await expect(page.locator('#welcome').textContent()).resolves.toBe(BRANDING.welcomeText);
    // The logo loaded (the CSP allows its origin) and the brand style applied (its hash is in the CSP).
    await expect(
      page.locator('h1 img').evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).naturalWidth),
    ).resolves.toBe(40);
    await expect(cssOf(page.locator('h1'), 'color')).resolves.toBe('rgb(232, 125, 13)');
    await expect(cssOf(page.locator('body'), 'borderTopColor')).resolves.toBe('rgb(35, 35, 35)');
    expect(violations).toEqual([]);
    await context.close();
  }, 30_000);

  it('anonymous: only the Sign in button', async () => {
    const { page, context } = await open(undefined, 'phone');
    // The page draws its buttons once its status request answers: wait for that, not for a fixed time.
    await page.getByRole('button', { name: 'Sign in' }).waitFor({ state: 'visible' });
    await expect(page.getByRole('button', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
    await expect(page.locator('#signed').isVisible()).resolves.toBe(false);
    await page.screenshot({ path: path.join(SHOTS, 'signed-out-phone.png') });
    await context.close();
  }, 30_000);

  it('organizer: sign in, start with progress, READY, Join with a token for the room', async () => {
    for (const size of ['desktop', 'phone'] as const) {
      await sim.ports.service.setDesired('meet-cluster', 'meet-service', 0);
      clock.t += 600_000;
      const { page, context } = await open('organizer', size);
      await page.locator('#phase', { hasText: 'STOPPED' }).waitFor();
      await expect(page.locator('#next').textContent()).resolves.toContain('Next meetup:');
      await expect(page.locator('#cost').textContent()).resolves.toBe('This month so far: about $3.50 of the $30 budget.');
      await expect(page.locator('#history').textContent()).resolves.toContain('page:ana@ne3d.org asked for running (done)');
      // With a recorder: the Record box, the recorder's state and the recordings with their links.
      await expect(page.locator('#recorder').textContent()).resolves.toBe('Recorder: ready.');
      await page.locator('#recordings a', { hasText: '2026-11-25 weekly 18:00 UTC' }).waitFor();
      await expect(page.locator('#recordings a').getAttribute('href')).resolves.toContain('X-Amz-Expires=900');
      await page.screenshot({ path: path.join(SHOTS, `stopped-${size}.png`) });
      if (size === 'desktop') await page.getByLabel('Record', { exact: true }).check();
      await page.getByRole('button', { name: 'Start' }).click();
      await page.locator('#phase', { hasText: 'STARTING' }).waitFor();
      expect(startsWithRecord).toBe(1);
      await expect(page.locator('#progress').isVisible()).resolves.toBe(true);
      await page.screenshot({ path: path.join(SHOTS, `starting-${size}.png`) });
      // Minutes later in the simulated AWS: the task is healthy and the host record in sync.
      clock.t += 120_000;
      await page.locator('#phase', { hasText: 'READY' }).waitFor({ timeout: 15_000 });
      await page.screenshot({ path: path.join(SHOTS, `ready-${size}.png`) });
      let meetingUrl = '';
      await page.route('https://meet.ne3d.org/**', (route) => {
        meetingUrl = route.request().url();
        return route.fulfill({ status: 200, contentType: 'text/html', body: '<title>meeting</title>' });
      });
      if (size === 'desktop') {
        // A meetup added on the page appears in its list.
        await page.locator('#meetup-name').fill('december-meetup');
        await page.locator('#meetup-at').fill('2030-12-03T18:00');
        await page.locator('#tz').fill('Europe/Berlin');
        await page.getByLabel('Record it').check();
        await page.getByRole('button', { name: 'Add meetup' }).click();
        await page.locator('#meetups li', { hasText: 'december-meetup (Europe/Berlin)' }).waitFor();
        // A recorded meetup: the runtime guard adds the recorder once the meeting is READY.
        expect(sim.schedules.find((x) => x.schedule.name === 'december-meetup')?.schedule.record).toBe(true);
      }
      await page.locator('#room').fill('weekly');
      await page.getByRole('button', { name: 'Join' }).click();
      await page.waitForURL(/meet\.ne3d\.org\/weekly/);
      const jwt = new URL(meetingUrl).searchParams.get('jwt') ?? '';
      expect(await verifyJitsiToken(jwt, { ...settings, room: 'weekly', now: clock.now() })).toMatchObject({
        ok: true,
        claims: { context: { user: { name: 'Ana' }, features: { recording: 'true', livestreaming: 'true' } } },
      });
      await context.close();
    }
  }, 90_000);

  it('member: the status and Join, never Start or Stop', async () => {
    const { page, context } = await open('member', 'desktop');
    await page
      .locator('#phase')
      .filter({ hasText: /READY|STOPPED|STARTING/ })
      .waitFor();
    await expect(page.locator('#organizer').isVisible()).resolves.toBe(false);
    await expect(page.locator('#recent').isVisible()).resolves.toBe(false);
    await expect(page.locator('#cost').textContent()).resolves.toBe('');
    await expect(page.getByRole('button', { name: 'Start' }).isVisible()).resolves.toBe(false);
    await page.screenshot({ path: path.join(SHOTS, 'member-desktop.png') });
    // A forged call from the member's own session changes nothing.
    const status = await page.evaluate(
      async () => (await fetch('/api/start', { method: 'POST', headers: { 'x-meetctl': '1' }, body: '{}' })).status,
    );
    expect(status).toBe(403);
    await context.close();
  }, 30_000);

  it('refuses to be shown in a frame on another site, which the same host without the header is not', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const framed = async (src: string) => {
      await page.goto(`${elsewhereOrigin}/frame?src=${encodeURIComponent(src)}`);
      await page.waitForFunction(() => (globalThis as unknown as { document: { title: string } }).document.title === 'loaded');
      const frame = page.frames().find((f) => f !== page.mainFrame());
      if (!frame) throw new Error('no frame');
      return frame;
    };
    const refused = await framed(`${origin}/`);
    expect(refused.url()).toMatch(/^chrome-error:/);
    await expect(refused.locator('#signin').count()).resolves.toBe(0);
    const control = await framed(`${origin}/test-plain`);
    await expect(control.locator('#plain').textContent()).resolves.toBe('framed fine');
    await context.close();
  }, 30_000);

  it("a link or form on another site never drops a signed-in member into the linker's room", async () => {
    const { page, context } = await open('member', 'desktop');
    const meetings: string[] = [];
    await page.route('https://meet.ne3d.org/**', (route) => {
      meetings.push(route.request().url());
      return route.fulfill({ status: 200, contentType: 'text/html', body: '<title>meeting</title>' });
    });
    // The link: through the (still signed-in) managed login, to the Join page, and no further.
    signingInAs = tokens.member;
    await page.goto(`${elsewhereOrigin}/attack`);
    await page.locator('#link').click();
    await page.getByRole('button', { name: 'Join evil' }).waitFor();
    expect(new URL(page.url()).origin).toBe(origin);
    // The form, posted from the other site: the Strict cookie stays home and the Origin is wrong.
    await page.goto(`${elsewhereOrigin}/attack`);
    const posted = page.waitForResponse((r) => r.url() === `${origin}/auth/room` && r.request().method() === 'POST');
    await page.locator('#form').evaluate((form) => (form as unknown as { submit(): void }).submit());
    expect((await posted).status()).toBe(401);
    await page.waitForURL(`${origin}/auth/room`);
    expect(meetings).toEqual([]);
    // The member's own press of Join on the page is what opens a room.
    await page.goto(`${origin}/auth/room?room=weekly`);
    await page.getByRole('button', { name: 'Join weekly' }).click();
    await page.waitForURL(/meet\.ne3d\.org\/weekly\?jwt=/);
    expect(meetings).toHaveLength(1);
    await context.close();
  }, 30_000);
});
