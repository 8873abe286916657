import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { JWT_SECRET_KEY, tokenSecretName } from '../../auth/jitsi-settings.js';

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
  readonly secret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: { readonly stackName: string }) {
    super(scope, id);
    this.secret = new secretsmanager.Secret(this, 'TokenSecret', {
      // A name of the stack's, so the organizer permission set can name it (docs/organizer-policy.json).
      secretName: tokenSecretName(props.stackName),
      description: 'The HMAC secret of Jitsi tokens (JWT_APP_SECRET), generated at deploy time.',
      generateSecretString: {
        secretStringTemplate: '{}',
        generateStringKey: JWT_SECRET_KEY,
        excludePunctuation: true,
        passwordLength: 64,
      },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        "Tokens signed with it live at most 12 hours and prosody reads it only at start; Secrets Manager's own rotation would change it under a running prosody; `meetctl rotate-secrets` (and the optional monthly schedule) rotates it through the control-plane lock, only while no task runs, and the next start reads it.",
    });
  }
}
