import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { JITSI_APP_ID, JWT_SECRET_KEY, tokenSecretName } from '../../auth/jitsi-settings.js';

export { JITSI_APP_ID, JITSI_AUDIENCE, JWT_SECRET_KEY, tokenSecretName } from '../../auth/jitsi-settings.js';

/**
 * Members-only meetings: the HMAC secret prosody verifies Jitsi tokens with, in a secret of its own
 * (generated at deploy time; never in the template), and the variables that turn on token
 * authentication with guests and the wait-for-host recipe. Checked against the image defaults at
 * stable-11146-2: prosody/rootfs/defaults/conf.d/jitsi-meet.cfg.lua, web/rootfs/defaults/
 * system-config.js and settings-config.js, jicofo/rootfs/defaults/jicofo.conf.
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

/** Environment of each container for members-only meetings (the secret itself goes in as an ECS secret). */
export const MEMBERS_ONLY_ENV = {
  prosody: {
    ENABLE_AUTH: '1',
    ENABLE_GUESTS: '1',
    AUTH_TYPE: 'jwt',
    JWT_APP_ID: JITSI_APP_ID,
    JWT_ALLOW_EMPTY: '0',
    // The handbook's wait-for-host recipe: guests wait in the lobby until someone with a token joins.
    // Without persistent_lobby nothing creates the lobby and guests walk straight in.
    XMPP_MUC_MODULES: 'muc_wait_for_host',
    XMPP_MODULES: 'persistent_lobby',
  },
  // web reads only these two (system-config.js); AUTH_TYPE is prosody's and jicofo's.
  web: { ENABLE_AUTH: '1', ENABLE_GUESTS: '1' },
  // The recipe needs jicofo's own authentication off (the image turns it on with ENABLE_AUTH).
  jicofo: { JICOFO_ENABLE_AUTH: '0' },
} as const;
