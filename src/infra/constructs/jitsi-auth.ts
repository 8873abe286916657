import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { JWT_SECRET_KEY, tokenSecretName } from '../../auth/jitsi-settings.js';
import type { InternalSecret } from './internal-secret.js';
import { type StoredSecret, secretsManagerSecret } from './stored-secret.js';

/** The token secret's trust boundary: prosody (the task's execution role), the page, the rotation, `meetctl link`. */
export const TOKEN_BOUNDARY = 'token';
/** Random bytes of the token secret: 64 hex characters, as long as the Secrets Manager variant's. */
const TOKEN_BYTES = 32;

export {
  JITSI_APP_ID,
  JITSI_AUDIENCE,
  JWT_SECRET_KEY,
  MEMBERS_ONLY_ENV,
  tokenSecretName,
} from '../../auth/jitsi-settings.js';

/**
 * Members-only meetings: the HMAC secret prosody verifies Jitsi tokens with, in a secret of its own
 * (generated at deploy time; never in the template). The containers' variables (token
 * authentication with guests, wait for host, who is a moderator) are MEMBERS_ONLY_ENV, in
 * src/auth/jitsi-settings.ts.
 */
export class JitsiAuth extends Construct {
  /** The token secret, in the configured store. */
  readonly stored: StoredSecret;

  constructor(scope: Construct, id: string, props: { readonly stackName: string; readonly passwords: InternalSecret }) {
    super(scope, id);
    this.stored =
      props.passwords.store === 'parameter-store'
        ? props.passwords.parameters(this, 'TokenParameters', TOKEN_BOUNDARY, [JWT_SECRET_KEY], TOKEN_BYTES)
        : this.createSecret(props.stackName);
  }

  private createSecret(stackName: string): StoredSecret {
    const secret = new secretsmanager.Secret(this, 'TokenSecret', {
      // A name of the stack's, so the organizer permission set can name it (docs/organizer-policy.json).
      secretName: tokenSecretName(stackName),
      description: 'The HMAC secret of Jitsi tokens (JWT_APP_SECRET), generated at deploy time.',
      generateSecretString: {
        secretStringTemplate: '{}',
        generateStringKey: JWT_SECRET_KEY,
        excludePunctuation: true,
        passwordLength: 64,
      },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        "Tokens signed with it live at most 12 hours and prosody reads it only at start; Secrets Manager's own rotation would change it under a running prosody; `meetctl rotate-secrets` (and the optional monthly schedule) rotates it through the control-plane lock, only while no task runs, and the next start reads it.",
    });
    // CloudFormation generates the only key: nothing else to wait for.
    return secretsManagerSecret(secret, secret, (key) => ecs.Secret.fromSecretsManager(secret, key));
  }
}
