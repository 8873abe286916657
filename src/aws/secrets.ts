import { randomUUID } from 'node:crypto';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { ControlPorts } from '../control/ports.js';
import { isParameterReference, parameterSecrets } from './parameter-secrets.js';

/**
 * Secrets Manager for the control plane: read a value, and rotate the Secrets Manager way: a new
 * version staged AWSPENDING, then AWSCURRENT moved to it in one call (the old one becomes AWSPREVIOUS).
 */
export function sdkSecrets(client: SecretsManagerClient): ControlPorts['secrets'] {
  return {
    async value(secretArn) {
      const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
      return SecretString ?? '';
    },
    async stage(secretArn, value) {
      const { VersionId } = await client.send(
        new PutSecretValueCommand({
          SecretId: secretArn,
          SecretString: value,
          VersionStages: ['AWSPENDING'],
          ClientRequestToken: randomUUID(),
        }),
      );
      if (!VersionId) throw new Error('Secrets Manager returned no version id');
      return VersionId;
    },
    async promote(secretArn, versionId) {
      const { VersionIdsToStages } = await client.send(new DescribeSecretCommand({ SecretId: secretArn }));
      const current = Object.entries(VersionIdsToStages ?? {}).find(([, stages]) => stages.includes('AWSCURRENT'))?.[0];
      if (current === versionId) return;
      await client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: secretArn,
          VersionStage: 'AWSCURRENT',
          MoveToVersionId: versionId,
          ...(current ? { RemoveFromVersionId: current } : {}),
        }),
      );
    },
  };
}

/**
 * The secrets port for either store (config `secretStore`): a Parameter Store reference (parameter
 * ARNs) goes to Parameter Store, a secret ARN to Secrets Manager. The stack outputs say which.
 */
export function storedSecrets(clients: { secretsmanager: SecretsManagerClient; ssm: SSMClient }): ControlPorts['secrets'] {
  const secrets = sdkSecrets(clients.secretsmanager);
  const parameters = parameterSecrets(clients.ssm);
  const pick = (reference: string) => (isParameterReference(reference) ? parameters : secrets);
  return {
    value: (reference) => pick(reference).value(reference),
    stage: (reference, value) => pick(reference).stage(reference, value),
    promote: (reference, version) => pick(reference).promote(reference, version),
  };
}
