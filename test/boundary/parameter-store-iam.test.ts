import { GetParametersCommand } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referencedParameters } from '../../src/aws/parameter-secrets.js';
import { OUTPUT_NAMES } from '../../src/control/outputs.js';
import { installAuthorizationLayer, type Layer, type ObservedCall } from '../support/aws-authorization.js';
import { configWith, resource, synth, type TemplateJson } from '../support/fixtures.js';
import { resolve } from '../support/iam.js';
import { asLambda, clientsFor, enforcedMotoWorld, type IamWorld, type Principal, roleOfFunction } from '../support/moto-iam.js';
import { type MotoServer, motoAvailable } from '../support/moto-server.js';

/*
 * `secretStore: "parameter-store"`, IAM as written and enforced: the template's roles in moto (moto
 * checks each request's action), every request's parameter ARN checked by iam-simulate as AWS checks
 * it (moto matches non-S3 resources against "*": test/support/aws-authorization.ts). Each component's
 * production path runs with its role's session; each reads its own trust boundary and no other.
 */
const SUITE = 'Parameter Store secrets, IAM enforced by moto';
const available = motoAvailable(SUITE);
const TEMPLATE: TemplateJson = synth(
  configWith({ secretStore: 'parameter-store', recording: { enabled: true }, rotateSecretsMonthly: true }),
).json;
const ZONE = { id: 'Z0000000000EXAMPLE0000', name: 'example.org' };
const MOTO = 'refused by moto';
const AWS_CHECK = 'refused by the AWS resource and condition check';

let moto: MotoServer;
let world: IamWorld;
let organizer: Principal;
let layer: Layer;
const calls: ObservedCall[] = [];
const uninstall = installAuthorizationLayer(() => layer, STSClient);
afterAll(async () => {
  uninstall();
  await moto?.stop();
});

const out = (name: keyof typeof OUTPUT_NAMES) => world.outputs[OUTPUT_NAMES[name]] as string;
const functionId = (part: string) => resource(world.json, 'AWS::Lambda::Function', part).id;
const principalOfFunction = (part: string) => world.roles.get(roleOfFunction(world.json, functionId(part))) as Principal;
/** The execution role of a task definition (the ECS agent reads its containers' secrets with it). */
function executionRole(taskDefinitionPart: string): Principal {
  const props = resource(world.json, 'AWS::ECS::TaskDefinition', taskDefinitionPart).props;
  const id = (props.ExecutionRoleArn as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
  return world.roles.get(id) as Principal;
}
/** The parameter names a task definition's containers read, as the template gives them. */
function containerParameters(taskDefinitionPart: string): string[] {
  const props = resource(world.json, 'AWS::ECS::TaskDefinition', taskDefinitionPart).props;
  const containers = props.ContainerDefinitions as Array<{ Secrets?: Array<{ ValueFrom: unknown }> }>;
  const arns = containers.flatMap((c) => (c.Secrets ?? []).map((s) => String(resolve(world.json, s.ValueFrom, world.naming))));
  return [...new Set(referencedParameters(arns.join(',')).map((p) => p.name))];
}
const namesOf = (output: keyof typeof OUTPUT_NAMES) => referencedParameters(out(output)).map((p) => p.name);
const CERTIFICATE_PATH = '/Meet-meet-example-org/certificate/';

/** GetParameters as a principal, decrypted: what became of it (the layer's outcome, or 'allowed'). */
async function read(who: Principal, names: readonly string[]): Promise<string> {
  const first = calls.length;
  const error = await clientsFor(who.credentials)
    .ssm.send(new GetParametersCommand({ Names: [...names], WithDecryption: true }))
    .then(
      () => undefined,
      (e: unknown) => e as Error,
    );
  const outcomes = calls.slice(first).map((c) => c.outcome);
  if (!error) return 'allowed';
  return outcomes.find((o) => o !== 'allowed') ?? `failed: ${error.name}`;
}

async function generator(requestType: 'Create' | 'Delete'): Promise<void> {
  const groups = Object.values(world.json.Resources).filter((r) => r.Type === 'Custom::SecureParameters');
  expect(groups.length).toBe(4);
  await asLambda(world, functionId('InternalSecretGenerator'), async () => {
    const { handler } = await import('../../src/infra/lambda/secret-generator.js');
    for (const group of groups) {
      const props = resolve(world.json, group.Properties ?? {}, world.naming) as Record<string, unknown>;
      await handler({ RequestType: requestType, ResourceType: 'Custom::SecureParameters', ResourceProperties: props } as never);
    }
  });
}

describe.skipIf(!available)(SUITE, () => {
  beforeAll(async () => {
    ({ moto, world, organizer, layer } = await enforcedMotoWorld(TEMPLATE, ZONE, calls));
    // Deploy time: the generator creates every boundary's parameters (CloudFormation cannot).
    await generator('Create');
  }, 180_000);

  it('creates every parameter the template names, as SecureString of the standard tier, generated or a placeholder', async () => {
    const all = [...namesOf('secret'), ...namesOf('recorderSecret'), ...namesOf('tokenSecret')];
    const { Parameters } = await world.admin.ssm.send(new GetParametersCommand({ Names: all, WithDecryption: true }));
    expect(Parameters?.map((p) => p.Type)).toEqual(all.map(() => 'SecureString'));
    expect(Parameters?.find((p) => p.Name?.endsWith('/token/JWT_APP_SECRET'))?.Value).toMatch(/^[0-9a-f]{64}$/);
    expect(Parameters?.find((p) => p.Name?.endsWith('/internal/JICOFO_AUTH_PASSWORD'))?.Value).toMatch(/^[0-9a-f]{32}$/);
  });

  it("the meeting task's start reads the internal, recorder, token and certificate parameters, and not the ACME account's", async () => {
    const task = executionRole('PoweredJitsi');
    const names = containerParameters('PoweredJitsi');
    expect(names.map((n) => n.split('/')[2]).sort()).toEqual(
      ['certificate', 'certificate', 'internal', 'internal', 'recorder', 'recorder', 'token'].sort(),
    );
    expect(await read(task, names)).toBe('allowed');
    expect(await read(task, [`${CERTIFICATE_PATH}state`])).toBe(AWS_CHECK);
  });

  it("the recorder's start reads its own parameters only", async () => {
    const recorder = executionRole('RecorderTaskDefinition');
    expect(await read(recorder, containerParameters('RecorderTaskDefinition'))).toBe('allowed');
    expect(await read(recorder, namesOf('secret'))).toBe(AWS_CHECK);
    expect(await read(recorder, namesOf('tokenSecret'))).toBe(AWS_CHECK);
  });

  it('the organizer page reads the token secret through the secrets port, and nothing else', async () => {
    await asLambda(world, functionId('OrganizerPageFunction'), async () => {
      const { automationDeps } = await import('../../src/lambda/environment.js');
      const { PAGE_ENV } = await import('../../src/lambda/organizer-page.js');
      const value = JSON.parse(await automationDeps().ports.secrets.value(process.env[PAGE_ENV.tokenSecretArn] ?? ''));
      expect(Object.keys(value)).toEqual(['JWT_APP_SECRET']);
    });
    const page = principalOfFunction('OrganizerPageFunction');
    expect(await read(page, namesOf('secret'))).toBe(AWS_CHECK);
    expect(await read(page, [`${CERTIFICATE_PATH}privateKeyPem`])).toBe(AWS_CHECK);
  });

  it('the certificate function writes and reads back its three parameters, and reads no password', async () => {
    const pems = await generate([{ name: 'commonName', value: 'meet.example.org' }], { keySize: 2048 });
    await asLambda(world, functionId('TaskCertificateFunction'), async () => {
      const { certificateDeps } = await import('../../src/lambda/certificate-environment.js');
      const { store } = certificateDeps().ports;
      expect(await store.load()).toBeUndefined();
      const certificate = {
        certificatePem: pems.cert,
        privateKeyPem: pems.private,
        accountKeyPem: 'account key',
        host: 'meet.example.org',
        notAfter: Date.now() + 60 * 86_400_000,
        issuedAt: Date.now(),
        history: { issued: [Date.now()], failures: [] },
      };
      await store.save(certificate);
      expect(await store.load()).toEqual(certificate);
    });
    const certificateFunction = principalOfFunction('TaskCertificateFunction');
    expect(await read(certificateFunction, namesOf('tokenSecret'))).toBe(AWS_CHECK);
    expect(await read(certificateFunction, namesOf('secret'))).toBe(AWS_CHECK);
  });

  it('the monthly rotation overwrites every password parameter while stopped, and reads no certificate', async () => {
    const before = await world.admin.ssm.send(new GetParametersCommand({ Names: namesOf('secret'), WithDecryption: true }));
    await asLambda(world, functionId('SecretRotationFunction'), async () => {
      const { handler } = await import('../../src/lambda/rotate-secrets.js');
      await handler(
        { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} } as never,
        {
          getRemainingTimeInMillis: () => 120_000,
        } as never,
      );
    });
    const mine = calls.filter((c) => c.principal === principalOfFunction('SecretRotationFunction').label);
    expect(mine.filter((c) => c.action.startsWith('ssm:') && c.outcome !== 'allowed')).toEqual([]);
    expect([...new Set(mine.filter((c) => c.action.startsWith('ssm:')).map((c) => c.action))].sort()).toEqual([
      'ssm:GetParameters',
      'ssm:PutParameter',
    ]);
    const after = await world.admin.ssm.send(new GetParametersCommand({ Names: namesOf('secret'), WithDecryption: true }));
    expect(after.Parameters?.map((p) => p.Value)).not.toEqual(before.Parameters?.map((p) => p.Value));
    expect(await read(principalOfFunction('SecretRotationFunction'), [`${CERTIFICATE_PATH}privateKeyPem`])).toBe(AWS_CHECK);
  });

  it('organizers read the token parameter for host links (docs/organizer-policy.json), and no password', async () => {
    expect(await read(organizer, namesOf('tokenSecret'))).toBe('allowed');
    expect(await read(organizer, namesOf('secret'))).toBe(AWS_CHECK);
  });

  it('a function with no Parameter Store statement is refused by moto itself', async () => {
    expect(await read(principalOfFunction('AutomationIdleStop'), namesOf('tokenSecret'))).toBe(MOTO);
  });

  it('the stack delete deletes every parameter', async () => {
    await generator('Delete');
    const { InvalidParameters } = await world.admin.ssm.send(
      new GetParametersCommand({ Names: [...namesOf('secret'), ...namesOf('tokenSecret'), `${CERTIFICATE_PATH}state`] }),
    );
    expect(InvalidParameters?.length).toBe(4);
  });
});
