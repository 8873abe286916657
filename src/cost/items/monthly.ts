import { MEETING_ALARMS } from '../assumptions.js';
import { freeTierNote, line, type PricedItem, type PricingBasis } from './line.js';

// The items billed by the month whatever the platform does: secrets, user pool, zone, automation, monitoring, stored recordings.

/**
 * The stack's own trust boundaries, by what they hold, with how many values each holds (a
 * Parameter Store parameter holds one; a secret holds them all as JSON keys).
 */
export function stackBoundaries({ input, balanced }: PricingBasis): Array<{ name: string; values: number }> {
  return [
    { name: 'the internal passwords', values: 2 },
    ...(balanced ? [] : [{ name: "the task's TLS certificate and key", values: 3 }]),
    ...(input.membersOnly ? [{ name: 'the Jitsi token secret', values: 1 }] : []),
    // Server-side recording: the recorder's XMPP passwords, a boundary of their own (it reads no other).
    ...(input.recorder ? [{ name: "the recorder's XMPP passwords", values: 2 }] : []),
  ];
}

/** The secrets in Secrets Manager: the stack's (unless in Parameter Store) and the sign-in providers' client secrets the account keeps. */
export function secretNames(basis: PricingBasis): string[] {
  const { input } = basis;
  return [
    ...(input.secretStore === 'parameter-store' ? [] : stackBoundaries(basis).map((b) => b.name)),
    // External sign-in: each provider's client secret, which you create in Secrets Manager (signIn.*.clientSecretArn).
    ...(input.membersOnly && input.signIn?.google ? ["Google's client secret (yours)"] : []),
    ...(input.membersOnly ? (input.signIn?.oidcProviders ?? []).map((name) => `${name}'s client secret (yours)`) : []),
  ];
}

/** Secrets Manager: each secret bills by the month. */
export function secrets(basis: PricingBasis): PricedItem & { readonly count: number } {
  const names = secretNames(basis);
  const price = basis.prices.secretsManagerSecretMonth;
  return {
    ...line(
      'secrets-manager',
      names.length === 1 ? 'Secrets Manager secret' : `Secrets Manager secrets (${names.length})`,
      'per month',
      names.length * price,
      names.length > 0
        ? `${names.length} × $${price}: ${names.join('; ')}`
        : `none (the stack's secrets are Parameter Store parameters); $${price} per secret-month`,
    ),
    count: names.length,
  };
}

/** Parameter Store (`secretStore: "parameter-store"`): the stack's secrets as SecureString parameters of the standard tier. */
export function secureParameters(basis: PricingBasis): (PricedItem & { readonly count: number }) | undefined {
  if (basis.input.secretStore !== 'parameter-store') return undefined;
  const boundaries = stackBoundaries(basis);
  const count = boundaries.reduce((n, b) => n + b.values, 0);
  const price = basis.prices.ssmStandardParameterMonth;
  return {
    ...line(
      'systems-manager',
      `Parameter Store SecureString parameters, standard tier (${count})`,
      'per month',
      count * price,
      `${count} × $${price} (standard tier, key aws/ssm): ${boundaries.map((b) => `${b.name} (${b.values})`).join('; ')}`,
    ),
    count,
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
    `idle alarm ${a.cloudWatchFreeTier ? `free within the account's free tier (${cw.freeAlarms} alarms a month), else $${cw.alarmMonth}` : `$${cw.alarmMonth}`}; ${a.guardInvocationsMonth} guard runs (${guardGbSeconds} GB-s) within the Lambda free tier; Scheduler, SNS e-mail and the first two budgets cost nothing at this volume; the guard's DynamoDB on-demand reads (no free tier for on-demand requests) come to under a cent`,
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
