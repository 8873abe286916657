import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { asleepPage } from '../../src/asleep/page.js';
import { nginxSafeHtml, wakingCsp, wakingPage } from '../../src/asleep/waking-page.js';

const HOST = 'meet.example.org';
const BRANDING = {
  appName: 'NE3D Blender Meet',
  logoUrl: 'https://ne3d.org/logo.svg?a=1&b=2',
  primaryColor: '#e87d0d',
  backgroundColor: '#232323',
};
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
