// Synthesizes every stack variant the tests use and compares two such sets, resource for resource and
// property for property: the check a refactor of src/infra/ runs before and after (docs/testing.md).
//
//   npx tsx scripts/template-variants.ts write <dir>            one <variant>.json per variant
//   npx tsx scripts/template-variants.ts compare <before> <after>
//
// `compare` is a JSON deep-equal of each whole template (logical ids, properties, conditions, outputs,
// metadata and asset hashes included) and of each stack's list of construct paths (which `cdk deploy`
// writes into every resource's aws:cdk:path metadata); it prints every difference by variant and path and exits 1
// when there is one. Lambda bundling is skipped as in the tests, except for the variant named
// `bundled`, whose asset hashes come from the esbuild output: they change only when a handler's
// bundled code changes.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import type { ConfigInput } from '../src/config/schema.js';
import { buildApp } from '../src/infra/app.js';
import { FULL_BRANDING } from '../test/support/branding.js';
import { configWith } from '../test/support/fixtures.js';

const SECRET = (name: string) => `arn:aws:secretsmanager:us-west-2:111122223333:secret:${name}-AbC123`;
const SIGN_IN: ConfigInput['signIn'] = {
  allow: ['ana@example.org', '@example.org'],
  google: { clientId: '123-abc.apps.googleusercontent.com', clientSecretArn: SECRET('google') },
  oidc: [
    { name: 'Keycloak', issuerUrl: 'https://id.example.org/realms/community', clientId: 'meet', clientSecretArn: SECRET('kc') },
  ],
};

/** The config changes (to the example) of every template the tests synthesize, by a descriptive name. */
export const VARIANTS: Record<string, Partial<ConfigInput>> = {
  direct: {},
  'load-balancer': { ingress: 'load-balancer' },
  'load-balancer-open': { ingress: 'load-balancer', auth: 'open' },
  'recording-direct': { recording: { enabled: true } },
  'recording-direct-no-local': {
    recording: { enabled: true, maxHours: 12, local: { enabled: false, notifyAllParticipants: false, selfRecording: false } },
    rotateSecretsMonthly: true,
  },
  'recording-local-on': { recording: { enabled: true, local: { enabled: true } } },
  'recording-load-balancer': { ingress: 'load-balancer', recording: { enabled: true, instanceType: 'c6i.xlarge' } },
  'recording-rotation-direct': { recording: { enabled: true }, rotateSecretsMonthly: true },
  'recording-rotation-load-balancer': { ingress: 'load-balancer', recording: { enabled: true }, rotateSecretsMonthly: true },
  'monthly-rotation': { rotateSecretsMonthly: true },
  'parameter-store': { secretStore: 'parameter-store', recording: { enabled: true }, rotateSecretsMonthly: true },
  'federated-sign-in': { signIn: SIGN_IN },
  'federated-sign-in-recording-rotation': {
    recording: { enabled: true },
    rotateSecretsMonthly: true,
    signIn: { allow: ['@ne3d.org'], google: { clientId: 'id.apps.googleusercontent.com', clientSecretArn: SECRET('g') } },
  },
  'branding-embed': { branding: FULL_BRANDING, embedOrigins: ['https://ne3d.org', 'https://www.ne3d.org'] },
  'branding-sign-in': { branding: FULL_BRANDING, signIn: SIGN_IN },
  'branding-load-balancer-open': {
    ingress: 'load-balancer',
    auth: 'open',
    branding: { appName: 'NE3D', logoUrl: 'https://ne3d.org/logo.svg', primaryColor: '#e87d0d' },
  },
  automation: { idleStopMinutes: 10, startGraceMinutes: 25, maxRuntimeHours: 3, monthlyBudgetUsd: 40 },
  'small-x86-stable-11031': {
    size: 'small',
    architecture: 'x86_64',
    jitsiRelease: 'stable-11031',
    logRetentionDays: 14,
    ingress: 'load-balancer',
  },
  'oldest-release': { jitsiRelease: 'stable-9584', ingress: 'load-balancer', size: 'small', architecture: 'x86_64' },
  'stable-9584-load-balancer': { jitsiRelease: 'stable-9584', ingress: 'load-balancer' },
  'stable-11031-load-balancer': { jitsiRelease: 'stable-11031', ingress: 'load-balancer' },
  'stable-11146-direct': { jitsiRelease: 'stable-11146' },
  'stable-11146-load-balancer': { jitsiRelease: 'stable-11146', ingress: 'load-balancer' },
  'eu-central-1': {
    region: 'eu-central-1',
    account: '111122223333',
    stackName: 'Meet-eu',
    size: 'large',
    acmeDirectoryUrl: 'https://acme-staging-v02.api.letsencrypt.org/directory',
    logRetentionDays: 7,
    idleStopMinutes: 30,
    startGraceMinutes: 10,
    maxRuntimeHours: 8,
  },
  'us-east-1-load-balancer-recording': { region: 'us-east-1', ingress: 'load-balancer', recording: { enabled: true } },
  moto: {
    domain: 'meet.ne3d.org',
    hostedZone: { id: 'Z1234567890ABC', name: 'ne3d.org' },
    alertEmail: 'organizers@ne3d.org',
  },
  'moto-recording': {
    domain: 'meet.ne3d.org',
    hostedZone: { id: 'Z1234567890ABC', name: 'ne3d.org' },
    alertEmail: 'organizers@ne3d.org',
    recording: { enabled: true },
  },
};

/** Synthesized with Lambda bundling (esbuild), as test/infra/lambda-bundle.test.ts does. */
const BUNDLED: Record<string, Partial<ConfigInput>> = { bundled: { rotateSecretsMonthly: true } };

function write(dir: string, only?: string): void {
  mkdirSync(dir, { recursive: true });
  const all = { ...VARIANTS, ...BUNDLED };
  for (const [name, changes] of Object.entries(all)) {
    if (only && name !== only) continue;
    const { stack } = buildApp(configWith(changes), { skipBundling: !(name in BUNDLED) });
    const json = Template.fromStack(stack).toJSON();
    writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify(json, null, 1)}\n`);
    // The construct paths too: `cdk deploy` writes each into its resource's aws:cdk:path metadata.
    const paths = stack.node.findAll().map((c) => c.node.path);
    writeFileSync(path.join(dir, `${name}.construct-paths.json`), `${JSON.stringify(paths.sort(), null, 1)}\n`);
    console.log(`${name}: ${Object.keys(json.Resources ?? {}).length} resources`);
  }
}

/** Every path where two JSON values differ (a missing key is a difference). */
function differences(a: unknown, b: unknown, at: string, into: string[]): string[] {
  if (a === b) return into;
  const bothObjects = a && b && typeof a === 'object' && typeof b === 'object';
  if (!bothObjects || Array.isArray(a) !== Array.isArray(b)) {
    into.push(`${at}: ${JSON.stringify(a)?.slice(0, 200)} -> ${JSON.stringify(b)?.slice(0, 200)}`);
    return into;
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  for (const key of new Set([...Object.keys(left), ...Object.keys(right)])) {
    const where = `${at}/${key}`;
    if (!(key in left)) into.push(`${where}: only after`);
    else if (!(key in right)) into.push(`${where}: only before`);
    else differences(left[key], right[key], where, into);
  }
  return into;
}

function compare(before: string, after: string): number {
  const names = new Set([...readdirSync(before), ...readdirSync(after)].filter((f) => f.endsWith('.json')));
  let failed = 0;
  for (const name of [...names].sort()) {
    const read = (dir: string) => {
      try {
        return JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as { Resources?: object };
      } catch {
        return undefined;
      }
    };
    const [a, b] = [read(before), read(after)];
    const found = a && b ? differences(a, b, '', []) : [`missing in ${a ? after : before}`];
    const resources = Object.keys(a?.Resources ?? {}).length;
    console.log(`${found.length ? 'DIFFERENT' : 'identical'} ${name} (${resources} resources)`);
    for (const line of found.slice(0, 50)) console.log(`  ${line}`);
    if (found.length > 50) console.log(`  … and ${found.length - 50} more`);
    if (found.length) failed++;
  }
  console.log(`${names.size - failed} of ${names.size} templates identical`);
  return failed ? 1 : 0;
}

const [command, first, second] = process.argv.slice(2);
if (command === 'write' && first) write(first, second);
else if (command === 'compare' && first && second) process.exitCode = compare(first, second);
else {
  console.error('usage: npx tsx scripts/template-variants.ts write <dir> [variant] | compare <before-dir> <after-dir>');
  process.exitCode = 2;
}
