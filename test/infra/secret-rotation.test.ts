import { describe, expect, it } from 'vitest';
import { ROTATION_SCHEDULE } from '../../src/infra/constructs/secret-rotation.js';
import { configWith, resource, synth } from '../support/fixtures.js';
import { ACCOUNT, arnOf, decide, policiesOfRole, REGION } from '../support/iam.js';

// One template for the whole file: the example (members-only) with the monthly rotation on.
const { json } = synth(configWith({ rotateSecretsMonthly: true }));
const role = resource(json, 'AWS::IAM::Role', 'SecretRotationFunctionServiceRole').id;
const internal = arnOf(json, resource(json, 'AWS::SecretsManager::Secret', 'InternalSecret').id);
const token = arnOf(json, resource(json, 'AWS::SecretsManager::Secret', 'JitsiAuthTokenSecret').id);
const decideAs = (action: string, res: string) => decide(policiesOfRole(json, role), action, res);

describe('the monthly secret rotation', () => {
  it('runs a function on the 1st of each month at 09:00 UTC', () => {
    const rule = resource(json, 'AWS::Events::Rule', 'SecretRotationSchedule');
    expect(rule.props.ScheduleExpression).toBe(ROTATION_SCHEDULE);
    expect(ROTATION_SCHEDULE).toBe('cron(0 9 1 * ? *)');
    expect(JSON.stringify(rule.props.Targets)).toContain('SecretRotationFunction');
  });

  it('may read, stage and promote versions of the internal passwords and the token secret (iam-simulate)', async () => {
    for (const secret of [internal, token]) {
      for (const action of ['GetSecretValue', 'DescribeSecret', 'PutSecretValue', 'UpdateSecretVersionStage']) {
        expect(await decideAs(`secretsmanager:${action}`, secret), `${action} ${secret}`).toBe('Allowed');
      }
    }
  });

  it('may not touch other secrets, delete, re-key or change the rotation of its own', async () => {
    const other = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:someone-else-AbC123`;
    expect(await decideAs('secretsmanager:PutSecretValue', other)).toBe('ImplicitlyDenied');
    expect(await decideAs('secretsmanager:GetSecretValue', other)).toBe('ImplicitlyDenied');
    for (const action of ['DeleteSecret', 'UpdateSecret', 'RotateSecret', 'PutResourcePolicy']) {
      expect(await decideAs(`secretsmanager:${action}`, internal), action).toBe('ImplicitlyDenied');
    }
    expect(await decideAs('ecs:RunTask', `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/x:1`)).toBe('ImplicitlyDenied');
  });

  it("rotates the recorder's own secret too when the stack has a recorder (iam-simulate)", async () => {
    const recording = synth(configWith({ rotateSecretsMonthly: true, recording: { enabled: true } })).json;
    const recorderSecret = arnOf(recording, resource(recording, 'AWS::SecretsManager::Secret', 'RecorderXmppSecret').id);
    const policies = policiesOfRole(recording, resource(recording, 'AWS::IAM::Role', 'SecretRotationFunctionServiceRole').id);
    for (const action of ['GetSecretValue', 'PutSecretValue', 'UpdateSecretVersionStage']) {
      expect(await decide(policies, `secretsmanager:${action}`, recorderSecret), action).toBe('Allowed');
    }
  });

  it('is absent unless asked for', () => {
    const plain = synth(configWith({})).json;
    expect(Object.keys(plain.Resources).some((id) => id.startsWith('SecretRotation'))).toBe(false);
  });
});
