import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../src/infra/lambda/secret-generator.js';

const secrets = mockClient(SecretsManagerClient);
const ARN = 'arn:aws:secretsmanager:us-west-2:111122223333:secret:InternalSecret-AbCdEf';

function event(
  requestType: 'Create' | 'Update' | 'Delete',
  keys = ['JICOFO_AUTH_PASSWORD', 'JVB_AUTH_PASSWORD'],
): CloudFormationCustomResourceEvent {
  const base = {
    ServiceToken: 'arn:aws:lambda:us-west-2:111122223333:function:provider',
    ResponseURL: 'https://example.invalid/response',
    StackId: 'arn:aws:cloudformation:us-west-2:111122223333:stack/Meet/abc',
    RequestId: 'req-1',
    LogicalResourceId: 'InternalSecretPasswords',
    ResourceType: 'Custom::InternalPasswords',
    ResourceProperties: { ServiceToken: 'x', SecretArn: ARN, Keys: keys },
  };
  if (requestType === 'Create') return { ...base, RequestType: 'Create' };
  if (requestType === 'Update')
    return {
      ...base,
      RequestType: 'Update',
      PhysicalResourceId: `${ARN}/passwords`,
      OldResourceProperties: base.ResourceProperties,
    };
  return { ...base, RequestType: 'Delete', PhysicalResourceId: `${ARN}/passwords` };
}

describe('secret generator handler', () => {
  let logged: string[];
  beforeEach(() => {
    secrets.reset();
    logged = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => {
      logged.push(line);
    });
  });
  afterEach(() => vi.restoreAllMocks());

  it('on create fills the keys CloudFormation did not generate, and logs no value', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: '{"JICOFO_AUTH_PASSWORD":"from-cloudformation"}' });
    secrets.on(PutSecretValueCommand).resolves({});
    const result = await handler(event('Create'));
    expect(result.PhysicalResourceId).toBe(`${ARN}/passwords`);
    expect(secrets).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: ARN });
    const put = secrets.commandCalls(PutSecretValueCommand)[0]?.args[0].input;
    const stored = JSON.parse(put?.SecretString ?? '{}') as Record<string, string>;
    expect(stored.JICOFO_AUTH_PASSWORD).toBe('from-cloudformation');
    expect(stored.JVB_AUTH_PASSWORD).toMatch(/^[0-9a-f]{32}$/);
    expect(logged.join('\n')).not.toContain(stored.JVB_AUTH_PASSWORD);
    expect(logged.join('\n')).not.toContain('from-cloudformation');
    expect(JSON.stringify(result)).not.toContain(stored.JVB_AUTH_PASSWORD);
  });

  it('on update with nothing missing writes nothing (values in use stay unchanged)', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: '{"JICOFO_AUTH_PASSWORD":"a","JVB_AUTH_PASSWORD":"b"}' });
    await handler(event('Update'));
    expect(secrets).not.toHaveReceivedCommand(PutSecretValueCommand);
  });

  it('on delete does nothing: the secret is a stack resource', async () => {
    const result = await handler(event('Delete'));
    expect(result.PhysicalResourceId).toBe(`${ARN}/passwords`);
    expect(secrets.calls()).toHaveLength(0);
  });

  it('fails the deployment when Secrets Manager refuses', async () => {
    secrets
      .on(GetSecretValueCommand)
      .rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }));
    await expect(handler(event('Create'))).rejects.toThrow('not authorized');
  });
});
