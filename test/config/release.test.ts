import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { listeningPorts, parseRelease } from '../../src/config/release.js';
import type { ConfigInput } from '../../src/config/schema.js';
import { ConfigError } from '../../src/errors.js';
import { EXAMPLE_FILE } from '../support/fixtures.js';

const example = JSON.parse(readFileSync(EXAMPLE_FILE, 'utf8')) as ConfigInput;

function problemsFor(changes: Record<string, unknown>, remove: readonly string[] = []): readonly string[] {
  const raw: Record<string, unknown> = { ...example, ...changes };
  for (const key of remove) delete raw[key];
  try {
    parseConfig(raw, 'meet.config.json');
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

const BRANDING = { appName: 'NE3D Meet' };

describe('releases the schema accepts in each ingress mode', () => {
  it('accepts every release from stable-11146 in the direct mode, the default', () => {
    expect(problemsFor({ jitsiRelease: 'stable-11146' }, ['ingress'])).toEqual([]);
    expect(problemsFor({ jitsiRelease: 'stable-11146-2', ingress: 'direct', branding: BRANDING })).toEqual([]);
  });

  it.each(['stable-9584', 'stable-11031'])('accepts %s behind the load balancer, without branding', (tag) => {
    expect(problemsFor({ jitsiRelease: tag, ingress: 'load-balancer' })).toEqual([]);
  });

  it.each([
    ['named', { jitsiRelease: 'stable-11031', ingress: 'direct' }, []],
    ['by default', { jitsiRelease: 'stable-9584' }, ['ingress']],
  ] as const)(
    'refuses a release before stable-11146 in the direct mode (%s), naming jitsiRelease and both fixes',
    (_how, changes, remove) => {
      const problems = problemsFor(changes, [...remove]);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain(
        `jitsiRelease is older than stable-11146, the oldest release the direct ingress (the default) can run: its web image binds port 80 itself, which the task's TLS proxy needs (got "${changes.jitsiRelease}"). Fix: set "jitsiRelease" to`,
      );
      expect(problems[0]).toContain(
        'stable-11146 or newer, or stable-9584 or newer with "ingress": "load-balancer" and no "branding"',
      );
    },
  );

  it('refuses branding before stable-11146, naming branding and the release it needs', () => {
    const problems = problemsFor({ jitsiRelease: 'stable-11031', ingress: 'load-balancer', branding: BRANDING });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^branding needs "jitsiRelease" stable-11146 or newer: older web images write their config into \/config, which the branding files make read-only \(got \{"appName":"NE3D Meet"\}\)\. Fix: set "branding" to an object/,
    );
  });

  it('reports a release older than every supported one once, not again for the ingress', () => {
    const problems = problemsFor({ jitsiRelease: 'stable-7001' }, ['ingress']);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('jitsiRelease is older than stable-9584');
  });
});

describe('ports of the images at each release boundary (their defaults, cited in src/config/release.ts)', () => {
  it('has web on 80 up to stable-11031 and on 8000 from stable-11146, and the bridge public server only before', () => {
    const at = (tag: string) => listeningPorts(parseRelease(tag) ?? ({} as never));
    expect(at('stable-9584')).toEqual({ web: [80], prosody: [5222, 5269, 5280], jicofo: [8888], jvb: [8080, 9090] });
    expect(at('stable-11031')).toEqual(at('stable-9584'));
    expect(at('stable-11146')).toEqual({ web: [8000], prosody: [5222, 5269, 5280], jicofo: [8888], jvb: [8080] });
    expect(at('stable-11146-2')).toEqual(at('stable-11146'));
  });
});

describe('OIDC provider names', () => {
  const provider = (name: string) => ({
    signIn: {
      allow: ['@example.org'],
      oidc: [
        {
          name,
          issuerUrl: 'https://id.example.org',
          clientId: 'meet',
          clientSecretArn: 'arn:aws:secretsmanager:us-west-2:111122223333:secret:k-AbC123',
        },
      ],
    },
  });

  it('refuses a name Cognito would refuse at deploy (under 3 characters), naming the field', () => {
    const problems = problemsFor(provider('K'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('signIn.oidc.0.name is not 3-32 letters, digits, - or _ (got "K")');
  });

  it('accepts a 3-character name', () => {
    expect(problemsFor(provider('Kc1'))).toEqual([]);
  });
});
