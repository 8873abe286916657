import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig, parseConfigText } from '../../src/config/load.js';
import { SIZE_PRESETS } from '../../src/config/presets.js';
import { parseRelease } from '../../src/config/release.js';
import { configJsonSchema, MAX_DOMAIN_LENGTH } from '../../src/config/schema.js';
import { ConfigError, ExitCode } from '../../src/errors.js';
import { configWith, EXAMPLE_FILE, exampleConfig, ROOT, synth } from '../support/fixtures.js';

const example = JSON.parse(readFileSync(EXAMPLE_FILE, 'utf8')) as Record<string, unknown>;
const problemsFor = (changes: Record<string, unknown>, drop: string[] = []): string[] => {
  const raw: Record<string, unknown> = { ...example, ...changes };
  for (const key of drop) delete raw[key];
  try {
    parseConfig(raw, 'meet.config.json');
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
};

describe('config', () => {
  it('accepts the shipped example and derives the stack name', () => {
    const config = exampleConfig();
    expect(config).toMatchObject({
      domain: 'meet.example.org',
      region: 'us-west-2',
      size: 'medium',
      architecture: 'arm64',
      stackName: 'Meet-meet-example-org',
    });
  });

  it('fills defaults: us-west-2, medium, arm64, 30-day logs', () => {
    const config = parseConfig(
      { ...example, region: undefined, size: undefined, architecture: undefined, logRetentionDays: undefined },
      'x',
    );
    expect(config).toMatchObject({ region: 'us-west-2', size: 'medium', architecture: 'arm64', logRetentionDays: 30 });
  });

  it.each([
    [
      'domain',
      { domain: 'Meet.Example.org' },
      'domain is not a lower-case host name (got "Meet.Example.org"). Fix: set "domain"',
    ],
    ['domain outside the zone', { domain: 'meet.other.org' }, 'domain is not inside hostedZone.name (got "meet.other.org")'],
    [
      'domain too long for start.<domain> in a certificate',
      { domain: `${'a'.repeat(59 - '.example.org'.length)}.example.org` },
      "domain is longer than 58 characters: the organizer page's start.<domain> must fit a certificate's 64-character limit",
    ],
    [
      'hosted zone id',
      { hostedZone: { id: 'abc', name: 'example.org' } },
      'hostedZone.id is not a Route 53 hosted zone id (got "abc"). Fix: set "hostedZone.id"',
    ],
    ['region', { region: 'oregon' }, 'region is not an AWS region code (got "oregon")'],
    ['account', { account: '1234' }, 'account is not a 12-digit account id (got "1234")'],
    [
      'size',
      { size: 'huge' },
      'size is not one of "small", "medium", "large" (got "huge"). Fix: set "size" to one of small, medium, large',
    ],
    ['architecture', { architecture: 'arm' }, 'architecture is not one of "arm64", "x86_64" (got "arm")'],
    [
      'secret store',
      { secretStore: 'ssm' },
      'secretStore is not one of "secrets-manager", "parameter-store" (got "ssm"). Fix: set "secretStore" to "secrets-manager"',
    ],
    [
      'moving tag stable',
      { jitsiRelease: 'stable' },
      'jitsiRelease is not a pinned stable release tag (got "stable"). Fix: set "jitsiRelease" to a pinned',
    ],
    ['moving tag latest', { jitsiRelease: 'latest' }, 'jitsiRelease is not a pinned stable release tag (got "latest")'],
    ['too old', { jitsiRelease: 'stable-7001' }, 'jitsiRelease is older than stable-9584'],
    ['e-mail', { alertEmail: 'not-an-address' }, 'alertEmail is not an e-mail address (got "not-an-address")'],
    ['budget', { monthlyBudgetUsd: 0 }, 'monthlyBudgetUsd must be greater than 0 (got 0)'],
    ['budget type', { monthlyBudgetUsd: '30' }, 'monthlyBudgetUsd has the wrong type (expected number) (got "30")'],
    ['retention', { logRetentionDays: 8 }, 'logRetentionDays is not a retention CloudWatch Logs accepts (got 8)'],
    ['stack name', { stackName: '1-bad' }, 'stackName is not a valid CloudFormation stack name (got "1-bad")'],
    ['unknown field', { sise: 'small' }, 'the file has unknown field(s) "sise". Fix: remove them or check their spelling'],
  ])('names the field, the value and the fix for a bad %s', (_name, changes, expected) => {
    const problems = problemsFor(changes);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(expected);
    expect(problems[0]).toContain('Fix:');
  });

  it('reports every problem at once, including missing fields', () => {
    const problems = problemsFor({ size: 'huge', domain: 'meet.other.org' }, ['alertEmail', 'monthlyBudgetUsd']);
    expect(problems.map((p) => p.split(' ')[0])).toEqual(
      expect.arrayContaining(['size', 'domain', 'alertEmail', 'monthlyBudgetUsd']),
    );
    expect(problems.find((p) => p.startsWith('alertEmail'))).toContain('alertEmail is missing. Fix:');
  });

  it("names a fix of its own for a wrong type at every field of the schema, never the parser's wording", () => {
    // Every property of the JSON Schema, nested ones too; a whole object given as a number is the wrong type.
    const fields: string[][] = [];
    const walk = (schema: Record<string, unknown>, at: string[]): void => {
      for (const [key, child] of Object.entries((schema.properties ?? {}) as Record<string, Record<string, unknown>>)) {
        fields.push([...at, key]);
        walk(child, [...at, key]);
      }
    };
    walk(configJsonSchema() as Record<string, unknown>, []);
    expect(fields.map((f) => f.join('.'))).toEqual(
      expect.arrayContaining(['recording', 'signIn', '$schema', 'recording.enabled']),
    );
    for (const field of fields) {
      const raw: Record<string, unknown> = structuredClone(example);
      let parent = raw;
      for (const key of field.slice(0, -1)) {
        parent[key] ??= {};
        parent = parent[key] as Record<string, unknown>;
      }
      parent[field.at(-1) as string] = [[]];
      const problem = problemsFor(raw).find((p) => p.startsWith(field.join('.')));
      expect(problem, field.join('.')).toMatch(/ Fix: set "|Fix: list the addresses|Fix: set each "/);
      expect(problem, field.join('.')).not.toContain('Invalid input');
    }
  });

  it('names a file that is not UTF-8 (saved as UTF-16 by Notepad, or Latin-1) as such, with the fix', () => {
    const utf16 = Buffer.from(`\uFEFF${JSON.stringify(example)}`, 'utf16le').toString('utf8');
    const latin1 = Buffer.from(JSON.stringify({ ...example, branding: { appName: 'Café' } }), 'latin1').toString('utf8');
    // Without its byte-order mark, UTF-16 of plain ASCII is valid UTF-8 with a NUL after each character.
    const utf16Bare = Buffer.from(JSON.stringify(example), 'utf16le').toString('utf8');
    for (const text of [utf16, utf16Bare, latin1]) {
      expect(() => parseConfigText(text, 'meet.config.json')).toThrow(
        expect.objectContaining({
          problems: [
            'the file is not UTF-8 text (an editor may have saved it as UTF-16 or another encoding). Fix: save it as UTF-8',
          ],
        }),
      );
    }
  });

  it('reports invalid JSON as a config error with exit code 253', () => {
    const error = (() => {
      try {
        parseConfigText('{"domain": ', 'meet.config.json');
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('no error');
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.exitCode).toBe(ExitCode.config);
    expect(error.problems[0]).toContain('the file is not valid JSON');
  });

  it('accepts the longest domain it allows, and the stack synthesizes with it (start.<domain> is 64 characters)', () => {
    const domain = `${'a'.repeat(MAX_DOMAIN_LENGTH - '.example.org'.length)}.example.org`;
    expect(domain).toHaveLength(MAX_DOMAIN_LENGTH);
    const config = configWith({ domain, recording: { enabled: true }, auth: 'members' });
    expect(() => synth(config)).not.toThrow();
  }, 120_000);

  it('ships a JSON Schema file that matches the schema (regenerate with `meetctl config schema`)', () => {
    const shipped = JSON.parse(readFileSync(path.join(ROOT, 'meet.config.schema.json'), 'utf8')) as unknown;
    expect(shipped).toEqual(configJsonSchema());
    expect(configJsonSchema()).toMatchObject({
      required: expect.arrayContaining(['domain', 'hostedZone', 'jitsiRelease', 'alertEmail', 'monthlyBudgetUsd']),
    });
  });

  it('documents each size preset with vCPU, memory and expected participants that fit Fargate', () => {
    for (const preset of Object.values(SIZE_PRESETS)) {
      expect(preset.memoryMiB).toBeGreaterThanOrEqual(preset.vcpu * 2048);
      expect(preset.memoryMiB).toBeLessThanOrEqual(preset.vcpu * 8192);
      expect(preset.jicofoHeapMiB + preset.jvbHeapMiB).toBeLessThan(preset.memoryMiB * 0.7);
      expect(preset.expectedParticipants).toBeGreaterThan(0);
    }
  });
});

describe('parseRelease', () => {
  it('knows where each release lives and which port web serves', () => {
    expect(parseRelease('stable-11146-2')).toEqual({
      tag: 'stable-11146-2',
      number: 11146,
      imageRepository: 'ghcr.io/jitsi',
      webPort: 8000,
    });
    expect(parseRelease('stable-11031')).toEqual({ tag: 'stable-11031', number: 11031, imageRepository: 'jitsi', webPort: 80 });
    expect(parseRelease('unstable-2026-08-01')).toBeUndefined();
  });
});

describe('federated sign-in config', () => {
  it('refuses providers with an empty allow list, naming signIn.allow and the fix', () => {
    const error = (() => {
      try {
        configWith({
          signIn: { google: { clientId: 'x', clientSecretArn: 'arn:aws:secretsmanager:us-west-2:111122223333:secret:g-AbC' } },
        });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('no error');
    })();
    expect(error.problems.join('\n')).toMatch(/signIn\.allow is missing\. Fix: list the addresses/);
  });

  it('refuses a client secret given as a value instead of a Secrets Manager ARN, and bad allow entries', () => {
    expect(() =>
      configWith({ signIn: { allow: ['@x.org'], google: { clientId: 'x', clientSecretArn: 'GOCSPX-secret' } } }),
    ).toThrow(/not a Secrets Manager secret ARN/);
    expect(() => configWith({ signIn: { allow: ['not an address'] } })).toThrow(/not an e-mail address or @domain/);
  });

  it('accepts branding and refuses each bad field by name, with the fix', () => {
    const branding = {
      appName: 'NE3D Blender Meet',
      logoUrl: 'https://ne3d.org/logo.svg',
      websiteUrl: 'https://ne3d.org/',
      primaryColor: '#E87D0D',
      backgroundColor: '#232323',
      welcomeText: 'Monthly meetups',
    };
    expect(configWith({ branding }).branding).toEqual(branding);
    const problems = problemsFor({
      branding: {
        appName: 'Two\nlines',
        logoUrl: 'http://ne3d.org/logo.svg',
        websiteUrl: 'javascript:alert(1)',
        primaryColor: 'orange',
        backgroundColor: '#2323',
        welcomeText: 'x'.repeat(201),
      },
    });
    expect(problems).toHaveLength(6);
    expect(problems.join('\n')).toMatch(/branding\.appName .*not one line of text.*Fix: set "branding\.appName"/);
    expect(problems.join('\n')).toMatch(/branding\.logoUrl .*not an https:\/\/ URL/);
    expect(problems.join('\n')).toMatch(/branding\.websiteUrl .*not an https:\/\/ URL/);
    expect(problems.join('\n')).toMatch(
      /branding\.primaryColor .*not a colour as #rrggbb.*Fix: set "branding\.primaryColor" to a colour/,
    );
    expect(problems.join('\n')).toMatch(/branding\.backgroundColor .*not a colour as #rrggbb/);
    expect(problems.join('\n')).toMatch(/branding\.welcomeText .*longer than 200 characters/);
    expect(problemsFor({ branding: { appName: 'x'.repeat(41) } })[0]).toMatch(/branding\.appName .*longer than 40/);
    expect(problemsFor({ branding: { colour: '#fff' } })[0]).toMatch(/branding/);
  });

  it("refuses a logo or website address nginx's one string or the CSP could not carry, naming the limit", () => {
    // 300 characters fit the TLS sidecar's waking page (test/infra/tls-proxy.test.ts serves the longest).
    const at = (prefix: string, length: number) => `${prefix}${'x'.repeat(length - prefix.length)}`;
    const longest = { logoUrl: at('https://ne3d.org/', 300), websiteUrl: at('https://ne3d.org/', 300) };
    expect(configWith({ branding: longest }).branding).toEqual(longest);
    expect(configWith({ branding: { logoUrl: 'https://logo.ne3d.org:8443/a.svg' } }).branding?.logoUrl).toBe(
      'https://logo.ne3d.org:8443/a.svg',
    );
    const tooLong = problemsFor({
      branding: { logoUrl: at('https://ne3d.org/', 301), websiteUrl: at('https://ne3d.org/', 301) },
    });
    expect(tooLong).toHaveLength(2);
    expect(tooLong[0]).toMatch(
      /^branding\.logoUrl is longer than 300 characters .*Fix: set "branding\.logoUrl" to .* at most 300 characters/,
    );
    expect(tooLong[1]).toMatch(/^branding\.websiteUrl is longer than 300 characters .*Fix: .*at most 300 characters/);
    // A host nginx would read as a variable ($) or the end of a string ("), or that no CSP source names.
    for (const logoUrl of ['https://a$b.ne3d.org/logo.svg', 'https://a"b.ne3d.org/logo.svg', 'https://localhost/logo.svg']) {
      expect(problemsFor({ branding: { logoUrl } }), logoUrl).toEqual([
        expect.stringMatching(/^branding\.logoUrl is not on a host name \(letters, digits, dots, hyphens\) .*Fix: /),
      ]);
    }
    // One problem for an address that is none at all, not two.
    expect(problemsFor({ branding: { logoUrl: 'nonsense', websiteUrl: 'x'.repeat(301) } })).toEqual([
      expect.stringMatching(/^branding\.logoUrl is not an https:\/\/ URL/),
      expect.stringMatching(/^branding\.websiteUrl is not an https:\/\/ URL/),
    ]);
  });
});

describe('timeZone and fields read only in one ingress mode', () => {
  it('takes an IANA time zone, spelled as IANA does, and refuses abbreviations and unknown names', () => {
    expect(configWith({ timeZone: 'europe/berlin' }).timeZone).toBe('Europe/Berlin');
    expect(problemsFor({}, ['timeZone'])).toEqual([]);
    for (const tz of ['EST', 'Mars/Olympus', '']) {
      const [problem] = problemsFor({ timeZone: tz });
      expect(problem, tz).toContain(`timeZone is not an IANA time zone (got "${tz}")`);
      expect(problem, tz).toContain('"Europe/Berlin"');
    }
  });

  it('refuses acmeDirectoryUrl with the load balancer instead of ignoring it', () => {
    const url = 'https://acme-staging-v02.api.letsencrypt.org/directory';
    const [problem] = problemsFor({ ingress: 'load-balancer', acmeDirectoryUrl: url });
    expect(problem).toContain('acmeDirectoryUrl is only read with "ingress": "direct"');
    expect(problem).toContain('Fix:');
    expect(problemsFor({ ingress: 'direct', acmeDirectoryUrl: url })).toEqual([]);
  });
});

describe('config: embedOrigins', () => {
  it('defaults to nobody, accepts https origins, and refuses anything else by name, with the fix', () => {
    expect(configWith({}).embedOrigins).toEqual([]);
    expect(configWith({ embedOrigins: ['https://ne3d.org', 'https://www.ne3d.org:8443'] }).embedOrigins).toHaveLength(2);
    for (const bad of ['http://ne3d.org', 'https://ne3d.org/meet', '*', "'self'", 'https://*.ne3d.org', 'https://ne3d.org "x"']) {
      const problems = problemsFor({ embedOrigins: [bad] });
      expect(problems.join('\n'), bad).toMatch(/embedOrigins.*not an https:\/\/ origin.*Fix: set "embedOrigins"/);
    }
  });
});
