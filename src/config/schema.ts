import { z } from 'zod';
import { canonicalTimeZone } from '../schedule/time-zone.js';
import { HTTPS_ORIGIN } from '../web-headers.js';
import { BANDWIDTH_PRESETS, DEFAULT_BANDWIDTH_PRESET } from './bandwidth.js';
/** Retention values CloudWatch Logs accepts (days). */
import { DEFAULT_LOG_RETENTION_DAYS, LOG_RETENTION_DAYS } from './log-retention.js';
import { SIZE_NAMES } from './presets.js';
import { regionProblem, SUPPORTED_REGION_LIST, SUPPORTED_REGIONS } from './regions.js';
import { DIRECT_INGRESS_MIN_RELEASE, OLDEST_SUPPORTED_RELEASE, parseRelease, RELEASE_TAG_PATTERN } from './release.js';

export { DEFAULT_LOG_RETENTION_DAYS, LOG_RETENTION_DAYS };

/** How browsers reach the server (see docs/architecture.md, "Ingress modes"). */
export const INGRESS_MODES = ['direct', 'load-balancer'] as const;
export type IngressMode = (typeof INGRESS_MODES)[number];
/** Where the stack keeps its secrets (config `secretStore`). */
export const SECRET_STORES = ['secrets-manager', 'parameter-store'] as const;
export type SecretStoreKind = (typeof SECRET_STORES)[number];

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/;

/**
 * The longest logo or website address the config accepts: the TLS sidecar's waking page, logo address
 * included, must fit nginx's buffer, and the task definition (which carries both) ECS's size limit.
 */
export const BRANDING_URL_MAX_LENGTH = 300;
/** True when `url` is an https address on a host name (HTTPS_ORIGIN); false for anything else. */
function isOnHostName(url: string): boolean {
  try {
    return HTTPS_ORIGIN.test(new URL(url).origin);
  } catch {
    return false;
  }
}
/** One line of text: no control characters (a new line would break the pages' headings). */
const ONE_LINE = /^[^\p{Cc}\u2028\u2029]*$/u;
const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9-]+$/;
/** Graviton families (c7g, m6gd, t4g, …): arm64. */
const GRAVITON = /^[a-z]+\d+g[a-z]*\./;
/** Sizes below 4 vCPU: nano to large, and the burstable t families. */
const TOO_SMALL = /^(t\d[a-z]*\.|[a-z0-9-]+\.(nano|micro|small|medium|large)$)/;

/**
 * The x86_64 instance types the recorder may use: general-purpose, compute- and memory-optimised
 * families with at least 4 vCPU and 8 GiB from xlarge up (test/config/regions.test.ts checks each one
 * against the AWS SDK's list of EC2 instance types and cfn-lint's).
 */
export const RECORDER_FAMILIES = [
  'c5',
  'c5a',
  'c5n',
  'c6a',
  'c6i',
  'c6in',
  'c7a',
  'c7i',
  'c7i-flex',
  'm5',
  'm5a',
  'm5n',
  'm6a',
  'm6i',
  'm6in',
  'm7a',
  'm7i',
  'm7i-flex',
  'r5',
  'r5a',
  'r6a',
  'r6i',
  'r7a',
  'r7i',
] as const;
export const RECORDER_SIZES = ['xlarge', '2xlarge', '4xlarge'] as const;

/** Why an instance type cannot run the recorder, or undefined when it can. */
export function recorderTypeProblem(type: string): string | undefined {
  if (!INSTANCE_TYPE.test(type)) return 'is not an EC2 instance type such as c6a.xlarge';
  if (GRAVITON.test(type)) return 'is an arm64 (Graviton) type; the recorder runs Google Chrome, published for x86_64 only';
  if (TOO_SMALL.test(type)) return 'is too small: Chrome and ffmpeg need at least 4 vCPU and 8 GiB';
  const [family, size] = type.split('.') as [string, string];
  if (!(RECORDER_FAMILIES as readonly string[]).includes(family) || !(RECORDER_SIZES as readonly string[]).includes(size)) {
    return `is not one of the recorder's x86_64 types (families ${RECORDER_FAMILIES.join(', ')}; sizes ${RECORDER_SIZES.join(', ')})`;
  }
  return undefined;
}
const HEX_COLOUR = /^#[0-9a-fA-F]{6}$/;

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
/**
 * The longest meeting host: the organizer page lives at `start.<domain>` (pageHost, src/auth/jitsi-settings.ts)
 * behind an ACM certificate, whose first domain name "cannot exceed 64 octets, including periods" (ACM API
 * reference, RequestCertificate DomainName). 64 - "start.".length = 58.
 */
export const MAX_DOMAIN_LENGTH = 64 - 'start.'.length;

/** The oldest release whose Jibri records on this platform: rootless, no added capability, fixed after stable-11146. */
export const RECORDER_MIN_TAG = 'stable-11146-1';

/** True when a pinned release's Jibri image can record here (stable-11146-1 or newer). */
export function recorderRelease(tag: string): boolean {
  const match = RELEASE_TAG_PATTERN.exec(tag);
  if (!match) return false;
  const number = Number(match[1]);
  const patch = match[2] ? Number(match[2].slice(1)) : 0;
  return number > 11146 || (number === 11146 && patch >= 1);
}

/** True when a pinned release's web image can run behind the direct mode's TLS sidecar and with branding. */
export function directIngressRelease(tag: string): boolean {
  return (parseRelease(tag)?.number ?? 0) >= DIRECT_INGRESS_MIN_RELEASE;
}

/**
 * How to fix each field, shown with every error on it. Keys are top-level (or dotted) field paths.
 */
export const FIELD_FIXES: Record<string, string> = {
  domain: `set "domain" to the meeting host name in lower case, at most ${MAX_DOMAIN_LENGTH} characters, e.g. "meet.example.org"; it must be inside hostedZone.name`,
  hostedZone: 'set "hostedZone" to { "id": "Z…", "name": "example.org" } from the Route 53 console',
  'hostedZone.id':
    'set "hostedZone.id" to the public hosted zone id from Route 53 (starts with Z, e.g. "Z0123456789ABCDEFGHIJ"; `aws route53 list-hosted-zones` shows it)',
  'hostedZone.name': 'set "hostedZone.name" to the zone\'s domain without a trailing dot, e.g. "example.org"',
  region: `set "region" to one of the regions the stack can be deployed to: ${SUPPORTED_REGION_LIST} (us-west-2 is the default; remove the field to use it)`,
  timeZone:
    'set "timeZone" to the IANA time zone your meetups are in, e.g. "Europe/Berlin" or "America/New_York" (`schedule add` and `report` read local times in it; --tz overrides)',
  account: 'set "account" to the 12-digit AWS account id, or remove it to deploy to the account of your SSO profile',
  size: `set "size" to one of ${SIZE_NAMES.join(', ')} (see the size table in docs/guide.md)`,
  bandwidth: `set "bandwidth" to one of ${BANDWIDTH_PRESETS.join(', ')} (talk is the default: the speaker or the slides large, one more video small; see docs/organizer-guide.md)`,
  architecture: 'set "architecture" to "arm64" (default, cheaper) or "x86_64"',
  jitsiRelease: `set "jitsiRelease" to a pinned docker-jitsi-meet tag such as "stable-11146-2" (never "stable", "latest" or "unstable"; stable-${DIRECT_INGRESS_MIN_RELEASE} or newer, or stable-${OLDEST_SUPPORTED_RELEASE} or newer with "ingress": "load-balancer" and no "branding")`,
  alertEmail: 'set "alertEmail" to the address that receives alerts, e.g. "ops@example.org"',
  monthlyBudgetUsd: 'set "monthlyBudgetUsd" to a positive number of US dollars, e.g. 30',
  logRetentionDays: `set "logRetentionDays" to one of ${LOG_RETENTION_DAYS.join(', ')}`,
  stackName:
    'set "stackName" to letters, digits and hyphens starting with a letter (max 128), or remove it to derive one from the domain',
  idleStopMinutes: 'set "idleStopMinutes" to a whole number of minutes from 5 to 240 (default 15)',
  startGraceMinutes: 'set "startGraceMinutes" to a whole number of minutes from 0 to 120 (default 20)',
  maxRuntimeHours: 'set "maxRuntimeHours" to a number of hours from 1 to 24 (default 4)',
  ingress:
    'set "ingress" to "direct" (default: no load balancer, about $1.70/month idle) or "load-balancer" (TLS 443 on a Network Load Balancer, about $23/month idle)',
  $schema: 'set "$schema" to the path of meet.config.schema.json, e.g. "./meet.config.schema.json", or remove it',
  signIn:
    'set "signIn" to an object with "allow" and "google" and/or "oidc", e.g. { "allow": ["@example.org"], "google": { … } }, or remove it',
  'signIn.allow':
    'list the addresses ("ana@example.org") or whole domains ("@example.org") that may sign in through Google or OIDC',
  'signIn.google':
    'set "signIn.google" to { "clientId": "…apps.googleusercontent.com", "clientSecretArn": "arn:aws:secretsmanager:…" } (the client secret stays in Secrets Manager)',
  'signIn.oidc':
    'set each "signIn.oidc" entry to { "name": "Keycloak", "issuerUrl": "https://…", "clientId": "…", "clientSecretArn": "arn:aws:secretsmanager:…" }',
  auth: 'set "auth" to "members" (default: only members, or a host link, open rooms; guests wait for them) or "open" (anyone with the link opens rooms)',
  branding: `set "branding" to an object with any of appName, logoUrl, websiteUrl, primaryColor, backgroundColor and welcomeText (with "jitsiRelease" stable-${DIRECT_INGRESS_MIN_RELEASE} or newer), or remove it`,
  embedOrigins:
    'set "embedOrigins" to the https:// origins of the websites that show the meeting in a frame, e.g. ["https://example.org"] (no path), or remove it',
  'branding.appName': 'set "branding.appName" to the name people see, 1 to 40 characters on one line, e.g. "AWS User Group Meet"',
  'branding.logoUrl': `set "branding.logoUrl" to an https:// address of a PNG or SVG logo of at most ${BRANDING_URL_MAX_LENGTH} characters on a host name, e.g. on the group's website, or remove it`,
  'branding.websiteUrl': `set "branding.websiteUrl" to the https:// address the logo links to, at most ${BRANDING_URL_MAX_LENGTH} characters, or remove it`,
  'branding.primaryColor': 'set "branding.primaryColor" to a colour as #rrggbb, e.g. "#ff9900"',
  'branding.backgroundColor': 'set "branding.backgroundColor" to a colour as #rrggbb, e.g. "#232f3e"',
  'branding.welcomeText':
    'set "branding.welcomeText" to one line of at most 200 characters, e.g. "Monthly meetups of the Portland AWS User Group"',
  recording:
    'set "recording" to an object, e.g. { "enabled": true } for server-side recording (a bare true or false is not one), or remove it',
  'recording.enabled': 'set "recording.enabled" to true (a recorder starts with `meetctl start --record`) or false (default)',
  'recording.instanceType':
    'set "recording.instanceType" to an x86_64 EC2 instance type with at least 4 vCPU and 8 GiB, e.g. "c6a.xlarge" (default), "c6i.xlarge" or "m6a.xlarge", or remove it',
  'recording.maxHours': 'set "recording.maxHours" to a whole number of hours from 1 to 12 (default 4)',
  'recording.local':
    'set "recording.local" to { "enabled": true, "notifyAllParticipants": true, "selfRecording": true } (each optional)',
  secretStore:
    'set "secretStore" to "secrets-manager" (default: one secret per trust boundary, $0.40 a month each) or "parameter-store" (SSM SecureString parameters, standard tier: no monthly charge)',
  rotateSecretsMonthly:
    'set "rotateSecretsMonthly" to true (a monthly rotation while stopped) or false (default; `meetctl rotate-secrets` by hand)',
  acmeDirectoryUrl:
    'set "acmeDirectoryUrl" to an https:// ACME directory URL, e.g. Let\'s Encrypt staging "https://acme-staging-v02.api.letsencrypt.org/directory", or remove it to use Let\'s Encrypt (it is read only with "ingress": "direct")',
};

export const configSchema = z
  .object({
    $schema: z.string().optional().describe('Path or URL of this JSON Schema, for editors.'),
    domain: z
      .string()
      .regex(HOSTNAME, 'is not a lower-case host name')
      .max(
        MAX_DOMAIN_LENGTH,
        `is longer than ${MAX_DOMAIN_LENGTH} characters: the organizer page's start.<domain> must fit a certificate's 64-character limit`,
      )
      .describe('Host name people open, e.g. meet.example.org. A record in hostedZone is created for it.'),
    hostedZone: z
      .object({
        id: z
          .string()
          .regex(/^Z[A-Z0-9]{1,32}$/, 'is not a Route 53 hosted zone id')
          .describe('Route 53 public hosted zone id, e.g. Z0123456789ABCDEFGHIJ.'),
        name: z
          .string()
          .regex(HOSTNAME, 'is not a lower-case domain name')
          .describe('Domain of the hosted zone, e.g. example.org.'),
      })
      .strict()
      .describe('The public Route 53 hosted zone that holds the domain. Ids come from config: no lookups.'),
    region: z
      .string('is not a string')
      // Editors offer the regions; the check below says why another one cannot be used.
      .meta({ enum: [...SUPPORTED_REGIONS] })
      .superRefine((region, ctx) => {
        const problem = regionProblem(region);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .default('us-west-2')
      .describe(
        `AWS region, one of those where every service of the stack exists: ${SUPPORTED_REGION_LIST}. Prices in \`meetctl plan\` are us-west-2 list prices.`,
      ),
    timeZone: z
      .string('is not a string')
      .refine((tz) => canonicalTimeZone(tz) !== undefined, 'is not an IANA time zone')
      .transform((tz) => canonicalTimeZone(tz) as string)
      .optional()
      .describe(
        'IANA time zone of your meetups, e.g. Europe/Berlin: `schedule add --at` and `report` read and show local times in it (--tz overrides).',
      ),
    account: z
      .string()
      .regex(/^\d{12}$/, 'is not a 12-digit account id')
      .optional()
      .describe('AWS account id to pin the stack to (optional).'),
    size: z
      .enum(SIZE_NAMES)
      .default('medium')
      .describe(
        'Task size preset: small (2 vCPU, 4 GiB, ~20 people), medium (4 vCPU, 8 GiB, ~50), large (8 vCPU, 16 GiB, ~100).',
      ),
    bandwidth: z
      .enum(BANDWIDTH_PRESETS)
      .default(DEFAULT_BANDWIDTH_PRESET)
      .describe(
        'What video people receive, which decides the data transfer AWS bills. talk (default): the speaker or the slides large, one more video small, everyone else as a picture. discussion: up to six faces in tiles. low-bandwidth: one video at a time at 360p, cameras off on joining.',
      ),
    architecture: z
      .enum(['arm64', 'x86_64'])
      .default('arm64')
      .describe('CPU architecture of the Fargate task. The pinned images are multi-arch; arm64 is ~20% cheaper.'),
    jitsiRelease: z
      .string()
      .regex(RELEASE_TAG_PATTERN, { message: 'is not a pinned stable release tag', abort: true })
      .refine((tag) => (parseRelease(tag)?.number ?? 0) >= OLDEST_SUPPORTED_RELEASE, {
        message: `is older than stable-${OLDEST_SUPPORTED_RELEASE}, the oldest release this project supports`,
      })
      .describe('docker-jitsi-meet release tag that pins every image, e.g. stable-11146-2.'),
    alertEmail: z.email('is not an e-mail address').describe('E-mail address for alerts (failed starts, budget).'),
    monthlyBudgetUsd: z
      .number('is not a number')
      .positive('must be greater than 0')
      .max(100_000, 'is unreasonably large (over 100000)')
      .describe('Monthly AWS budget in US dollars; alerts fire as spending approaches it.'),
    logRetentionDays: z
      .union(
        LOG_RETENTION_DAYS.map((d) => z.literal(d)),
        'is not a retention CloudWatch Logs accepts',
      )
      .default(DEFAULT_LOG_RETENTION_DAYS)
      .describe('Days the container logs are kept.'),
    stackName: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, 'is not a valid CloudFormation stack name')
      .optional()
      .describe('CloudFormation stack name; derived from the domain when absent.'),
    idleStopMinutes: z
      .number('is not a number')
      .int('must be a whole number')
      .min(5, 'must be at least 5')
      .max(240, 'must be at most 240')
      .default(15)
      .describe('Stop automatically after this many minutes with nobody in a call.'),
    startGraceMinutes: z
      .number('is not a number')
      .int('must be a whole number')
      .min(0, 'must be at least 0')
      .max(120, 'must be at most 120')
      .default(20)
      .describe('Minutes after a start during which the idle stop waits for the first people.'),
    maxRuntimeHours: z
      .number('is not a number')
      .min(1, 'must be at least 1')
      .max(24, 'must be at most 24')
      .default(4)
      .describe('The runtime guard stops a task running longer than this outside a scheduled window, and alerts.'),
    ingress: z
      .enum(INGRESS_MODES)
      .default('direct')
      .describe(
        "How browsers reach the server. direct (default): the task terminates TLS itself with a Let's Encrypt certificate and DNS follows it; nothing is billed by the hour while stopped. load-balancer: a Network Load Balancer with an ACM certificate terminates TLS 443 (about $23/month even while stopped; power-down removes it). Media goes straight to the task in both.",
      ),
    auth: z
      .enum(['members', 'open'])
      .default('members')
      .describe(
        'Who may open rooms. members (default): Jitsi token authentication; a member (or someone with a host link from `meetctl link`) opens a room, guests can join only once a member is in it. open: anyone who has the link.',
      ),
    signIn: z
      .object({
        allow: z
          .array(z.string().regex(/^(@|[^\s@]+@)[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,63}$/i, 'is not an e-mail address or @domain'))
          .default([])
          .describe('Who may sign in through Google or OIDC: addresses, or @domain for everyone at a domain.'),
        google: z
          .object({
            clientId: z.string().min(1, 'is empty'),
            clientSecretArn: z.string().regex(SECRET_ARN, 'is not a Secrets Manager secret ARN'),
          })
          .strict()
          .optional()
          .describe('Sign in with Google (an OAuth client of your Google Cloud project).'),
        oidc: z
          .array(
            z
              .object({
                // Cognito's ProviderName takes 3 to 32 characters (CDK's UserPoolIdentityProviderOidc checks it at synth).
                name: z.string().regex(/^[A-Za-z0-9_-]{3,32}$/, 'is not 3-32 letters, digits, - or _'),
                issuerUrl: z.url({ protocol: /^https$/, error: 'is not an https:// URL' }),
                clientId: z.string().min(1, 'is empty'),
                clientSecretArn: z.string().regex(SECRET_ARN, 'is not a Secrets Manager secret ARN'),
              })
              .strict(),
          )
          .default([])
          .describe('Any OpenID Connect provider (GitHub is not one: see docs/guide.md).'),
      })
      .strict()
      .refine((s) => (!s.google && s.oidc.length === 0) || s.allow.length > 0, {
        path: ['allow'],
        message: 'is empty, so nobody could sign in through the providers; list addresses or @domains',
      })
      .optional()
      .describe('Members-only meetings: optional federated sign-in. Members created with `meetctl users add` need none of it.'),
    branding: z
      .object({
        appName: z
          .string()
          .trim()
          .min(1, 'is empty')
          .max(40, 'is longer than 40 characters')
          .regex(ONE_LINE, 'is not one line of text')
          .optional()
          .describe('Name in the browser tab and on the welcome, organizer and asleep pages (Jitsi: APP_NAME).'),
        logoUrl: z
          .url({ protocol: /^https$/, error: 'is not an https:// URL', abort: true })
          // The TLS sidecar's nginx reads its waking page, logo address included, as one string of
          // at most 4094 bytes (NGINX_MAX_QUOTED_BYTES): 300 characters leave room for every name.
          .max(BRANDING_URL_MAX_LENGTH, `is longer than ${BRANDING_URL_MAX_LENGTH} characters`)
          // The pages' CSP names the logo's origin as a source: a host name, which nginx also reads as it is.
          .refine(isOnHostName, 'is not on a host name (letters, digits, dots, hyphens)')
          .optional()
          .describe('https:// address of the logo shown in meetings and on the pages (Jitsi: logoImageUrl).'),
        websiteUrl: z
          .url({ protocol: /^https$/, error: 'is not an https:// URL', abort: true })
          .max(BRANDING_URL_MAX_LENGTH, `is longer than ${BRANDING_URL_MAX_LENGTH} characters`)
          .optional()
          .describe("Where the logo links to, e.g. the group's website (Jitsi: logoClickUrl)."),
        primaryColor: z
          .string()
          .regex(HEX_COLOUR, 'is not a colour as #rrggbb')
          .optional()
          .describe('Colour of the main buttons, #rrggbb (Jitsi: customTheme palette action01).'),
        backgroundColor: z
          .string()
          .regex(HEX_COLOUR, 'is not a colour as #rrggbb')
          .optional()
          .describe('Background behind the video and of the pre-join screen, #rrggbb (Jitsi: backgroundColor).'),
        welcomeText: z
          .string()
          .trim()
          .min(1, 'is empty')
          .max(200, 'is longer than 200 characters')
          .regex(ONE_LINE, 'is not one line of text')
          .optional()
          .describe("One line under the name on Jitsi's welcome page and on the organizer page."),
      })
      .strict()
      .optional()
      .describe(
        "The group's branding, applied to the Jitsi web client (no image is built) and to the organizer and asleep pages. Every field is optional.",
      ),
    embedOrigins: z
      .array(
        z
          .string()
          .regex(
            HTTPS_ORIGIN,
            'is not an https:// origin (scheme and host, an optional port, no path), e.g. "https://example.org"',
          ),
      )
      .max(10, 'lists more than 10 sites')
      .default([])
      .describe(
        "Websites allowed to show the meeting in a frame (the Content-Security-Policy's frame-ancestors on the meeting host). None by default: nobody can frame it (clickjacking).",
      ),
    recording: z
      .object({
        enabled: z
          .boolean('is not true or false')
          .default(false)
          .describe('Server-side recording with Jibri on an EC2 instance that exists only while a meeting records.'),
        instanceType: z
          .string('is not a string')
          .meta({ enum: RECORDER_FAMILIES.flatMap((family) => RECORDER_SIZES.map((size) => `${family}.${size}`)) })
          .superRefine((type, ctx) => {
            const problem = recorderTypeProblem(type);
            if (problem) ctx.addIssue({ code: 'custom', message: problem });
          })
          .default('c6a.xlarge')
          .describe('x86_64 instance type of the recorder (4 vCPU and 8 GiB records 720p at 30 fps).'),
        maxHours: z
          .number('is not a number')
          .int('must be a whole number')
          .min(1, 'must be at least 1')
          .max(12, 'must be at most 12')
          .default(4)
          .describe('Longest recording; Jibri stops a session after this long, and the runtime guard stops the recorder.'),
        local: z
          .object({
            enabled: z
              .boolean('is not true or false')
              .default(false)
              .describe(
                "The browser's own local recording (desktop Chromium). Off by default: when on, Jitsi shows the Record button to everyone in the call, guests included, whatever their token says.",
              ),
            notifyAllParticipants: z
              .boolean('is not true or false')
              .default(true)
              .describe('Tell everyone in the call when someone records locally.'),
            selfRecording: z
              .boolean('is not true or false')
              .default(true)
              .describe('Allow recording only your own camera and microphone.'),
          })
          .strict()
          .prefault({})
          .describe(
            "Local recording in the browser: nothing runs on the server, the file stays on the recording person's computer.",
          ),
      })
      .strict()
      .prefault({})
      .describe('Recording meetings: on the server to S3 (recording.enabled), and in the browser (recording.local).'),
    secretStore: z
      .enum(SECRET_STORES)
      .default('secrets-manager')
      .describe(
        "Where the generated passwords, the Jitsi token secret and the direct mode's certificate are kept, one store entry per trust boundary. secrets-manager (default): one Secrets Manager secret each ($0.40 a month per secret). parameter-store: SSM SecureString parameters of the standard tier under /<stackName>/, encrypted with the AWS-managed key aws/ssm (no monthly charge); the same per-component access and rotation.",
      ),
    rotateSecretsMonthly: z
      .boolean('is not true or false')
      .default(false)
      .describe(
        'Rotate the internal passwords and the Jitsi token secret on the 1st of each month at 09:00 UTC, if the platform is stopped then (`meetctl rotate-secrets` does it by hand).',
      ),
    acmeDirectoryUrl: z
      .url({ protocol: /^https$/, error: 'is not an https:// URL' })
      .optional()
      .describe(
        "ACME directory the direct mode's certificate comes from (default: Let's Encrypt production). Only read when ingress is direct.",
      ),
  })
  .strict()
  .refine((config) => !config.recording?.enabled || !config.jitsiRelease || recorderRelease(config.jitsiRelease), {
    path: ['recording', 'enabled'],
    message: `needs "jitsiRelease" ${RECORDER_MIN_TAG} or newer (Jibri was broken at stable-11146, and older images need SYS_ADMIN)`,
    when: (payload) => !payload.issues.some((issue) => issue.path?.[0] === 'jitsiRelease'),
  })
  .refine((config) => config.acmeDirectoryUrl === undefined || config.ingress !== 'load-balancer', {
    path: ['acmeDirectoryUrl'],
    message:
      'is only read with "ingress": "direct"; with the load balancer the certificate comes from ACM, so this would be ignored',
    when: (payload) => !payload.issues.some((issue) => issue.path?.[0] === 'acmeDirectoryUrl' || issue.path?.[0] === 'ingress'),
  })
  .refine((config) => config.ingress !== 'direct' || directIngressRelease(config.jitsiRelease), {
    path: ['jitsiRelease'],
    message: `is older than stable-${DIRECT_INGRESS_MIN_RELEASE}, the oldest release the direct ingress (the default) can run: its web image binds port 80 itself, which the task's TLS proxy needs`,
    when: (payload) => !payload.issues.some((issue) => issue.path?.[0] === 'jitsiRelease' || issue.path?.[0] === 'ingress'),
  })
  .refine((config) => !config.branding || directIngressRelease(config.jitsiRelease), {
    path: ['branding'],
    message: `needs "jitsiRelease" stable-${DIRECT_INGRESS_MIN_RELEASE} or newer: older web images write their config into /config, which the branding files make read-only`,
    when: (payload) => !payload.issues.some((issue) => issue.path?.[0] === 'jitsiRelease' || issue.path?.[0] === 'branding'),
  })
  .refine(
    (config) => {
      const zone = config.hostedZone?.name;
      return !zone || !config.domain || config.domain === zone || config.domain.endsWith(`.${zone}`);
    },
    {
      path: ['domain'],
      message: 'is not inside hostedZone.name',
      // Report it together with errors in other fields, but not on top of a bad domain or zone.
      when: (payload) =>
        !payload.issues.some((issue) => issue.path?.[0] === 'domain' || issue.path?.[0] === 'hostedZone') &&
        typeof (payload.value as { domain?: unknown } | undefined)?.domain === 'string',
    },
  );

/** The configuration as written in `meet.config.json` (defaults optional). */
export type ConfigInput = z.input<typeof configSchema>;
/** The configuration after validation, with defaults filled in. */
export type ParsedConfig = z.output<typeof configSchema>;

/** Validated configuration with the derived values every consumer needs. */
export interface MeetConfig extends ParsedConfig {
  readonly stackName: string;
}

/** Stack name derived from the domain: `meet.example.org` → `Meet-meet-example-org`. */
export function defaultStackName(domain: string): string {
  return `Meet-${domain.replace(/\./g, '-')}`.slice(0, 128);
}

/** JSON Schema (draft 2020-12) of the config file, for editors and `meetctl config schema`. */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(configSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
}
