import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { fillMissingKeys } from './secret-keys.js';

const client = new SecretsManagerClient({});

/** What the CDK provider framework expects back. Never contains a secret value. */
interface ProviderResult {
  PhysicalResourceId: string;
  Data?: Record<string, string>;
}

/**
 * Custom resource handler (through the CDK provider framework): fills the missing password keys of
 * the stack's one internal secret. Creates and updates only add keys; delete does nothing, because the
 * secret itself is a stack resource. Logs key names, never values.
 */
export async function handler(event: CloudFormationCustomResourceEvent): Promise<ProviderResult> {
  const secretArn = String(event.ResourceProperties.SecretArn);
  const physicalId = `${secretArn}/passwords`;
  if (event.RequestType === 'Delete') return { PhysicalResourceId: physicalId };

  const keys = (event.ResourceProperties.Keys as unknown as string[]) ?? [];
  const current = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
  const { secretString, added } = fillMissingKeys(current.SecretString, keys);
  if (added.length > 0) {
    await client.send(new PutSecretValueCommand({ SecretId: secretArn, SecretString: secretString }));
  }
  console.log(JSON.stringify({ message: 'internal passwords ensured', added, kept: keys.filter((k) => !added.includes(k)) }));
  return { PhysicalResourceId: physicalId, Data: { Keys: keys.join(',') } };
}
