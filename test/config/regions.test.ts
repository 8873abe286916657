import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { _InstanceType } from '@aws-sdk/client-ec2';
import { afterAll, describe, expect, it } from 'vitest';
import { SUPPORTED_REGIONS, UNSUPPORTED_REGIONS } from '../../src/config/regions.js';
import { RECORDER_FAMILIES, RECORDER_SIZES, recorderTypeProblem } from '../../src/config/schema.js';
import { ExitCode } from '../../src/errors.js';
import { cli, communityConfig } from '../support/cli.js';
import { configWith, synth } from '../support/fixtures.js';
import { externalTool, TOOLS } from '../support/tools.js';

// cfn-lint ships the CloudFormation resource types of every region (the registry's per-region
// provider schemas) and EC2's instance types: written by someone else, it says whether each
// synthesized template can be created in a region.
const cfnLint = externalTool(TOOLS.cfnLint, 'regions against cfn-lint');
const dir = mkdtempSync(path.join(tmpdir(), 'meetctl-regions-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RECORDER_TYPES = RECORDER_FAMILIES.flatMap((family) => RECORDER_SIZES.map((size) => `${family}.${size}`));

interface Finding {
  Rule: { Id: string };
  Message: string;
}

function lint(templates: Record<string, unknown>, regions: readonly string[]): Finding[] {
  const files = Object.entries(templates).map(([name, template]) => {
    const file = path.join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify(template));
    return file;
  });
  try {
    return JSON.parse(
      execFileSync(cfnLint as string, ['--format', 'json', '--regions', ...regions, '--', ...files], { encoding: 'utf8' }),
    ) as Finding[];
  } catch (error) {
    // cfn-lint exits non-zero when it finds anything; its findings are still on stdout.
    const stdout = (error as { stdout?: string }).stdout;
    if (!stdout) throw error;
    return JSON.parse(stdout) as Finding[];
  }
}

/** Region → the resource types cfn-lint says do not exist there. */
function missingTypes(findings: readonly Finding[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const f of findings.filter((x) => x.Rule.Id === 'E3006')) {
    const [, type, region] = /Resource type '([^']+)' does not exist in '([^']+)'/.exec(f.Message) ?? [];
    if (!type || !region) continue;
    out.set(region, (out.get(region) ?? new Set()).add(type));
  }
  return out;
}

describe.skipIf(!cfnLint)('the supported regions, against cfn-lint', () => {
  it('every resource type of every variant of the stack exists in each supported region, and is missing where we say it is', () => {
    // Between them these variants hold every resource type the stack can have.
    const templates = {
      direct: synth(
        configWith({
          recording: { enabled: true },
          rotateSecretsMonthly: true,
          signIn: {
            allow: ['@ne3d.org'],
            google: {
              clientId: 'id.apps.googleusercontent.com',
              clientSecretArn: 'arn:aws:secretsmanager:us-west-2:111122223333:secret:google',
            },
          },
        }),
      ).json,
      loadBalancer: synth(configWith({ ingress: 'load-balancer' })).json,
    };
    const byType = Object.entries(UNSUPPORTED_REGIONS).filter(([, why]) => !/partition/.test(why) || /China|GovCloud/.test(why));
    const missing = missingTypes(lint(templates, [...SUPPORTED_REGIONS, ...byType.map(([region]) => region)]));
    for (const region of SUPPORTED_REGIONS) expect([...(missing.get(region) ?? [])], region).toEqual([]);
    for (const [region, why] of byType) {
      const types = [...(missing.get(region) ?? [])];
      if (/budget/i.test(why)) expect(types, region).toContain('AWS::Budgets::Budget');
      if (/HTTP APIs/.test(why)) expect(types, region).toContain('AWS::ApiGatewayV2::Api');
      if (/Cognito/.test(why)) expect(types, region).toContain('AWS::Cognito::UserPool');
      expect(types.length, region).toBeGreaterThan(0);
    }
    // cfn-lint over about 40 regions: about 30 s on an idle machine, longer on a busy one.
  }, 240_000);

  it("every recorder instance type is one EC2 has: in cfn-lint's list and the AWS SDK's", () => {
    const template = {
      Resources: Object.fromEntries(
        RECORDER_TYPES.map((type, i) => [
          `Recorder${i}`,
          { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: { InstanceType: type } } },
        ]),
      ),
    };
    const findings = lint({ types: template }, ['us-west-2']);
    expect(findings.filter((f) => f.Rule.Id === 'E3030')).toEqual([]);
    const sdk = new Set<string>(Object.values(_InstanceType));
    expect(RECORDER_TYPES.filter((type) => !sdk.has(type))).toEqual([]);
    // A type EC2 does not have is refused by both, and by the config.
    expect(
      lint(
        {
          banana: {
            Resources: {
              R: { ...template.Resources.Recorder0, Properties: { LaunchTemplateData: { InstanceType: 'banana.huge' } } },
            },
          },
        },
        ['us-west-2'],
      ).some((f) => f.Rule.Id === 'E3030'),
    ).toBe(true);
    expect(recorderTypeProblem('banana.huge')).toBeDefined();
  });
});

describe('region and instance-type errors', () => {
  const validate = (changes: Record<string, unknown>) =>
    cli(['config', 'validate'], { files: { 'meet.config.json': communityConfig(changes) } });

  it('names the region, why it cannot hold the stack, and the regions that can (exit 253)', async () => {
    for (const [region, words] of [
      ['us-west-9', 'is not an AWS region code'],
      ['il-central-1', 'CloudFormation cannot create the AWS Budgets budget'],
      ['cn-north-1', 'AWS China'],
      ['us-gov-west-1', 'GovCloud'],
    ] as const) {
      const result = await validate({ region });
      expect(result.code, region).toBe(ExitCode.config);
      expect(result.stderr, region).toContain(
        `region ${words.startsWith('is') ? words : 'is an AWS region, but the stack cannot be deployed there'}`,
      );
      expect(result.stderr, region).toContain(words);
      expect(result.stderr, region).toContain('us-east-1, us-east-2, us-west-1, us-west-2');
    }
    expect((await validate({ region: 'eu-west-3' })).code).toBe(ExitCode.ok);
  });

  it('refuses --region outside the list as a usage error', async () => {
    const result = await cli(['--region', 'il-central-1', 'plan']);
    expect(result.code).toBe(ExitCode.usage);
    expect(result.stderr).toContain('"il-central-1" is an AWS region, but the stack cannot be deployed there');
  });

  it('refuses recorder instance types EC2 does not have, arm64 ones and small ones', async () => {
    for (const [type, words] of [
      ['banana.huge', "is not one of the recorder's x86_64 types"],
      ['c7g.xlarge', 'is an arm64 (Graviton) type'],
      ['c6a.large', 'is too small'],
      ['c6a xlarge', 'is not an EC2 instance type'],
    ] as const) {
      const result = await validate({ recording: { enabled: true, instanceType: type } });
      expect(result.code, type).toBe(ExitCode.config);
      expect(result.stderr, type).toContain(`recording.instanceType ${words}`);
    }
    expect((await validate({ recording: { enabled: true, instanceType: 'm6i.2xlarge' } })).code).toBe(ExitCode.ok);
  });
});
