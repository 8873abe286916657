import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { toMeetError } from '../../src/aws/errors.js';
import { checkProfileExists } from '../../src/aws/profiles.js';
import { PortError } from '../../src/control/errors.js';
import { ExitCode } from '../../src/errors.js';

const dir = mkdtempSync(path.join(tmpdir(), 'meetctl-aws-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a profile that does not exist', () => {
  it('is refused before any call, naming the profile and pointing to aws configure sso', async () => {
    writeFileSync(path.join(dir, 'config'), '[profile ne3d]\nsso_session = ne3d\nregion = us-west-2\n');
    writeFileSync(path.join(dir, 'credentials'), '');
    vi.stubEnv('AWS_CONFIG_FILE', path.join(dir, 'config'));
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', path.join(dir, 'credentials'));
    try {
      await expect(checkProfileExists('ne3d')).resolves.toBeUndefined();
      await expect(checkProfileExists(undefined)).resolves.toBeUndefined();
      const error = await checkProfileExists('nosuch').catch((e: unknown) => e);
      expect(error).toMatchObject({ exitCode: ExitCode.config, message: expect.stringContaining('"nosuch" does not exist') });
      expect((error as { hint: string }).hint).toContain('aws configure sso --profile nosuch');
      expect((error as { hint: string }).hint).not.toContain('sso login');
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('AWS out of reach', () => {
  it('says AWS could not be reached (exit 254) instead of echoing getaddrinfo', () => {
    const dns = Object.assign(new Error('getaddrinfo EAI_AGAIN sts.us-west-2.amazonaws.com'), { code: 'EAI_AGAIN' });
    const error = toMeetError(dns, 'ne3d', 'checking your AWS identity');
    expect(error.exitCode).toBe(ExitCode.aws);
    expect(error.message).toContain('AWS could not be reached while checking your AWS identity');
    expect(error.hint).toContain('internet connection');
    // Also when the core hands it over classified.
    const wrapped = new PortError('other', 'Error', 'connect failed', { cause: dns });
    expect(toMeetError(wrapped, undefined, 'reading the stack').message).toContain('could not be reached');
  });

  it('keeps the login hint for credentials that expired', () => {
    const expired = Object.assign(new Error('The SSO session has expired'), { name: 'ExpiredTokenException' });
    expect(toMeetError(expired, 'ne3d', 'x').hint).toBe('Run: aws sso login --profile ne3d');
  });
});
