import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { asleepPage, membersLines, START_TAKES } from '../../src/asleep/page.js';
import { nginxSafeHtml, wakingCsp, wakingPage } from '../../src/asleep/waking-page.js';
import { DNS_SWITCH_SECONDS, modelledStartSeconds, TASK_TIMELINE } from '../../src/control/start-time.js';

const HOST = 'meet.example.org';
const BRANDING = {
  appName: 'NE3D Blender Meet',
  logoUrl: 'https://ne3d.org/logo.svg?a=1&b=2',
  primaryColor: '#e87d0d',
  backgroundColor: '#232323',
};
const PAGE_URL = 'https://start.meet.example.org/';
const styleOf = (html: string) => /<style>([^<]*)<\/style>/.exec(html)?.[1];

describe('the waking page (the TLS sidecar while web does not answer)', () => {
  it('names the host when the config sets no branding, says the server is waking up, and that it reloads and opens the meeting by itself', () => {
    const html = wakingPage({ host: HOST, retrySeconds: 5 });
    expect(html).toContain(`<title>${HOST} is starting</title>`);
    expect(html).toContain(`<h1>${HOST} is starting</h1>`);
    expect(html).toContain('<meta http-equiv="refresh" content="5">');
    expect(html).toContain('The meeting server is waking up.');
    expect(html).toContain(
      'Keep this page open: it reloads by itself every 5 seconds and opens the meeting as soon as the server is up.',
    );
    // Guests read it: no command, no program's name, no script.
    expect(html).not.toMatch(/meetctl|nginx|<code>|`|--|<script/i);
    expect(html).not.toContain('<img');
  });

  it("has the asleep page's look: the same style sheet, with and without the group's colours", () => {
    for (const branding of [undefined, BRANDING]) {
      const asleep = styleOf(asleepPage({ host: HOST, branding, starting: true }));
      expect(asleep).toBeTruthy();
      expect(styleOf(wakingPage({ host: HOST, branding, retrySeconds: 5 }))).toBe(asleep);
    }
    expect(styleOf(wakingPage({ host: HOST, branding: BRANDING, retrySeconds: 5 }))).toContain('h1,h2{color:#e87d0d}');
  });

  it("shows the group's name and logo instead of the host, escaped as on the asleep page", () => {
    const html = wakingPage({ host: HOST, branding: { ...BRANDING, appName: 'NE3D <Blender> Meet' }, retrySeconds: 5 });
    expect(html).toContain('<title>NE3D &lt;Blender&gt; Meet is starting</title>');
    expect(html).toContain(
      '<h1><img src="https://ne3d.org/logo.svg?a=1&amp;b=2" alt="" height="40"> NE3D &lt;Blender&gt; Meet is starting</h1>',
    );
    expect(html).not.toContain(HOST);
  });

  it('never hands nginx a "$" or a "\\" from the config: both become character references, which the browser shows as they are', () => {
    const html = wakingPage({
      host: HOST,
      branding: { appName: 'A$b "c" {d}; \\e', logoUrl: 'https://ne3d.org/$x\\y.svg' },
      retrySeconds: 5,
    });
    expect(html).toContain(
      '<h1><img src="https://ne3d.org/&#36;x&#92;y.svg" alt="" height="40"> A&#36;b &quot;c&quot; {d}; &#92;e is starting</h1>',
    );
    expect(html).not.toMatch(/[$\\]/);
    expect(nginxSafeHtml('$a\\b$')).toBe('&#36;a&#92;b&#36;');
  });

  it('is allowed exactly its own style and the logo by its CSP, and is framed by nobody unless listed', () => {
    const html = wakingPage({ host: HOST, branding: BRANDING, retrySeconds: 5 });
    const hash = createHash('sha256')
      .update(styleOf(html) ?? '')
      .digest('base64');
    expect(wakingCsp(BRANDING)).toBe(
      `default-src 'none'; style-src 'sha256-${hash}'; img-src https://ne3d.org; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
    );
    const unbranded = createHash('sha256')
      .update(styleOf(wakingPage({ host: HOST, retrySeconds: 5 })) ?? '')
      .digest('base64');
    expect(wakingCsp(undefined, ['https://ne3d.org'])).toBe(
      `default-src 'none'; style-src 'sha256-${unbranded}'; frame-ancestors https://ne3d.org; base-uri 'none'; form-action 'none'`,
    );
  });
});

describe('the waking page when meetings are members-only', () => {
  const MEMBERS_LINES = [
    'Guests need no account: once the server is up, you wait in the lobby until a member or the host is in.',
    `Members and organizers: <a href="${PAGE_URL}">sign in</a> to join, or to start the server.`,
  ];

  it('tells guests and members what the asleep page tells them, in the same words, with the sign-in link', () => {
    const html = wakingPage({ host: HOST, branding: BRANDING, retrySeconds: 5, pageUrl: PAGE_URL });
    for (const line of MEMBERS_LINES) expect(html).toContain(line);
    // One source: both pages carry membersLines, as it is.
    expect(html).toContain(membersLines(PAGE_URL));
    expect(asleepPage({ host: HOST, branding: BRANDING, starting: true, pageUrl: PAGE_URL })).toContain(membersLines(PAGE_URL));
    // Members have something to do (sign in), so the page no longer says there is nothing.
    expect(html).toContain('opens the meeting as soon as the server is up.</p>');
    expect(html).not.toContain('There is nothing else to do.');
  });

  it('says neither when anyone with the link opens rooms (no organizer page to sign in on)', () => {
    const html = wakingPage({ host: HOST, branding: BRANDING, retrySeconds: 5 });
    expect(html).not.toMatch(/Guests need no account|sign in|<a /);
    expect(html).toContain('opens the meeting as soon as the server is up. There is nothing else to do.</p>');
  });

  it('escapes the sign-in address in the shared lines, and hands nginx no "$" or "\\" of it on the waking page', () => {
    // The schema allows only a host name in it (start.<domain>); the escaping holds for any text.
    const hostile = 'https://x.test/"><script>alert(1)</script>&\'$a\\b';
    const lines = membersLines(hostile);
    expect(lines).toContain(
      '<a href="https://x.test/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;&#39;$a\\b">sign in</a>',
    );
    const html = wakingPage({ host: HOST, retrySeconds: 5, pageUrl: hostile });
    expect(html).toContain(
      '<a href="https://x.test/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;&#39;&#36;a&#92;b">sign in</a>',
    );
    expect(html).not.toMatch(/[$\\]|<script/);
  });
});

describe("the waking page's promise, held to the start model (src/control/start-time.ts)", () => {
  const [least, most] = START_TAKES.seconds;

  it("says how long the start takes in the words of the asleep page's starting card", () => {
    expect(wakingPage({ host: HOST, retrySeconds: 5 })).toContain(
      `<p>The meeting server is waking up. This usually takes ${START_TAKES.words}.</p>`,
    );
    expect(asleepPage({ host: HOST, starting: true })).toContain(`This usually takes ${START_TAKES.words}.`);
    expect(START_TAKES.words).toBe('a minute or two');
    expect(START_TAKES.seconds).toEqual([60, 120]);
  });

  it('claims what the model leaves: from when each page first shows until the meeting is ready', () => {
    const ready = modelledStartSeconds('direct').seconds;
    // The asleep page says "starting" from the start request on.
    expect(ready).toBeGreaterThanOrEqual(least);
    expect(ready).toBeLessThanOrEqual(most);
    // The waking page shows from when the sidecar answers, to everyone once the record points at it.
    for (const shown of [TASK_TIMELINE.sidecar, TASK_TIMELINE.sidecar + DNS_SWITCH_SECONDS]) {
      expect(ready - shown, `ready ${ready} s, shown at ${shown} s`).toBeGreaterThanOrEqual(least);
      expect(ready - shown, `ready ${ready} s, shown at ${shown} s`).toBeLessThanOrEqual(most);
    }
  });
});
