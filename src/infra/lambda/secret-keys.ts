import { randomBytes } from 'node:crypto';

/**
 * Pure part of the password generator: given the current secret JSON and the wanted keys, return the
 * JSON with every missing key filled. Existing values are never changed, so updates are safe while a
 * task uses them. Passwords are 32 hex characters (128 bits), the same shape upstream's
 * `gen-passwords.sh` makes with `openssl rand -hex 16`.
 */
export function fillMissingKeys(
  current: string | undefined,
  keys: readonly string[],
  generate: () => string = () => randomBytes(16).toString('hex'),
): { secretString: string; added: string[] } {
  const values = parseObject(current);
  const added: string[] = [];
  for (const key of keys) {
    if (typeof values[key] !== 'string' || values[key] === '') {
      values[key] = generate();
      added.push(key);
    }
  }
  return { secretString: JSON.stringify(values), added };
}

function parseObject(text: string | undefined): Record<string, unknown> {
  if (!text) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
