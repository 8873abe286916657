import { MEETING_ALARMS } from '../assumptions.js';
import { freeTierNote, line, type PricedItem, type PricingBasis } from './line.js';

// The items billed by the month whatever the platform does: secrets, user pool, zone, automation, monitoring, stored recordings.

/** The secrets the stack creates, by what they hold, and the sign-in providers' client secrets the account keeps. */
export function secretNames({ input, balanced }: PricingBasis): string[] {
  return [
    'the internal passwords',
    ...(balanced ? [] : ["the task's TLS certificate and key"]),
    ...(input.membersOnly ? ['the Jitsi token secret'] : []),
    // Server-side recording: the recorder's XMPP passwords, a secret of their own (it reads no other).
    ...(input.recorder ? ["the recorder's XMPP passwords"] : []),
    // External sign-in: each provider's client secret, which you create in Secrets Manager (signIn.*.clientSecretArn).
    ...(input.membersOnly && input.signIn?.google ? ["Google's client secret (yours)"] : []),
    ...(input.membersOnly ? (input.signIn?.oidcProviders ?? []).map((name) => `${name}'s client secret (yours)`) : []),
  ];
}

/** Secrets Manager: each secret bills by the month. */
export function secrets(basis: PricingBasis): PricedItem & { readonly count: number } {
  const names = secretNames(basis);
  return {
    ...line(
      'secrets-manager',
      names.length === 1 ? 'Secrets Manager secret' : `Secrets Manager secrets (${names.length})`,
      'per month',
      names.length * basis.prices.secretsManagerSecretMonth,
      `${names.length} × $${basis.prices.secretsManagerSecretMonth}: ${names.join('; ')}`,
    ),
    count: names.length,
  };
}

/**
 * Cognito (members-only): members and Google sign-ins are free up to 10,000 monthly active users;
 * members signing in through an OIDC provider are federated users, free only up to 50.
 */
export function userPool({ input, assumptions: a, prices }: PricingBasis): PricedItem | undefined {
  if (!input.membersOnly) return undefined;
  const providers = input.signIn?.oidcProviders ?? [];
  const federated = providers.length > 0 ? a.federatedMonthlyUsers : 0;
  const c = prices.cognito;
  const federatedNote =
    providers.length > 0
      ? `; ${federated} a month sign in through ${providers.join(', ')} (OIDC: federated users, ${c.freeFederatedMau} free, then $${c.mau} each)`
      : `; users federated through OIDC or SAML would be free only up to ${c.freeFederatedMau}`;
  return line(
    'cognito',
    'User pool (Cognito Essentials)',
    'per month',
    Math.max(0, federated - c.freeFederatedMau) * c.mau,
    `members and Google sign-ins free up to ${c.freeMau.toLocaleString('en-US')} monthly active users${federatedNote}`,
  );
}

/** Route 53: the community's hosted zone. */
export function hostedZone({ prices }: PricingBasis): PricedItem {
  return line(
    'route53',
    'Route 53 hosted zone',
    'per month',
    prices.route53HostedZoneMonth,
    'your zone; billed whether or not the platform exists',
  );
}

/**
 * The automation: the idle alarm, and the runtime guard's Lambda, whose GB-seconds fit the free tier
 * many times over (priced as if it were used up).
 */
export function automation({ assumptions: a, prices }: PricingBasis): PricedItem {
  const guardGbSeconds = a.guardInvocationsMonth * a.guardSeconds * 0.25;
  const cw = prices.cloudWatch;
  const monthly =
    (a.cloudWatchFreeTier ? 0 : cw.alarmMonth) +
    Math.max(0, guardGbSeconds - prices.lambda.freeGbSecondsMonth) * prices.lambda.armGbSecond +
    Math.max(0, a.guardInvocationsMonth - prices.lambda.freeRequestsMonth) * (prices.lambda.requestsPerMillion / 1_000_000);
  return line(
    ['cloudwatch', 'lambda'],
    'Automation (idle alarm, runtime guard, schedules, alerts, budget)',
    'per month',
    monthly,
    `idle alarm ${a.cloudWatchFreeTier ? `free within the account's free tier (${cw.freeAlarms} alarms a month), else $${cw.alarmMonth}` : `$${cw.alarmMonth}`}; ${a.guardInvocationsMonth} guard runs (${guardGbSeconds} GB-s) within the Lambda free tier; Scheduler, SNS e-mail, DynamoDB on-demand and the first two budgets cost nothing at this volume`,
  );
}

/** CloudWatch: one dashboard and the four meeting alarms (CPU, bridge stress, failing page checks, an unhealthy component). */
export function monitoring({ assumptions: a, prices }: PricingBasis): PricedItem {
  const cw = prices.cloudWatch;
  const dashboardMonthly = a.dashboardFree ? 0 : cw.dashboardMonth;
  const alarmsMonthly = a.cloudWatchFreeTier ? 0 : MEETING_ALARMS * cw.alarmMonth;
  const dashboard = a.dashboardFree ? `free as one of the account's first ${cw.freeDashboards} (otherwise` : '(it is';
  return line(
    'cloudwatch',
    'Dashboard and meeting alarms',
    'per month',
    dashboardMonthly + alarmsMonthly,
    `${freeTierNote(MEETING_ALARMS, 'alarms', cw.freeAlarms, `$${cw.alarmMonth}`, a.cloudWatchFreeTier)}; one dashboard, ${dashboard} $${cw.dashboardMonth}/month)`,
  );
}

/** S3: the recordings kept, priced as Standard. */
export function recordingsStorage({ assumptions: a, prices }: PricingBasis): PricedItem {
  return line(
    's3',
    `Recordings in S3 (${a.recordingsGb} GB)`,
    'per month',
    a.recordingsGb * prices.s3.standardGbMonth,
    `$${prices.s3.standardGbMonth}/GB-month Standard; $${prices.s3.infrequentAccessGbMonth} after 30 days`,
  );
}
