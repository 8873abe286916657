/**
 * How the control plane sees a failed call: the ports classify the errors of whatever they wrap
 * (the AWS SDK, the simulated AWS) so the pure core needs no knowledge of any SDK.
 */
export type ErrorKind = 'transient' | 'credentials' | 'other';

/** An error a port has classified. `name` and `message` are the original ones. */
export class PortError extends Error {
  constructor(
    readonly kind: ErrorKind,
    name: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = name;
  }
}

/** The kind of an error thrown by a port; anything unclassified is `other`. */
export function errorKind(error: unknown): ErrorKind {
  return error instanceof PortError ? error.kind : 'other';
}

export const isTransient = (error: unknown): boolean => errorKind(error) === 'transient';
export const isCredentials = (error: unknown): boolean => errorKind(error) === 'credentials';
