import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { SUPPORTED_REGIONS, UNSUPPORTED_REGIONS } from '../../src/config/regions.js';
import { RECORDER_FAMILIES, RECORDER_SIZES } from '../../src/config/schema.js';
import { ExitCode } from '../../src/errors.js';
import { cli, communityConfig } from '../support/cli.js';

// Whatever a person writes in meet.config.json (or passes as --region), `config validate` and
// `plan` answer with a config error (253), a usage error (2) or a result (0): never 255, "a bug".
const base = JSON.parse(communityConfig()) as Record<string, unknown>;
const junk = fc.oneof(fc.string({ maxLength: 30 }), fc.jsonValue({ maxDepth: 2 }));
const pick = <T>(...values: T[]) => fc.constantFrom(...values);

const fields: Record<string, fc.Arbitrary<unknown>> = {
  region: fc.oneof(pick(...SUPPORTED_REGIONS, ...Object.keys(UNSUPPORTED_REGIONS), 'us-west-9', 'US-WEST-2', ''), junk),
  timeZone: fc.oneof(pick('Europe/Berlin', 'europe/berlin', 'America/New_York', 'EST', 'UTC', 'Mars/Olympus'), junk),
  domain: fc.oneof(pick('meet.ne3d.org', 'MEET.ne3d.org', 'ne3d.org', 'a..ne3d.org', 'meet.other.org'), fc.domain(), junk),
  hostedZone: fc.oneof(
    fc.record({ id: fc.oneof(pick('Z1234567890ABC', 'z1', 'Z'), junk), name: fc.oneof(pick('ne3d.org', 'org'), fc.domain()) }),
    junk,
  ),
  size: fc.oneof(pick('small', 'medium', 'large', 'huge'), junk),
  architecture: fc.oneof(pick('arm64', 'x86_64', 'i386'), junk),
  ingress: fc.oneof(pick('direct', 'load-balancer', 'both'), junk),
  auth: fc.oneof(pick('members', 'open'), junk),
  jitsiRelease: fc.oneof(
    pick('stable-11146-2', 'stable-11146-1', 'stable-11146', 'stable-9584', 'stable', 'latest', 'stable-99999'),
    junk,
  ),
  monthlyBudgetUsd: fc.oneof(fc.double({ noNaN: true }), fc.integer(), junk),
  logRetentionDays: fc.oneof(pick(1, 30, 31, 731), junk),
  stackName: fc.oneof(pick('Meet', 'my-stack', '1abc', 'a'.repeat(129)), fc.string({ maxLength: 140 })),
  idleStopMinutes: fc.oneof(fc.integer({ min: -10, max: 300 }), junk),
  startGraceMinutes: fc.oneof(fc.integer({ min: -10, max: 300 }), junk),
  maxRuntimeHours: fc.oneof(fc.double({ min: -1, max: 30, noNaN: true }), junk),
  acmeDirectoryUrl: fc.oneof(fc.webUrl(), pick('http://x.org', 'https://acme-staging-v02.api.letsencrypt.org/directory'), junk),
  rotateSecretsMonthly: fc.oneof(fc.boolean(), junk),
  recording: fc.oneof(
    fc.record(
      {
        enabled: fc.oneof(fc.boolean(), junk),
        instanceType: fc.oneof(
          pick(
            ...RECORDER_FAMILIES.flatMap((f) => RECORDER_SIZES.map((s) => `${f}.${s}`)),
            'banana.huge',
            'c7g.xlarge',
            't3.xlarge',
          ),
          junk,
        ),
        maxHours: fc.oneof(fc.integer({ min: 0, max: 13 }), junk),
      },
      { requiredKeys: [] },
    ),
    junk,
  ),
  branding: fc.oneof(
    fc.record(
      {
        appName: fc.string({ maxLength: 50 }),
        logoUrl: fc.oneof(fc.webUrl({ validSchemes: ['https'] }), junk),
        primaryColor: fc.oneof(pick('#ff9900', 'ff9900', '#FFF'), junk),
        welcomeText: fc.string({ maxLength: 210 }),
      },
      { requiredKeys: [] },
    ),
    junk,
  ),
  signIn: fc.oneof(
    fc.record(
      {
        allow: fc.array(fc.oneof(fc.emailAddress(), pick('@ne3d.org', 'ne3d.org')), { maxLength: 3 }),
        oidc: fc.array(
          fc.record({
            name: fc.oneof(pick('Keycloak', 'bad name'), fc.string({ maxLength: 40 })),
            issuerUrl: fc.oneof(fc.webUrl({ validSchemes: ['https'] }), junk),
            clientId: fc.string({ maxLength: 20 }),
            clientSecretArn: pick('arn:aws:secretsmanager:us-west-2:111122223333:secret:x', 'not-an-arn'),
          }),
          { maxLength: 2 },
        ),
      },
      { requiredKeys: [] },
    ),
    junk,
  ),
};

/** The community config with one to four fields changed (or removed) and sometimes an unknown one. */
const configs = fc
  .tuple(
    fc
      .uniqueArray(fc.constantFrom(...Object.keys(fields)), { minLength: 1, maxLength: 4 })
      .chain((keys) =>
        fc.tuple(
          ...keys.map((key) =>
            fc.tuple(
              fc.constant(key),
              fc.oneof(
                { weight: 9, arbitrary: fields[key] as fc.Arbitrary<unknown> },
                { weight: 1, arbitrary: fc.constant(undefined) },
              ),
            ),
          ),
        ),
      ),
    fc.option(fc.tuple(fc.string({ minLength: 1, maxLength: 10 }), junk), { freq: 10 }),
  )
  .map(([changes, extra]) => {
    const config: Record<string, unknown> = { ...base };
    for (const [key, value] of changes) {
      if (value === undefined) delete config[key];
      else config[key] = value;
    }
    if (extra) config[extra[0]] = extra[1];
    return config;
  });

const valid = (config: Record<string, unknown>) => {
  try {
    parseConfig(config, 'meet.config.json');
    return true;
  } catch {
    return false;
  }
};

describe('whatever the config says', () => {
  it('config validate answers 0 or 253, never 255', async () => {
    await fc.assert(
      fc.asyncProperty(configs, async (config) => {
        const result = await cli(['config', 'validate'], { files: { 'meet.config.json': JSON.stringify(config) } });
        expect([ExitCode.ok, ExitCode.config], result.stderr).toContain(result.code);
        expect(result.stderr).not.toMatch(/\n\s+at |This is a bug/);
      }),
      { numRuns: 400, seed: 21 },
    );
  });

  it('--region answers 0 or 2, never 255', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 20 }), pick(...Object.keys(UNSUPPORTED_REGIONS))), async (region) => {
        const result = await cli(['--region', region, 'config', 'validate'], {
          files: { 'meet.config.json': communityConfig() },
        });
        expect([ExitCode.ok, ExitCode.usage, ExitCode.config]).toContain(result.code);
      }),
      { numRuns: 200, seed: 22 },
    );
  });

  it('plan synthesizes every config that validates, and refuses the others with 253', async () => {
    // Synthesis takes seconds: a few valid configs, and invalid ones (which stop before it) in numbers.
    await fc.assert(
      fc.asyncProperty(configs.filter(valid), async (config) => {
        const result = await cli(['plan', '--json'], { files: { 'meet.config.json': JSON.stringify(config) } });
        expect(result.code, result.stderr).toBe(ExitCode.ok);
      }),
      { numRuns: 8, seed: 23 },
    );
    await fc.assert(
      fc.asyncProperty(
        configs.filter((c) => !valid(c)),
        async (config) => {
          const result = await cli(['plan', '--json'], { files: { 'meet.config.json': JSON.stringify(config) } });
          expect(result.code).toBe(ExitCode.config);
        },
      ),
      { numRuns: 100, seed: 24 },
    );
  }, 300_000);
});
