import { PortError } from '../control/errors.js';
import type { ControlPorts } from '../control/ports.js';
import {
  type ServiceContext,
  SIMULATED_INTERNAL_SECRET_ARN,
  SIMULATED_RECORDER_SECRET_ARN,
  SIMULATED_TOKEN_SECRET_ARN,
} from './model.js';

/** A secret: its current value, the staged versions, the previous value. */
export interface SimSecret {
  current: string;
  pending?: { versionId: string; value: string };
  staged?: Array<{ versionId: string; value: string }>;
  previous?: string;
}

/** Secrets Manager: the stack's secrets, staged and promoted as rotation does (faults: `rotationFailsAt`). */
export class SimulatedSecretsManager {
  /**
   * The stack's secrets by ARN: the current value, the staged versions (the newest carries
   * AWSPENDING; Secrets Manager keeps the others, unlabelled, and any of them can be made current),
   * the previous value.
   */
  readonly secretValues = new Map<string, SimSecret>([
    [
      SIMULATED_INTERNAL_SECRET_ARN,
      {
        current: JSON.stringify({
          JICOFO_AUTH_PASSWORD: 'simulated-jicofo-password-0123456',
          JVB_AUTH_PASSWORD: 'simulated-jvb-password-0123456789',
        }),
      },
    ],
    [
      SIMULATED_TOKEN_SECRET_ARN,
      { current: JSON.stringify({ JWT_APP_SECRET: 'simulated-token-secret-0123456789abcdef0123456789abcdef' }) },
    ],
  ]);
  private secretStages = 0;
  private secretPromotions = 0;

  constructor(
    private readonly ctx: ServiceContext,
    /** The stack has a recorder, whose XMPP passwords are a secret too. */
    recorder: boolean,
  ) {
    if (recorder) {
      this.secretValues.set(SIMULATED_RECORDER_SECRET_ARN, {
        current: JSON.stringify({
          JIBRI_RECORDER_PASSWORD: 'simulated-recorder-password-0123',
          JIBRI_XMPP_PASSWORD: 'simulated-jibri-password-01234567',
        }),
      });
    }
  }

  private secret(arn: string): SimSecret {
    const found = this.secretValues.get(arn);
    if (!found) throw new PortError('other', 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    return found;
  }

  /** The values a task started now would get (ECS reads AWSCURRENT at start). */
  secretsAtStart(): Record<string, string> {
    return Object.fromEntries([...this.secretValues].map(([arn, s]) => [arn, s.current]));
  }

  readonly port: ControlPorts['secrets'] = {
    value: async (arn) => {
      this.ctx.call();
      return this.secret(arn).current;
    },
    stage: async (arn, value) => {
      this.ctx.call();
      this.ctx.mutation(`stage ${arn}`);
      this.secretStages += 1;
      if (this.ctx.faults.rotationFailsAt === 'stage' && this.secretStages === 2) {
        throw new PortError('other', 'InternalServiceError', 'Secrets Manager failed to store the value');
      }
      const versionId = `v${this.secretStages}`;
      const secret = this.secret(arn);
      secret.pending = { versionId, value };
      secret.staged = [...(secret.staged ?? []), { versionId, value }];
      return versionId;
    },
    promote: async (arn, versionId) => {
      this.ctx.call();
      this.ctx.mutation(`promote ${arn}`);
      this.secretPromotions += 1;
      if (this.ctx.faults.rotationFailsAt === 'promote' && this.secretPromotions === 2) {
        throw new PortError('other', 'InternalServiceError', 'Secrets Manager failed to move the stage');
      }
      const secret = this.secret(arn);
      const version = secret.staged?.find((v) => v.versionId === versionId);
      if (!version) throw new PortError('other', 'InvalidRequestException', 'no such version');
      secret.previous = secret.current;
      secret.current = version.value;
      if (secret.pending?.versionId === versionId) secret.pending = undefined;
    },
  };
}
