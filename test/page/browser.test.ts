import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyJitsiToken } from '../../src/auth/jitsi-token.js';
import { modelledStartSeconds } from '../../src/control/start-time.js';
import { type TransitionRequest, transition } from '../../src/control/transition.js';
import { pageStartRefusal, pageStatus } from '../../src/lambda/organizer-page.js';
import { handlePage, type PageDeps, type StoredSession } from '../../src/page/api.js';
import { runPageAction } from '../../src/page/worker.js';
import { meetupSchedule } from '../../src/schedule/meetup.js';
import { automationWorld } from '../support/automation.js';
import { CLIENT, localCognito } from '../support/cognito.js';
import { ROOT } from '../support/fixtures.js';
import { simSchedules } from '../support/page.js';
import { decodePng, differentPixels, writeScreenshot } from '../support/screenshots.js';

// The organizer page in a real browser: Debian's chromium, headless, through playwright-core. The
// page's handler is served on 127.0.0.1 against the simulated AWS, with the page function's own
// status builder (pageStatus), a locally generated key stands in for Cognito's, and a fake managed
// login sends the browser straight back with a code. One evening, in order: signed out, stopped,
// starting, ready, recording, a recording that S3 has not got yet, the meetup form, and a meeting on a
// stack CloudFormation left for a person to repair; each state is photographed at desktop and phone
// width into docs/images, which docs/organizer-guide.md shows.
const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI === 'true') throw new Error('chromium is not installed: .ci/run must apt-get install chromium');
const SHOTS = path.join(ROOT, 'docs', 'images');
const HOST = 'meet.ne3d.org';
const settings = {
  appId: 'meetctl',
  secret: 'a-secret-of-at-least-32-bytes-for-hs256!!',
  audience: 'jitsi',
  host: HOST,
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
const world = automationWorld({ ingress: 'direct', recorder: true });
const { clock, sim, rt } = world;
const run = (goal: TransitionRequest['goal'], actor: string, extra: Partial<TransitionRequest> = {}) =>
  transition({ goal, actor, reason: 'browser test', ...extra }, rt);
/** Starts asked for with the Record box ticked. */
let startsWithRecord = 0;
/** What the control plane answered the stops asked for on the page. */
const stops: Array<{ outcome: string; detail?: string }> = [];
/** The ID token the fake managed login hands out next (who "signs in"). */
let signingInAs = '';
/** The page's server-side sessions (the state table's rows in Lambda). */
const sessions = new Map<string, StoredSession>();
/** The config's `timeZone` the page function was deployed with (none: the config has none). */
let configTimeZone: string | undefined = 'America/New_York';
/** The measured start the deploy gave the page function (none: the page shows the model). */
let measuredStart: number | undefined;

beforeAll(async () => {
  if (!available) return;
  const { sign, verify } = await localCognito();
  tokens.organizer = await sign({ sub: 'u1', email: 'ana@ne3d.org', name: 'Ana', 'cognito:groups': ['organizers', 'members'] });
  tokens.member = await sign({ sub: 'u2', email: 'bo@ne3d.org', name: 'Bo', 'cognito:groups': ['members'] });
  // The world: a weekly meetup in Berlin, and last week's meetup started by its schedule and stopped
  // when the room had been empty (the Recently list and the month's cost).
  await simSchedules(sim).add(
    meetupSchedule({ name: 'weekly', cron: '0 18 ? * WED *', tz: 'Europe/Berlin', lead: 15, window: 120 }, clock.now()).schedule,
  );
  await run('running', 'schedule:weekly');
  sim.participants = 9;
  clock.t += 100 * 60_000;
  sim.participants = 0;
  clock.t += 20 * 60_000;
  await run('stopped', 'idle-stop');
  const costModel = { size: 'medium', architecture: 'arm64', ingress: 'direct', budgetUsd: 30 } as const;
  const modelled = pageStatus(world.deps, costModel);
  const measured = (seconds: number) => pageStatus(world.deps, costModel, seconds);
  let random = 0;
  const deps = (): PageDeps => ({
    origin,
    host: HOST,
    branding: BRANDING,
    ...(configTimeZone ? { timeZone: configTimeZone } : {}),
    verify,
    control: {
      status: (role) => (measuredStart === undefined ? modelled : measured(measuredStart))(role),
      startRefusal: pageStartRefusal(world.deps),
      // The browser test drives a start's time itself: ask for the task, and let the test move the clock.
      // A stop runs as the page function runs it, through the control plane (its waits are virtual).
      dispatch: async (goal, actor, options) => {
        if (options?.record) startsWithRecord += 1;
        if (goal === 'stopped') stops.push(await runPageAction(world.deps, { action: 'transition', goal, actor }));
        else await sim.ports.service.setDesired('meet-cluster', 'meet-service', 1);
      },
    },
    recordings: {
      list: async () => [
        {
          day: '2026-11-25',
          room: 'weekly',
          file: 'weekly_2026-11-25-18-00-05.mp4',
          sizeBytes: 734_003_200,
          start: '2026-11-25T17:00:05Z',
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

const contexts: BrowserContext[] = [];
afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  await new Promise((resolve) => elsewhere?.close(resolve));
});

const tokens: Record<'organizer' | 'member', string> = { organizer: '', member: '' };
const sizes = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;
type Size = keyof typeof sizes;
const SIZES = Object.keys(sizes) as Size[];

/** A computed style property of an element, read in the browser. */
const cssOf = (locator: Locator, property: string) =>
  locator.evaluate(
    (el, p) => (globalThis as unknown as { getComputedStyle(e: unknown): Record<string, string> }).getComputedStyle(el)[p],
    property,
  );

/**
 * A browser at `size`, in English as in the US, whose own clock reads UTC (as a headless or server
 * browser often does): the page must show every time in a named zone whatever the browser says.
 */
async function open(who: 'organizer' | 'member' | undefined, size: Size): Promise<Page> {
  const context = await browser.newContext({ viewport: sizes[size], locale: 'en-US', timezoneId: 'UTC' });
  contexts.push(context);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  const page = await context.newPage();
  await page.route(BRANDING.logoUrl, (route) => route.fulfill({ status: 200, contentType: 'image/svg+xml', body: LOGO }));
  await page.goto(`${origin}/`);
  if (who) {
    signingInAs = tokens[who];
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.waitForURL(`${origin}/`);
    await page.locator('#phase[data-phase]').waitFor();
  }
  return page;
}

/** Ask the page to refresh now (instead of in up to 5 s), then wait until it shows `phase`. */
async function shows(page: Page, phase: string): Promise<void> {
  await page.evaluate('refresh()');
  await page.locator(`#phase[data-phase="${phase}"]`).waitFor({ timeout: 15_000 });
}

/** A screenshot for the docs, with `focus` scrolled into view when it is below the fold. */
async function shoot(page: Page, name: string, size: Size, focus?: Locator): Promise<void> {
  // Scrolled to a whole pixel: a fractional offset antialiases the cards' corners differently each run.
  if (focus) await focus.evaluate('(el) => window.scrollTo(0, Math.round(el.getBoundingClientRect().top + window.scrollY - 16))');
  // The same picture every run: no pointer hovering where the last click was, no focus ring.
  await page.mouse.move(0, 0);
  await page.evaluate('document.activeElement && document.activeElement.blur()');
  writeScreenshot(path.join(SHOTS, `${name}-${size}.png`), await page.screenshot({ caret: 'hide', animations: 'disabled' }));
}

/** Visible text of the page, as a person reads it (innerText leaves out what is hidden). */
// biome-ignore lint/performance/useDomNodeTextContent: only the visible text counts here
const visibleText = (page: Page) => page.locator('body').innerText();

const organizerPages = {} as Record<Size, Page>;

describe.skipIf(!available)('the organizer page in a browser', () => {
  it("branding: the group's name, logo and colours, all allowed by the page's strict CSP", async () => {
    const context = await browser.newContext({ viewport: sizes.desktop });
    contexts.push(context);
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
    // The page's script ran (it is allowed by its hash): it asked for the status and showed Sign in.
    await page.getByRole('link', { name: 'Sign in' }).waitFor({ state: 'visible' });
    expect(violations).toEqual([]);
  }, 30_000);

  it("the docs' screenshot check reads Chromium's own PNGs: a known colour where it was drawn, a moved box as changed", async () => {
    const context = await browser.newContext({ viewport: { width: 64, height: 48 } });
    contexts.push(context);
    const page = await context.newPage();
    const box = (left: number) =>
      page.setContent(
        `<body style="margin:0;background:#fff"><div style="position:absolute;left:${left}px;top:8px;width:20px;height:20px;background:rgb(10,200,30)"></div></body>`,
      );
    await box(8);
    const first = decodePng(await page.screenshot());
    expect([first.width, first.height]).toEqual([64, 48]);
    const at = (x: number, y: number) => [
      ...first.data.subarray((y * 64 + x) * first.channels, (y * 64 + x) * first.channels + 3),
    ];
    expect(at(15, 15)).toEqual([10, 200, 30]);
    expect(at(2, 2)).toEqual([255, 255, 255]);
    expect(at(40, 40)).toEqual([255, 255, 255]);
    expect(differentPixels(first, decodePng(await page.screenshot()))).toBe(0);
    await box(12);
    // The box moved 4 pixels: 4 columns of 20 pixels on each side changed.
    expect(differentPixels(first, decodePng(await page.screenshot()))).toBe(160);
  }, 30_000);

  it('signed out: Sign in for members and organizers, and guests are told they need no account', async () => {
    for (const size of SIZES) {
      const page = await open(undefined, size);
      // The page draws its sections once its status request answers: wait for that, not for a fixed time.
      await page.getByRole('link', { name: 'Sign in' }).waitFor({ state: 'visible' });
      await expect(page.locator('#signed').isVisible()).resolves.toBe(false);
      await expect(page.getByRole('link', { name: 'Sign out' }).isVisible()).resolves.toBe(false);
      const text = await visibleText(page);
      expect(text).toContain('You need no account and nothing to install');
      expect(text).toContain('You wait in the lobby until a member or the host is in');
      await shoot(page, 'signed-out', size);
    }
  }, 30_000);

  it('organizer, asleep: the state in plain words, the next meetup and every time with its zone, the guest link', async () => {
    for (const size of SIZES) {
      const page = await open('organizer', size);
      organizerPages[size] = page;
      await shows(page, 'STOPPED');
      await expect(page.locator('#phase').textContent()).resolves.toBe('Asleep');
      // Wednesday 18:00 in Berlin is noon in New York; the page says it in the meetup's own zone.
      await expect(page.locator('#next').textContent()).resolves.toMatch(
        /^Next meetup: Wednesday, December 9, 2026,? (at )?6:00 PM \(Europe\/Berlin\), weekly\.$/,
      );
      await expect(page.locator('#cost').textContent()).resolves.toMatch(
        /^This month so far: about \$\d+\.\d\d of the \$30 budget\.$/,
      );
      await expect(page.locator('#history-zone').textContent()).resolves.toBe('America/New_York');
      // 17:45 UTC and two hours later are 12:45 PM and about 2:45 PM in New York, the config's zone.
      await expect(page.locator('#history li').allTextContents()).resolves.toEqual([
        expect.stringMatching(/^Thursday, December 3, 2026,? (at )?2:4\d PM: The idle stop stopped the server\.$/),
        expect.stringMatching(/^Thursday, December 3, 2026,? (at )?12:4\d PM: The meetup weekly started the server\.$/),
      ]);
      await expect(page.locator('#recorder').textContent()).resolves.toBe(
        'The recorder is off. To record a meeting, tick Record before you press Start.',
      );
      await page
        .locator('#recordings a', { hasText: /^weekly, Wednesday, November 25, 2026,? (at )?12:00 PM \(America\/New_York\)$/ })
        .waitFor();
      await expect(page.locator('#recordings li').textContent()).resolves.toContain('(90 min, 700 MB)');
      await expect(page.locator('#recordings a').getAttribute('href')).resolves.toContain('X-Amz-Expires=900');
      // The meetup form starts in the config's zone (the browser says UTC, which must not leak in).
      await expect(page.locator('#meetup-tz').inputValue()).resolves.toBe('America/New_York');
      // A guest link to copy for the room, while the server sleeps too.
      await expect(page.locator('#guest-link').textContent()).resolves.toBe('https://meet.ne3d.org/meetup');
      await expect(page.getByRole('button', { name: 'Join' }).isDisabled()).resolves.toBe(true);
      await expect(page.locator('#join-hint').textContent()).resolves.toBe('Join opens when the meeting server is ready.');
      await expect(page.getByRole('button', { name: 'Stop' }).isDisabled()).resolves.toBe(true);
      const text = await visibleText(page);
      expect(text).not.toMatch(/meetctl|--|STOPPED|UTC/);
      await shoot(page, 'stopped', size);
    }
  }, 60_000);

  it('organizer starts: progress with the time so far and the usual time, then READY with no stale message', async () => {
    const desktop = organizerPages.desktop;
    await desktop.getByLabel('Record', { exact: true }).check();
    await desktop.getByRole('button', { name: 'Start' }).click();
    await desktop.locator('#phase[data-phase="STARTING"]').waitFor();
    expect(startsWithRecord).toBe(1);
    clock.t += 30_000;
    for (const size of SIZES) {
      const page = organizerPages[size];
      await shows(page, 'STARTING');
      await expect(page.locator('#progress').isVisible()).resolves.toBe(true);
      // The usual time is the model's (src/control/start-time.ts), as m:ss, and said to be an estimate.
      const usual = modelledStartSeconds('direct').seconds;
      const usualText = `${Math.floor(usual / 60)}:${String(usual % 60).padStart(2, '0')}`;
      await expect(page.locator('#elapsed').textContent()).resolves.toMatch(
        new RegExp(`^0:3\\d so far; a start takes about ${usualText} \\(estimated\\)\\.$`),
      );
      await expect(page.locator('#action-note').isVisible()).resolves.toBe(false);
      await shoot(page, 'starting', size);
    }
    // Deployed with recorded starts that match (MEASURED_START_SECONDS): their median, said to be measured.
    measuredStart = 80;
    for (const size of SIZES) {
      const page = organizerPages[size];
      await shows(page, 'STARTING');
      await expect(page.locator('#elapsed').textContent()).resolves.toMatch(
        /^0:3\d so far; a start takes about 1:20 \(measured\)\.$/,
      );
      expect(await visibleText(page)).not.toMatch(/MEASURED|median|meetctl|timings/);
    }
    measuredStart = undefined;
    // Minutes later in the simulated AWS: the task is healthy and the host record in sync.
    sim.participants = 12;
    clock.t += 120_000;
    for (const size of SIZES) {
      const page = organizerPages[size];
      await shows(page, 'READY');
      await expect(page.locator('#progress').isVisible()).resolves.toBe(false);
      // Nothing of the start stays on the page once it is over.
      expect(await visibleText(page)).not.toMatch(/Starting|minute and a half|a start takes/);
      await expect(page.locator('#people').textContent()).resolves.toBe('12 people in a call.');
      await expect(page.getByRole('button', { name: 'Join' }).isEnabled()).resolves.toBe(true);
      // A meeting runs (and no recorder): Stop is there for it.
      await expect(page.getByRole('button', { name: 'Stop' }).isEnabled()).resolves.toBe(true);
      await shoot(page, 'ready', size);
    }
  }, 60_000);

  it('the guest link follows the room as Jitsi names it, and Copy puts it on the clipboard', async () => {
    const page = organizerPages.desktop;
    await page.locator('#room').fill('Café Sync');
    await expect
      .poll(() => page.locator('#guest-link').textContent(), { timeout: 10_000 })
      .toBe('https://meet.ne3d.org/caf%c3%a9%20sync');
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.locator('#copied', { hasText: 'Copied.' }).waitFor();
    await expect(page.evaluate('navigator.clipboard.readText()')).resolves.toBe('https://meet.ne3d.org/caf%c3%a9%20sync');
    // A name Jitsi cannot open: the reason beside the room field, and no link to copy.
    await page.locator('#room').fill('a/b');
    await page.locator('#room-error', { hasText: 'The room name contains "/"' }).waitFor();
    await expect(page.locator('#guest').isVisible()).resolves.toBe(false);
    await expect(page.locator('#room').getAttribute('aria-invalid')).resolves.toBe('true');
    await page.locator('#room').fill('meetup');
    await expect.poll(() => page.locator('#guest').isVisible(), { timeout: 10_000 }).toBe(true);
    await expect(page.locator('#guest-link').textContent()).resolves.toBe('https://meet.ne3d.org/meetup');
  }, 30_000);

  it('member: the state, Join and the guest link, never Start, Stop, the meetups or the cost', async () => {
    for (const size of SIZES) {
      const page = await open('member', size);
      await shows(page, 'READY');
      await expect(page.locator('#organizer').isVisible()).resolves.toBe(false);
      await expect(page.locator('#meetups-card').isVisible()).resolves.toBe(false);
      await expect(page.locator('#recent').isVisible()).resolves.toBe(false);
      await expect(page.getByRole('button', { name: 'Start' }).isVisible()).resolves.toBe(false);
      await expect(page.locator('#guest-link').textContent()).resolves.toBe('https://meet.ne3d.org/meetup');
      await shoot(page, 'member', size);
      if (size === 'phone') continue;
      // A forged call from the member's own session changes nothing.
      const status = await page.evaluate(
        async () => (await fetch('/api/start', { method: 'POST', headers: { 'x-meetctl': '1' }, body: '{}' })).status,
      );
      expect(status).toBe(403);
    }
  }, 60_000);

  it("organizer joins a room with a token that carries the organizer's recording rights", async () => {
    const context = await browser.newContext({ viewport: sizes.desktop });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${origin}/`);
    signingInAs = tokens.organizer;
    await page.getByRole('link', { name: 'Sign in' }).click();
    await shows(page, 'READY');
    let meetingUrl = '';
    await page.route('https://meet.ne3d.org/**', (route) => {
      meetingUrl = route.request().url();
      return route.fulfill({ status: 200, contentType: 'text/html', body: '<title>meeting</title>' });
    });
    await page.locator('#room').fill('weekly');
    await page.getByRole('button', { name: 'Join' }).click();
    await page.waitForURL(/meet\.ne3d\.org\/weekly/);
    const jwt = new URL(meetingUrl).searchParams.get('jwt') ?? '';
    expect(await verifyJitsiToken(jwt, { ...settings, room: 'weekly', now: clock.now() })).toMatchObject({
      ok: true,
      claims: { context: { user: { name: 'Ana' }, features: { recording: 'true', livestreaming: 'true' } } },
    });
  }, 30_000);

  it('recording: the recorder in plain words, from ready to recording', async () => {
    // The Record box asked for the recorder: the control plane adds it to the running meeting.
    expect((await run('running', 'page:ana@ne3d.org', { record: true })).outcome).toBe('done');
    await shows(organizerPages.desktop, 'READY');
    await organizerPages.desktop
      .locator('#recorder', { hasText: 'The recorder is ready: press Start recording in the meeting.' })
      .waitFor();
    sim.startRecording();
    clock.t += 20 * 60_000;
    for (const size of SIZES) {
      const page = organizerPages[size];
      await shows(page, 'READY');
      await page.locator('#recorder[data-recorder="recording"]').waitFor();
      await expect(page.locator('#recorder').textContent()).resolves.toBe('Recording now.');
      await expect(cssOf(page.locator('#recorder'), 'color')).resolves.toBe('rgb(170, 17, 17)');
      await shoot(page, 'recording', size);
    }
  }, 60_000);

  it('a recording S3 has not got yet: what, why, and that the recorder keeps it and tries again by itself', async () => {
    // S3 refuses the recorder's role; the meeting ends, the recording stays on the recorder's disk.
    sim.faults.uploadFails = 'rclone: AccessDenied: Access Denied';
    clock.t += 10 * 60_000;
    sim.participants = 0;
    expect((await run('stopped', 'page:ana@ne3d.org', { force: true })).outcome).toBe('failed');
    for (const size of SIZES) {
      const page = organizerPages[size];
      await shows(page, 'STOPPED');
      await page.locator('#recorder[data-recorder="pending"]').waitFor();
      await expect(page.locator('#recorder').textContent()).resolves.toBe(
        'The recorder stays on until the recording below is saved.',
      );
      const pending = (await page.locator('#pending').textContent()) ?? '';
      expect(pending).toContain('A recording is not in S3 (the recordings storage) yet.');
      expect(pending).toContain('tries the upload again every 5 minutes by itself');
      expect(pending).toMatch(
        /\.mp4, waiting since \w+day, December 3, 2026,? (at )?\d+:\d\d PM \(America\/New_York\) \(1 try so far\)\. Reason: rclone: AccessDenied: Access Denied/,
      );
      expect(await visibleText(page)).not.toMatch(/\bpending\b/);
      await shoot(page, 'pending-recording', size);
    }
    sim.faults.uploadFails = undefined;
  }, 60_000);

  it('the meetup form: each error beside its field in plain words; a meetup added reads in its zone', async () => {
    for (const size of SIZES) {
      const page = organizerPages[size];
      // 14 March 2027, 02:30 does not exist in New York: the clocks jump from 02:00 to 03:00.
      await page.locator('#meetup-name').fill('spring-meetup');
      await page.locator('#meetup-at').fill('2027-03-14T02:30');
      await page.getByRole('button', { name: 'Add meetup' }).click();
      const error = page.locator('#meetup-at-error');
      await error.waitFor();
      await expect(error.textContent()).resolves.toBe(
        '2:30 AM does not exist that night in America/New_York: the clocks jump from 2:00 AM to 3:00 AM. Pick a time before 2:00 AM or from 3:00 AM on.',
      );
      await expect(page.locator('#meetup-at').getAttribute('aria-invalid')).resolves.toBe('true');
      // Beside its field: right under the start time's input, and nothing in another place.
      const input = await page.locator('#meetup-at').boundingBox();
      const below = await error.boundingBox();
      expect(below && input && below.y - (input.y + input.height)).toBeLessThan(20);
      await expect(page.locator('#meetup-name-error').isVisible()).resolves.toBe(false);
      await expect(page.locator('#meetup-note').isVisible()).resolves.toBe(false);
      // The whole date and time is readable, AM/PM included: the field is as wide as the form.
      const form = await page.locator('#meetup-form').boundingBox();
      expect(input?.width).toBeGreaterThan((form?.width ?? 0) * 0.9);
      await shoot(page, 'meetup-error', size, page.locator('#meetup-form'));
    }
    const page = organizerPages.desktop;
    await page.locator('#meetup-name').fill('december-meetup');
    await page.locator('#meetup-at').fill('2030-12-03T18:00');
    await page.getByLabel('Record it').check();
    await page.getByRole('button', { name: 'Add meetup' }).click();
    await page
      .locator('#meetup-note', {
        hasText: /^Added december-meetup on Tuesday, December 3, 2030,? (at )?6:00 PM \(America\/New_York\)\./,
      })
      .waitFor();
    await expect(page.locator('#meetup-at-error').isVisible()).resolves.toBe(false);
    await page
      .locator('#meetups li', {
        hasText: /^december-meetup Tuesday, December 3, 2030,? (at )?6:00 PM \(America\/New_York\), recorded/,
      })
      .waitFor();
    // A recorded meetup: the runtime guard adds the recorder once the meeting is READY.
    expect(sim.schedules.find((x) => x.schedule.name === 'december-meetup')?.schedule.record).toBe(true);
  }, 60_000);

  it('without a time zone in the config, the form names none (never UTC) and asks for one beside its field', async () => {
    configTimeZone = undefined;
    try {
      const page = await open('organizer', 'desktop');
      await expect(page.locator('#meetup-tz').inputValue()).resolves.toBe('');
      await page.locator('#meetup-name').fill('no-zone');
      await page.locator('#meetup-at').fill('2030-12-03T18:00');
      await page.getByRole('button', { name: 'Add meetup' }).click();
      await page
        .locator('#meetup-tz-error', { hasText: 'Choose the time zone the meetup is in, for example Europe/Berlin.' })
        .waitFor();
      expect(sim.schedules.find((x) => x.schedule.name === 'no-zone')).toBeUndefined();
      // The page's other times name the browser's zone, since it has no other.
      await expect(page.locator('#history-zone').textContent()).resolves.toBe('UTC');
    } finally {
      configTimeZone = 'America/New_York';
    }
  }, 30_000);

  it('refuses to be shown in a frame on another site, which the same host without the header is not', async () => {
    const context = await browser.newContext();
    contexts.push(context);
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
  }, 30_000);

  it("a link or form on another site never drops a signed-in member into the linker's room", async () => {
    const page = await open('member', 'desktop');
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
    // What the browser shows: the reason in words and the way back, not a JSON body.
    await expect(page.locator('main').textContent()).resolves.toContain('Sign in first.');
    await expect(page.getByRole('link', { name: 'Back to the page' }).isVisible()).resolves.toBe(true);
    expect(meetings).toEqual([]);
    // The member's own press of Join on the page is what opens a room.
    await page.goto(`${origin}/auth/room?room=weekly`);
    await page.getByRole('button', { name: 'Join weekly' }).click();
    await page.waitForURL(/meet\.ne3d\.org\/weekly\?jwt=/);
    expect(meetings).toHaveLength(1);
  }, 30_000);
  it('a stack left for a person to repair: the meeting runs on, the notice, Start off with the reason, Stop through the control plane', async () => {
    // A recorded meeting starts; then a deploy fails and so does its rollback (the stack is UPDATE_ROLLBACK_FAILED).
    clock.t += 10 * 60_000;
    expect((await run('stopped', 'cli:ana', { force: true })).outcome).not.toBe('aborted');
    expect((await run('running', 'schedule:weekly', { record: true })).outcome).toBe('done');
    sim.participants = 6;
    sim.faults.updateRollbackFails = true;
    await sim.deploy(1, { changesTaskDefinition: false });
    clock.t += 5 * 60_000;
    expect((await sim.ports.stack.describe())?.status).toBe('UPDATE_ROLLBACK_FAILED');
    // Signed in afresh: the evening's sign-ins (an hour each) would end while the stop's waits move the clock.
    const pages = {} as Record<Size, Page>;
    try {
      for (const size of SIZES) {
        const page = await open('organizer', size);
        pages[size] = page;
        await shows(page, 'READY');
        await expect(page.locator('#phase').textContent()).resolves.toBe('Ready');
        await expect(page.locator('#people').textContent()).resolves.toBe('6 people in a call.');
        await expect(page.locator('#recorder').textContent()).resolves.toBe(
          'The recorder is ready: press Start recording in the meeting.',
        );
        await expect(page.locator('#repair').textContent()).resolves.toMatch(
          /^The meeting server's setup needs repair, and only the person who set it up can do it: tell them\. Until then the server cannot start/,
        );
        await expect(page.locator('#repair-detail').textContent()).resolves.toBe(
          'Details for the person who set it up: the stack status is UPDATE_ROLLBACK_FAILED.',
        );
        await expect(page.getByRole('button', { name: 'Start' }).isDisabled()).resolves.toBe(true);
        await expect(page.getByLabel('Record', { exact: true }).isDisabled()).resolves.toBe(true);
        await expect(page.locator('#start-hint').textContent()).resolves.toBe(
          'Start is off until the person who set up the server repairs its setup.',
        );
        await expect(page.getByRole('button', { name: 'Stop' }).isEnabled()).resolves.toBe(true);
        await expect(page.getByRole('button', { name: 'Join' }).isEnabled()).resolves.toBe(true);
        // The stack's status is the one word of CloudFormation's, in the details line for the person who set it up.
        expect((await visibleText(page)).replace('UPDATE_ROLLBACK_FAILED', '')).not.toMatch(
          /meetctl|--|CloudFormation|[A-Z]{3,}_[A-Z]/,
        );
        await shoot(page, 'broken-stack', size);
      }
      // A member sees the meeting (and joins it) and the notice, without the details line.
      const memberPage = await open('member', 'desktop');
      await shows(memberPage, 'READY');
      await expect(memberPage.locator('#repair').isVisible()).resolves.toBe(true);
      await expect(memberPage.locator('#repair-detail').isVisible()).resolves.toBe(false);
      await expect(memberPage.getByRole('button', { name: 'Join' }).isEnabled()).resolves.toBe(true);
      // Everyone left; the organizer presses Stop and confirms, as on a healthy stack.
      sim.participants = 0;
      clock.t += 3 * 60_000;
      const page = pages.desktop;
      const asked: string[] = [];
      page.once('dialog', (dialog) => {
        asked.push(dialog.message());
        void dialog.accept();
      });
      await page.getByRole('button', { name: 'Stop' }).click();
      await shows(page, 'STOPPED');
      expect(asked).toEqual(['Stop the meeting server? Everyone in a call is dropped.']);
      expect(stops).toEqual([{ outcome: 'done' }]);
      expect(sim.liveTasks()).toBe(0);
      expect(sim.recorderCapacity).toBe(0);
      await expect(page.locator('#phase-detail').textContent()).resolves.toBe(
        'The meeting server is asleep, so it costs next to nothing.',
      );
      await expect(page.locator('#repair').isVisible()).resolves.toBe(true);
      await expect(page.getByRole('button', { name: 'Start' }).isDisabled()).resolves.toBe(true);
      await expect(page.getByRole('button', { name: 'Stop' }).isDisabled()).resolves.toBe(true);
      await page.locator('#history li', { hasText: /: ana@ne3d\.org stopped the server\.$/ }).waitFor();
      // Once its instance is gone, the recorder is off, without the hint to tick Record (nothing starts).
      clock.t += 5 * 60_000;
      await shows(page, 'STOPPED');
      await page.locator('#recorder[data-recorder="off"]').waitFor();
      await expect(page.locator('#recorder').textContent()).resolves.toBe('The recorder is off.');
    } finally {
      // The repair, for whatever runs after.
      sim.cloudFormation.continueUpdateRollback();
      clock.t += 2 * 60_000;
    }
    // Repaired (in a new sign-in: this evening's hour is over): no notice, and Start is back.
    const repaired = await open('organizer', 'desktop');
    await shows(repaired, 'STOPPED');
    await expect(repaired.locator('#repair').isVisible()).resolves.toBe(false);
    await expect(repaired.locator('#start-hint').isVisible()).resolves.toBe(false);
    await expect(repaired.getByRole('button', { name: 'Start' }).isEnabled()).resolves.toBe(true);
  }, 90_000);

  it('a recorder left on without a meeting: Stop is there for it, and removes it', async () => {
    expect((await run('running', 'schedule:weekly', { record: true })).outcome).toBe('done');
    // The meeting's task ends by ECS alone; the recorder stays up.
    await sim.ports.service.setDesired('meet-cluster', 'meet-service', 0);
    clock.t += 2 * 60_000;
    const page = await open('organizer', 'desktop');
    await shows(page, 'STOPPED');
    await page.locator('#recorder[data-recorder="ready"]').waitFor();
    await expect(page.getByRole('button', { name: 'Stop' }).isEnabled()).resolves.toBe(true);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Stop' }).click();
    await expect.poll(() => stops.length, { timeout: 10_000 }).toBe(2);
    expect(stops[1]).toEqual({ outcome: 'done' });
    expect(sim.recorderCapacity).toBe(0);
    clock.t += 5 * 60_000;
    await shows(page, 'STOPPED');
    await page.locator('#recorder[data-recorder="off"]').waitFor();
    await expect(page.getByRole('button', { name: 'Stop' }).isDisabled()).resolves.toBe(true);
  }, 60_000);
});
