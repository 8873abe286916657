import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/infra/app.js';
import { sourceEntry } from '../../src/infra/constructs/entry.js';
import { configWith } from '../support/fixtures.js';

const KB = 1024;
/** Issue 23: every function of ours at most 300 KB, the certificate function included. */
const CAP = 300 * KB;

// The example config is in direct mode with members-only meetings: the certificate, DNS and asleep
// page functions, the sign-in rules and the organizer page, too; with the monthly secret rotation,
// every function of ours is in it.
const OURS =
  /^(InternalSecretGenerator|AutomationScheduledStart|AutomationIdleStop|AutomationRuntimeGuard|TaskCertificateFunction|TaskDnsFunction|AsleepFunction|MembersSignInRules|OrganizerPageFunction|SecretRotationFunction)[0-9A-F]{8}$/;

let bundles: { name: string; file: string }[] = [];
let lambdaRuntime = '';

// The one test that bundles for real, with the local esbuild (no Docker).
beforeAll(() => {
  const { app, stack } = buildApp(configWith({ rotateSecretsMonthly: true }));
  const assembly = app.synth();
  const template = assembly.getStackByName(stack.stackName).template as {
    Resources: Record<string, { Type: string; Properties: { Code?: { S3Key?: string } } }>;
  };
  bundles = Object.entries(template.Resources)
    .filter(([id, r]) => r.Type === 'AWS::Lambda::Function' && OURS.test(id))
    .map(([id, fn]) => {
      const hash = fn.Properties.Code?.S3Key?.replace(/\.zip$/, '') ?? 'missing';
      return { name: id.replace(/[0-9A-F]{8}$/, ''), file: path.join(assembly.directory, `asset.${hash}`, 'index.js') };
    });
  // What the Lambda runtime puts beside the code: the AWS SDK v3, and nothing else of node_modules.
  lambdaRuntime = mkdtempSync(path.join(tmpdir(), 'meetctl-lambda-runtime-'));
  mkdirSync(path.join(lambdaRuntime, 'node_modules'));
  symlinkSync(path.resolve('node_modules', '@aws-sdk'), path.join(lambdaRuntime, 'node_modules', '@aws-sdk'));
}, 120_000);

afterAll(() => {
  if (lambdaRuntime) rmSync(lambdaRuntime, { recursive: true, force: true });
});

describe('Lambda bundling', () => {
  it('bundles every function of ours into one file of at most 300 KB', () => {
    expect(bundles).toHaveLength(10);
    for (const { name, file } of bundles) {
      expect(readdirSync(path.dirname(file)), name).toEqual(['index.js']);
      const size = statSync(file).size;
      expect(size, name).toBeGreaterThan(100);
      expect(size, `${name} is ${(size / KB).toFixed(1)} KB`).toBeLessThanOrEqual(CAP);
    }
  });

  it('loads each bundle in a fresh node with only the AWS SDK beside it, as Lambda does, and finds its handler', () => {
    const load =
      "const m = require(process.argv[1]); if (typeof m.handler !== 'function') { console.error('no handler exported'); process.exit(3); }";
    for (const { name, file } of bundles) {
      const result = spawnSync(process.execPath, ['-e', load, file], {
        cwd: path.dirname(file),
        env: {
          PATH: process.env.PATH,
          NODE_PATH: path.join(lambdaRuntime, 'node_modules'),
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        },
        encoding: 'utf8',
      });
      expect(`${result.status} ${result.stderr}`, name).toBe('0 ');
    }
    // Ten node processes, each loading the SDK clients its function uses.
  }, 120_000);

  it('keeps function names, so a stack trace in the logs says which functions it went through', () => {
    const certificate = bundles.find((b) => b.name === 'TaskCertificateFunction');
    // esbuild's keepNames: `__name(<minified>, "ensureCertificate")`; without it only the minified name is left.
    const named = readFileSync(certificate?.file ?? '', 'utf8').includes('"ensureCertificate"');
    expect(named, 'the certificate bundle keeps the name ensureCertificate').toBe(true);
  });

  it('bundles the TypeScript source, also when the CDK app runs compiled from dist/ (tsc writes CommonJS, which esbuild cannot tree-shake)', () => {
    const root = path.resolve('.');
    const fromDist = path.join(root, 'dist', 'src', 'infra', 'constructs');
    expect(sourceEntry(['lambda', 'organizer-page'], fromDist)).toBe(path.join(root, 'src', 'lambda', 'organizer-page.ts'));
    expect(sourceEntry(['lambda', 'organizer-page'])).toBe(path.join(root, 'src', 'lambda', 'organizer-page.ts'));
    // Without the sources, the compiled handler beside the running module.
    const distAlone = path.join(tmpdir(), 'meetctl-dist-only', 'dist', 'src', 'infra', 'constructs');
    expect(sourceEntry(['lambda', 'organizer-page'], distAlone)).toBe(
      path.join(tmpdir(), 'meetctl-dist-only', 'dist', 'src', 'lambda', 'organizer-page.js'),
    );
  });
});
