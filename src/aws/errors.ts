import { PortError } from '../control/errors.js';
import { ExitCode, MeetError } from '../errors.js';

const CREDENTIAL_ERRORS = new Set([
  'CredentialsProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'TokenRefreshRequired',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SSOTokenProviderFailure',
  'UnauthorizedException',
]);

/** True when an SDK error means "no usable credentials" rather than a service-side failure. */
export function isCredentialError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (
    CREDENTIAL_ERRORS.has(error.name) || /sso|credential|token (has )?expired|could not load credentials/i.test(error.message)
  );
}

/** The one line a person needs to get working credentials again. */
export function loginHint(profile: string | undefined): string {
  return profile
    ? `Run: aws sso login --profile ${profile}`
    : 'Run: aws sso login --profile <your-profile>, then pass --profile <your-profile> (or set AWS_PROFILE)';
}

/** Turn an SDK error into a MeetError with the right exit code and a fix. */
export function toMeetError(error: unknown, profile: string | undefined, doing: string): MeetError {
  if (error instanceof MeetError) return error;
  if (isCredentialError(error)) {
    return new MeetError(
      `AWS credentials${profile ? ` for profile "${profile}"` : ''} are missing or expired (while ${doing}).`,
      ExitCode.config,
      loginHint(profile),
      {
        cause: error,
      },
    );
  }
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  return new MeetError(`AWS returned ${name} while ${doing}: ${message}`, ExitCode.aws, undefined, { cause: error });
}

const TRANSIENT_ERRORS = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalError',
  'InternalFailure',
  'ServerException',
  'ProvisionedThroughputExceededException',
]);

/** True for errors that go away by themselves (throttling, a brief service hiccup). */
export function isTransientError(error: unknown): boolean {
  return error instanceof Error && (TRANSIENT_ERRORS.has(error.name) || /rate exceeded|throttl/i.test(error.message));
}

/** Hand the core a classified error: its kind, with the SDK's name and message kept. */
export function classify(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof PortError) return error;
  const kind = isTransientError(error) ? 'transient' : isCredentialError(error) ? 'credentials' : 'other';
  return new PortError(kind, error.name, error.message, { cause: error });
}
