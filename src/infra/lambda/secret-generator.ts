import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { fillMissingKeys } from './secret-keys.js';
import { ensureSecureParameters } from './secure-parameters.js';

const client = new SecretsManagerClient({});
const ssm = new SSMClient({});

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
  if (event.ResourceType === 'Custom::SecureParameters') return secureParameters(event);
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

/**
 * `secretStore: "parameter-store"`: create the boundary's SecureString parameters (CloudFormation
 * cannot), and delete them with the stack.
 */
async function secureParameters(event: CloudFormationCustomResourceEvent): Promise<ProviderResult> {
  const names = (event.ResourceProperties.Names as unknown as string[]) ?? [];
  const bytes = Number(event.ResourceProperties.PasswordBytes ?? 0);
  const physicalId = names[0]?.replace(/\/[^/]*$/, '') ?? 'parameters';
  // A replaced group (other names) deletes its old parameters when CloudFormation sends Delete for the old id.
  const outcome = await ensureSecureParameters(ssm, {
    requestType: event.RequestType,
    names,
    ...(bytes > 0 ? { passwordBytes: bytes } : {}),
  });
  console.log(JSON.stringify({ message: 'secure parameters ensured', ...outcome }));
  return { PhysicalResourceId: physicalId, Data: { Names: names.join(',') } };
}
