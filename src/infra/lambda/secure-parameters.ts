import { randomBytes } from 'node:crypto';
import { DeleteParametersCommand, ParameterAlreadyExists, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';

/** What a parameter holds until its writer (the certificate function) fills it: not a PEM, not JSON. */
export const PLACEHOLDER_VALUE = '-';

export interface SecureParametersRequest {
  readonly requestType: 'Create' | 'Update' | 'Delete';
  readonly names: readonly string[];
  /** Random bytes of each generated password (hex); absent: a placeholder another writer fills. */
  readonly passwordBytes?: number;
}

/**
 * Create and Update: create each missing SecureString parameter (standard tier, aws/ssm), never
 * changing one that exists (a running task may use it; rotation changes values). Delete: delete
 * them all, so nothing is left behind after the stack. Returns the names it created; logs names only.
 */
export async function ensureSecureParameters(
  client: SSMClient,
  request: SecureParametersRequest,
  generate: (bytes: number) => string = (bytes) => randomBytes(bytes).toString('hex'),
): Promise<{ created: string[]; deleted: string[] }> {
  if (request.requestType === 'Delete') {
    // DeleteParameters takes at most 10 names per call.
    for (let i = 0; i < request.names.length; i += 10) {
      await client.send(new DeleteParametersCommand({ Names: request.names.slice(i, i + 10) }));
    }
    return { created: [], deleted: [...request.names] };
  }
  const created: string[] = [];
  for (const name of request.names) {
    const value = request.passwordBytes ? generate(request.passwordBytes) : PLACEHOLDER_VALUE;
    try {
      // Overwrite false: one that exists stays as it is, and the generator never needs to read a value.
      await client.send(
        new PutParameterCommand({ Name: name, Value: value, Type: 'SecureString', Tier: 'Standard', Overwrite: false }),
      );
      created.push(name);
    } catch (error) {
      if (!(error instanceof ParameterAlreadyExists)) throw error;
    }
  }
  return { created, deleted: [] };
}
