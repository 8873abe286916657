import { PortError } from '../control/errors.js';
import { type PortCall, wrapGroup } from '../control/ports.js';
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

const NETWORK_CODES = new Set([
  'EAI_AGAIN',
  'ENOTFOUND',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

/** True when the request never reached AWS (no network, DNS down, a proxy in the way). */
export function isNetworkError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as { code?: string }).code;
    if (
      (code && NETWORK_CODES.has(code)) ||
      /getaddrinfo|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|socket hang up/.test(e.message)
    )
      return true;
  }
  return false;
}

/** The profile named in an SDK "profile not found" error, if that is what it is. */
export function missingProfile(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  // SDK v3: "Could not resolve credentials using profile: [nosuch] in configuration/credentials file(s)."
  const m =
    /using profile: \[([^\]]+)\] in configuration/.exec(error.message) ??
    /[Pp]rofile (\S+) (?:could not be found|was not found|is not found)/.exec(error.message);
  return m?.[1]?.replace(/^["']|["']$/g, '');
}

/** Turn an SDK error into a MeetError with the right exit code and a fix. */
export function toMeetError(error: unknown, profile: string | undefined, doing: string): MeetError {
  if (error instanceof MeetError) return error;
  const unknownProfile = missingProfile(error);
  if (unknownProfile) {
    return new MeetError(
      `AWS profile "${unknownProfile}" does not exist in your AWS config (while ${doing}).`,
      ExitCode.config,
      `Create it with: aws configure sso --profile ${unknownProfile} (docs/deploy.md shows the answers), or pass an existing --profile.`,
      { cause: error },
    );
  }
  if (isNetworkError(error)) {
    return new MeetError(
      `AWS could not be reached while ${doing} (${error instanceof Error ? error.message : String(error)}).`,
      ExitCode.aws,
      'Check your internet connection, VPN or proxy, then try again. Nothing was changed.',
      { cause: error },
    );
  }
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

/** Wrap each function of a port so that what it throws reaches the core classified (see `classify`). */
export function classifiedGroup<T extends object>(port: T): T {
  return wrapGroup(port, classifying);
}

/** A port call whose errors reach the core classified. */
export const classifying =
  (call: PortCall): PortCall =>
  async (...args) => {
    try {
      return await call(...args);
    } catch (error) {
      throw classify(error);
    }
  };
