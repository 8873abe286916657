import { randomUUID } from 'node:crypto';
import { GetParametersCommand, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { ControlPorts } from '../control/ports.js';

/**
 * A trust boundary kept in Parameter Store (`secretStore: "parameter-store"`): one SecureString
 * parameter per key, because ECS injects a whole parameter into a container variable (it picks no JSON
 * key out of a parameter, as it does out of a secret). The stack hands out the boundary as its
 * parameters' ARNs joined by commas (`parameterReference`); the last path segment of each is the key.
 */
export const PARAMETER_REFERENCE_SEPARATOR = ',';

/** Whether a secret reference names Parameter Store parameters (else it is a Secrets Manager ARN). */
export const isParameterReference = (reference: string): boolean => /^arn:aws[a-z-]*:ssm:/.test(reference);

/** The parameters of a reference: name (`/Stack/boundary/KEY`) and key (`KEY`). */
export function referencedParameters(reference: string): Array<{ name: string; key: string }> {
  return reference.split(PARAMETER_REFERENCE_SEPARATOR).map((arn) => {
    const match = /^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter(\/.+)$/.exec(arn.trim());
    if (!match?.[1]) throw new Error(`not a parameter ARN: ${arn}`);
    const name = match[1];
    return { name, key: name.slice(name.lastIndexOf('/') + 1) };
  });
}

/** Read every parameter of a reference, decrypted, as one JSON object of key → value. */
export async function parameterValues(client: SSMClient, reference: string): Promise<Record<string, string>> {
  const wanted = referencedParameters(reference);
  const { Parameters, InvalidParameters } = await client.send(
    new GetParametersCommand({ Names: wanted.map((p) => p.name), WithDecryption: true }),
  );
  if (InvalidParameters && InvalidParameters.length > 0) {
    throw new Error(`missing parameters: ${InvalidParameters.join(', ')}`);
  }
  const byName = new Map((Parameters ?? []).map((p) => [p.Name, p.Value ?? '']));
  return Object.fromEntries(wanted.map((p) => [p.key, byName.get(p.name) ?? '']));
}

/** Overwrite one SecureString parameter (standard tier, the AWS-managed key aws/ssm). */
export async function putSecureParameter(client: SSMClient, name: string, value: string): Promise<void> {
  await client.send(new PutParameterCommand({ Name: name, Value: value, Type: 'SecureString', Overwrite: true }));
}

/**
 * The control plane's secrets port over Parameter Store. Parameters have no staging labels: `stage`
 * keeps the new value in this process (nothing stored changes, as with AWSPENDING) and `promote`
 * overwrites each parameter once. A failure while promoting leaves every parameter whole (old or new);
 * each password is read by both its sides (prosody and its client) from the same parameter at the next
 * start, so any mix of old and new parameters is consistent.
 */
export function parameterSecrets(client: SSMClient): ControlPorts['secrets'] {
  const staged = new Map<string, { reference: string; value: Record<string, string> }>();
  return {
    async value(reference) {
      return JSON.stringify(await parameterValues(client, reference));
    },
    async stage(reference, value) {
      const parsed = JSON.parse(value) as Record<string, string>;
      const keys = referencedParameters(reference).map((p) => p.key);
      const unknown = Object.keys(parsed).filter((k) => !keys.includes(k));
      if (unknown.length > 0) throw new Error(`no parameter for ${unknown.join(', ')}`);
      const version = randomUUID();
      staged.set(version, { reference, value: parsed });
      return version;
    },
    async promote(reference, version) {
      const next = staged.get(version);
      if (!next || next.reference !== reference) throw new Error('nothing staged under this version');
      for (const { name, key } of referencedParameters(reference)) {
        const value = next.value[key];
        if (value !== undefined) await putSecureParameter(client, name, value);
      }
      staged.delete(version);
    },
  };
}
