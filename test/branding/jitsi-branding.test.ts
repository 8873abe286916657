import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BRANDING_FILES,
  brandingData,
  brandingInitCommand,
  brandingLabels,
  brandingNginxConf,
  customConfig,
  customInterfaceConfig,
  dynamicBrandingUrl,
  isBranded,
  JITSI_LANGUAGES,
  jitsiBrandingFiles,
  shade,
} from '../../src/branding/jitsi-branding.js';
import { FULL_BRANDING } from '../support/branding.js';
import { freePort } from '../support/free-port.js';

const HOST = 'meet.ne3d.org';
const FULL = FULL_BRANDING;

/** What the web client's interface_config.js and config.js hold after the image appends ours. */
function evaluate(script: string, global: 'interfaceConfig' | 'config'): Record<string, unknown> {
  const context = { [global]: { APP_NAME: 'Jitsi Meet', DEFAULT_LOGO_URL: 'images/watermark.svg' } };
  runInNewContext(script, context);
  return context[global] as Record<string, unknown>;
}

describe('branding for the Jitsi web client', () => {
  it('asks for branding only when the config has a field', () => {
    expect(isBranded(undefined)).toBe(false);
    expect(isBranded({})).toBe(false);
    expect(isBranded({ appName: 'x' })).toBe(true);
    expect(dynamicBrandingUrl(HOST)).toBe('https://meet.ne3d.org/branding/branding.json');
  });

  it('writes the dynamic-branding fields jitsi-meet reads: logo, link, colours, theme and labels', () => {
    const data = brandingData(FULL, HOST);
    expect(data).toMatchObject({
      logoImageUrl: FULL.logoUrl,
      logoClickUrl: FULL.websiteUrl,
      backgroundColor: '#232323',
      premeetingBackground: '#232323',
      customTheme: {
        palette: { action01: '#e87d0d', action01Hover: shade('#e87d0d', 0.85), action01Active: shade('#e87d0d', 0.7) },
      },
    });
    const labels = data.labels as Record<string, string>;
    expect(Object.keys(labels)).toEqual([...JITSI_LANGUAGES]);
    expect(new Set(Object.values(labels))).toEqual(new Set(['https://meet.ne3d.org/branding/labels.json']));
    expect(brandingLabels(FULL)).toEqual({ welcomepage: { headerTitle: FULL.appName, headerSubtitle: FULL.welcomeText } });
  });

  it("keeps Jitsi's own logo when the group names none (the watermark would be empty), and sets nothing it was not asked for", () => {
    const data = brandingData({ appName: 'Only a name' }, HOST);
    expect(data.logoImageUrl).toBe('images/watermark.svg');
    expect(data.logoClickUrl).toBe('https://jitsi.org');
    expect(data).not.toHaveProperty('customTheme');
    expect(data).not.toHaveProperty('backgroundColor');
    expect(brandingData({ primaryColor: '#000000' }, HOST)).not.toHaveProperty('labels');
    expect(brandingData({ logoUrl: 'https://x.org/l.png' }, HOST).logoClickUrl).toBe('');
  });

  it('darkens the primary colour for hover and pressed buttons', () => {
    expect(shade('#ff8000', 0.5)).toBe('#804000');
    expect(shade('#e87d0d', 1)).toBe('#e87d0d');
    expect(shade('#000000', 0.85)).toBe('#000000');
  });

  it('sets APP_NAME, the logo and its link in interface_config.js, and defaultLogoUrl in config.js', () => {
    expect(evaluate(customInterfaceConfig(FULL), 'interfaceConfig')).toEqual({
      APP_NAME: FULL.appName,
      DEFAULT_LOGO_URL: FULL.logoUrl,
      DEFAULT_WELCOME_PAGE_LOGO_URL: FULL.logoUrl,
      JITSI_WATERMARK_LINK: FULL.websiteUrl,
    });
    expect(evaluate(customConfig(FULL), 'config')).toMatchObject({ defaultLogoUrl: FULL.logoUrl });
    // Nothing asked for, nothing changed.
    expect(evaluate(customInterfaceConfig({ primaryColor: '#000000' }), 'interfaceConfig')).toEqual({
      APP_NAME: 'Jitsi Meet',
      DEFAULT_LOGO_URL: 'images/watermark.svg',
    });
  });

  it('keeps any name a string: quotes, backslashes, </script> and line separators never end it', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }), (appName) => {
        const script = customInterfaceConfig({ appName });
        expect(script).not.toContain('</');
        expect(evaluate(script, 'interfaceConfig').APP_NAME).toBe(appName);
      }),
      { examples: [['</script><script>alert(1)</script>'], ['line\u2028separator'], ['"\\\'` $ {x}']] },
    );
  });
});

describe('the branding init container', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'meetctl-branding-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes every file byte for byte, whatever the text holds ($, quotes, backticks, %, new lines)', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 80 }).filter((t) => !t.includes('\0')),
        (text) => {
          const dir = mkdtempSync(path.join(root, 'run-'));
          const files = { 'a.js': text, 'nested/deeper/b.json': `${text}\n` };
          const { command, environment } = brandingInitCommand(files, dir);
          const result = spawnSync('sh', ['-c', command], { env: { PATH: process.env.PATH, ...environment }, encoding: 'utf8' });
          expect(result.status).toBe(0);
          expect(readFileSync(path.join(dir, 'a.js'), 'utf8')).toBe(text);
          expect(readFileSync(path.join(dir, 'nested/deeper/b.json'), 'utf8')).toBe(`${text}\n`);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('fails (and so the task, before web starts) when it cannot write', () => {
    const { command, environment } = brandingInitCommand({ 'a.js': 'x' }, path.join(root, 'missing'));
    const result = spawnSync('sh', ['-c', command], { env: { PATH: process.env.PATH, ...environment } });
    expect(result.status).not.toBe(0);
  });

  it('carries the texts in the environment, base64-encoded, never inside the command', () => {
    const { command, environment } = brandingInitCommand(jitsiBrandingFiles(FULL, HOST));
    expect(command).not.toContain(FULL.appName);
    const decoded = Object.values(environment).map((v) => Buffer.from(v, 'base64').toString('utf8'));
    expect(decoded.join('')).toContain(FULL.appName);
    expect(Object.values(environment).join('')).not.toMatch(/\$\{/);
    expect(command).toContain(`> '${BRANDING_FILES.interfaceConfig}'`);
  });
});

// Web's nginx with our location, run for real with Debian's nginx (which .ci/run installs): a
// server block laid out as meet.conf at stable-11146-2 (a regex location per room, then the
// nginx-custom include), reading the files the init container wrote, copied as the web image's
// start script copies /config to /run/web/config.
const NGINX = '/usr/sbin/nginx';
const nginxAvailable = existsSync(NGINX);
if (!nginxAvailable && process.env.CI === 'true')
  throw new Error('nginx is not installed: .ci/run must apt-get install nginx-light');

describe.skipIf(!nginxAvailable)("web's nginx serves the branding from the meeting's own origin", () => {
  const root = mkdtempSync(path.join(tmpdir(), 'meetctl-branding-nginx-'));
  const run = path.join(root, 'run');
  let server: ChildProcess;
  let port = 0;

  beforeAll(async () => {
    port = await freePort();
    const config = path.join(root, 'config');
    mkdirSync(config);
    const { command, environment } = brandingInitCommand(jitsiBrandingFiles(FULL, HOST, run), config);
    expect(spawnSync('sh', ['-c', command], { env: { PATH: process.env.PATH, ...environment } }).status).toBe(0);
    cpSync(config, run, { recursive: true });
    mkdirSync(path.join(root, 'tmp'));
    writeFileSync(
      path.join(root, 'nginx.conf'),
      `${process.getuid?.() === 0 ? 'user root;\n' : ''}daemon off;
pid ${root}/nginx.pid;
error_log stderr warn;
events {}
http {
  access_log off;
  client_body_temp_path ${root}/tmp/body;
  proxy_temp_path ${root}/tmp/proxy;
  fastcgi_temp_path ${root}/tmp/fastcgi;
  uwsgi_temp_path ${root}/tmp/uwsgi;
  scgi_temp_path ${root}/tmp/scgi;
  server {
    listen 127.0.0.1:${port};
    root ${root}/www;
    add_header X-Content-Type-Options nosniff;
    include ${run}/nginx-custom/*.conf;
    location ~ ^/([^/?&:'"]+)$ { default_type text/plain; return 200 "room $1"; }
  }
}
`,
    );
    server = spawn(NGINX, ['-c', path.join(root, 'nginx.conf'), '-p', root], { stdio: 'ignore' });
    for (let i = 0; i < 100 && !existsSync(path.join(root, 'nginx.pid')); i++) await new Promise((r) => setTimeout(r, 50));
  }, 30_000);

  afterAll(() => {
    server?.kill();
    rmSync(root, { recursive: true, force: true });
  });

  const get = (pathname: string) =>
    new Promise<{ status: number; type: string | undefined; body: string }>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: pathname }, (res) => {
        let body = '';
        res.on('data', (c) => (body += String(c)));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
      })
        .on('error', reject)
        .end();
    });

  it('answers /branding/branding.json and labels.json as JSON with what the client reads', async () => {
    const data = await get('/branding/branding.json');
    expect(data.status).toBe(200);
    expect(data.type).toBe('application/json');
    expect(JSON.parse(data.body)).toEqual(brandingData(FULL, HOST));
    const labels = await get('/branding/labels.json');
    expect(JSON.parse(labels.body)).toEqual(brandingLabels(FULL));
  });

  it('leaves a room called "branding" a room, and serves nothing else of /config', async () => {
    expect(await get('/branding')).toMatchObject({ status: 200, body: 'room branding' });
    expect((await get('/branding/../custom-interface_config.js')).body).not.toContain('APP_NAME');
    expect((await get('/branding/%2e%2e/custom-interface_config.js')).body).not.toContain('APP_NAME');
    expect((await get('/branding/missing.json')).status).toBe(404);
  });

  it('is a location block of its own, for the server context meet.conf includes it in', () => {
    expect(brandingNginxConf('/run/web/config')).toMatch(
      /^#.*\nlocation \^~ \/branding\/ \{\n\s+alias \/run\/web\/config\/branding\/;/,
    );
  });
});
