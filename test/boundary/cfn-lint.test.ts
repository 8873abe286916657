import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../src/config/schema.js';
import { configWith, synth, type TemplateJson } from '../support/fixtures.js';
import { TEMPLATE_VARIANTS, type TemplateVariant } from '../support/template-variants.js';
import { externalTool, TOOLS } from '../support/tools.js';

// cfn-lint (AWS's CloudFormation linter, with the resource schemas of every region) over every
// template variant the config can produce, in one run. Each template carries its variant's region
// in its cfn-lint metadata, so one run checks each against its own region. Lambda bundling is
// skipped as in the other template tests: the code then points at an asset zip in the bootstrap
// bucket, which cfn-lint takes like any S3 location.
const cfnLint = externalTool(TOOLS.cfnLint, 'cfn-lint over every template variant');

/** Every optional feature of src/config/schema.ts appears in at least one variant; the first is the probe's. */
const LINTED: TemplateVariant[] = [
  'direct',
  'load-balancer-open',
  'recording-direct-no-local',
  'recording-load-balancer',
  // The oldest release the schema accepts (behind the load balancer only), and the oldest in direct mode.
  'oldest-release',
  'stable-11146-direct',
  'eu-central-1',
  'us-east-1-load-balancer-recording',
  'branding-sign-in',
  'parameter-store',
  'parameter-store-load-balancer-open',
];
const VARIANTS: Record<string, Partial<ConfigInput>> = Object.fromEntries(LINTED.map((name) => [name, TEMPLATE_VARIANTS[name]]));
/** A copy of the first variant with one misspelled property: proof that cfn-lint checks what it is given. */
const PROBE = 'probe-wrong-property';

interface Finding {
  readonly Filename: string;
  readonly Level: 'Error' | 'Warning' | 'Informational';
  readonly Rule: { readonly Id: string };
  readonly Location: { readonly Path: ReadonlyArray<string | number> };
  readonly Message: string;
}
interface Accepted {
  readonly rule: string;
  readonly path: string;
  readonly message?: string;
  readonly reason: string;
}
const { accepted } = JSON.parse(readFileSync(path.join(__dirname, 'cfn-lint-accepted.json'), 'utf8')) as {
  accepted: Accepted[];
};

const variantOf = (finding: Finding) => path.basename(finding.Filename, '.json');
const where = (finding: Finding) => finding.Location.Path.join('/');
const matches = (entry: Accepted, finding: Finding) =>
  entry.rule === finding.Rule.Id &&
  new RegExp(entry.path).test(where(finding)) &&
  (entry.message === undefined || new RegExp(entry.message).test(finding.Message));
const describeFinding = (f: Finding) => `${variantOf(f)}: ${f.Rule.Id} at ${where(f)}: ${f.Message}`;

describe.skipIf(!cfnLint)('cfn-lint on every template variant', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'meetctl-cfn-lint-'));
  let findings: Finding[] = [];
  let probe: Finding[] = [];

  beforeAll(() => {
    const files: string[] = [];
    const write = (name: string, template: TemplateJson & { Metadata?: Record<string, unknown> }, region: string) => {
      const file = path.join(dir, `${name}.json`);
      writeFileSync(
        file,
        JSON.stringify({ ...template, Metadata: { ...template.Metadata, 'cfn-lint': { config: { regions: [region] } } } }),
      );
      files.push(file);
    };
    for (const [name, changes] of Object.entries(VARIANTS)) {
      const config = configWith(changes);
      const { json } = synth(config);
      write(name, json, config.region);
      if (files.length === 1) {
        const broken = structuredClone(json);
        const [id] = Object.entries(broken.Resources).find(([, r]) => r.Type === 'AWS::ECS::Cluster') ?? [];
        const cluster = broken.Resources[id ?? ''];
        if (cluster) cluster.Properties = { ...cluster.Properties, ClusterNmae: 'typo' };
        write(PROBE, broken, config.region);
      }
    }
    // Exit status is a bit mask of the levels found (2 error, 4 warning, 8 informational); 1 means cfn-lint itself failed.
    const run = spawnSync(cfnLint as string, ['--format', 'json', '--include-checks', 'I', '--', ...files], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (run.error || run.status === null || (run.status & 1) !== 0) {
      throw new Error(`cfn-lint failed (status ${run.status}): ${run.error?.message ?? run.stderr}`);
    }
    const all = JSON.parse(run.stdout) as Finding[];
    probe = all.filter((f) => variantOf(f) === PROBE);
    findings = all.filter((f) => variantOf(f) !== PROBE);
  }, 300_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads every variant: the misspelled property of the probe is an error', () => {
    expect(probe.filter((f) => f.Level === 'Error').map((f) => [f.Rule.Id, f.Message])).toEqual([
      ['E3002', expect.stringContaining("'ClusterNmae'")],
    ]);
  });

  it('finds no error in any variant', () => {
    expect(findings.filter((f) => f.Level === 'Error').map(describeFinding)).toEqual([]);
  });

  it('finds no warning or informational finding that is not accepted with its reason', () => {
    expect(findings.filter((f) => !accepted.some((entry) => matches(entry, f))).map(describeFinding)).toEqual([]);
  });

  it('accepts nothing that no longer occurs', () => {
    expect(accepted.filter((entry) => !findings.some((f) => matches(entry, f))).map((entry) => entry)).toEqual([]);
  });

  it('accepts no error, and each accepted finding says why', () => {
    for (const entry of accepted) {
      expect(entry.rule, entry.rule).toMatch(/^[WI]\d{4}$/);
      expect(entry.reason.length, entry.rule).toBeGreaterThan(40);
    }
  });
});
