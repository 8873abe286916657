/** The issuer and audience of the Jitsi tokens this project mints (`JWT_APP_ID`, the `aud` claim). */
export const JITSI_APP_ID = 'meetctl';
export const JITSI_AUDIENCE = 'jitsi';
/** The token secret's JSON key, named as the docker-jitsi-meet images name the variable. */
export const JWT_SECRET_KEY = 'JWT_APP_SECRET';
/** The token secret's name: `<stack>-jitsi-token` (Secrets Manager appends 6 random characters to its ARN). */
export const tokenSecretName = (stackName: string): string => `${stackName}-jitsi-token`;

/** The Cognito groups: organizers start and stop and record; members join. */
export const GROUPS = { organizers: 'organizers', members: 'members' } as const;
/** The organizer page's host: `start.<meeting host>` (inside the same zone). */
export const pageHost = (domain: string): string => `start.${domain}`;
