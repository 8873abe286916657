import { ExitCode, MeetError } from '../errors.js';

/**
 * Refuse an AWS profile that is in neither ~/.aws/config nor ~/.aws/credentials before any call:
 * the SDK would only say "Could not load credentials from any providers", and the usual
 * `aws sso login --profile X` hint fails for a profile that does not exist.
 */
export async function checkProfileExists(profile: string | undefined): Promise<void> {
  if (!profile) return;
  const { loadSharedConfigFiles } = await import('@smithy/core/config');
  const { configFile, credentialsFile } = await loadSharedConfigFiles({ ignoreCache: true });
  if (profile in configFile || profile in credentialsFile) return;
  const known = [...new Set([...Object.keys(configFile), ...Object.keys(credentialsFile)])].filter(
    (p) => !p.startsWith('sso-session'),
  );
  throw new MeetError(
    `AWS profile "${profile}" does not exist in your AWS config${known.length ? ` (known: ${known.join(', ')})` : ''}.`,
    ExitCode.config,
    `Create it with: aws configure sso --profile ${profile} (docs/deploy.md shows the answers), or pass an existing --profile.`,
  );
}
