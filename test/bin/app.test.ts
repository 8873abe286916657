import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_TIMINGS_FILE } from '../../src/cli/commands/start-timing.js';
import { ExitCode } from '../../src/errors.js';
import { PAGE_ENV } from '../../src/lambda/organizer-page.js';
import { communityConfig } from '../support/cli.js';
import { ROOT } from '../support/fixtures.js';

// The CDK app as `cdk synth` and `meetctl deploy` run it (bin/app.ts in a child process, MEET_CONFIG
// naming the config, no credentials): it reads the start timings file next to the config and hands
// the organizer page its measured start; a file it cannot read ends it with exit 253, naming the
// file and the field, before anything is synthesized.
const tsx = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const app = path.join(ROOT, 'bin', 'app.ts');
const folder = mkdtempSync(path.join(tmpdir(), 'meetctl-app-'));
const configFile = path.join(folder, 'meet.config.json');
const timingsFile = path.join(folder, DEFAULT_TIMINGS_FILE);
const outdir = path.join(folder, 'cdk.out');
writeFileSync(configFile, communityConfig());
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Run the app; no AWS credentials in its environment, and no Lambda bundling (the template is the same). */
function synthesize() {
  rmSync(outdir, { recursive: true, force: true });
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
  return spawnSync(process.execPath, [tsx, app], {
    cwd: ROOT,
    env: {
      ...env,
      MEET_CONFIG: configFile,
      CDK_OUTDIR: outdir,
      CDK_CONTEXT_JSON: JSON.stringify({ 'aws:cdk:bundling-stacks': [] }),
    },
    encoding: 'utf8',
  });
}

/** The organizer page function's environment in the synthesized template. */
function pageVariables(): Record<string, string> {
  const template = JSON.parse(readFileSync(path.join(outdir, 'Meet-meet-ne3d-org.template.json'), 'utf8')) as {
    Resources: Record<
      string,
      { Type: string; Properties?: { FunctionName?: string; Environment?: { Variables: Record<string, string> } } }
    >;
  };
  const page = Object.values(template.Resources).find((r) => r.Properties?.FunctionName === 'Meet-meet-ne3d-org-organizer-page');
  return page?.Properties?.Environment?.Variables ?? {};
}

const recorded = (readySeconds: number) => ({
  measuredAt: '2026-12-02T17:45:00.000Z',
  ingress: 'direct',
  jitsiRelease: (JSON.parse(communityConfig()) as { jitsiRelease: string }).jitsiRelease,
  size: 'medium',
  architecture: 'arm64',
  region: 'us-west-2',
  phases: [],
  readySeconds,
});

describe('the CDK app (bin/app.ts) and the start timings file next to the config', () => {
  it('synthesizes with no timings file: the page shows the model', () => {
    rmSync(timingsFile, { force: true });
    const result = synthesize();
    expect(result.status, result.stderr).toBe(0);
    expect(pageVariables()[PAGE_ENV.measuredStart]).toBeUndefined();
  }, 120_000);

  it("hands the page the median of the file's matching starts", () => {
    writeFileSync(timingsFile, JSON.stringify({ schema: 1, starts: [recorded(90), recorded(76), recorded(81)] }));
    const result = synthesize();
    expect(result.status, result.stderr).toBe(0);
    expect(pageVariables()[PAGE_ENV.measuredStart]).toBe('81');
  }, 120_000);

  it('stops at a file it cannot read: exit 253, naming the file, the field and the fix, no stack trace', () => {
    writeFileSync(timingsFile, JSON.stringify({ schema: 1, starts: [{ ...recorded(81), readySeconds: 'soon' }] }));
    const result = synthesize();
    expect(result.status).toBe(ExitCode.config);
    expect(result.stderr).toContain(`error: the start timings file ${timingsFile} cannot be used: starts[0].readySeconds:`);
    expect(result.stderr).toContain('hint: Fix starts[0].readySeconds');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);
});
