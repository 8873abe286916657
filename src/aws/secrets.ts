import { randomUUID } from 'node:crypto';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import type { ControlPorts } from '../control/ports.js';

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
