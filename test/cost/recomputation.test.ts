import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { cli, communityConfig } from '../support/cli.js';

/**
 * `meetctl plan --json` checked against a recomputation from AWS's public list prices. Nothing here
 * comes from src/cost: the prices are written below with the page each comes from, the quantities
 * come from the config and from the synthesized template (the plan's resource inventory), and the
 * usage assumptions are pinned. A price changed in src/cost/prices.ts without this table, or a
 * resource added to the stack (an alarm, a secret) without the cost model following, fails here.
 */

interface PublicPrices {
  /** https://aws.amazon.com/fargate/pricing/ (Linux; x86 and ARM), per vCPU-hour and GB-hour. */
  readonly fargate: Record<'x86_64' | 'arm64', { readonly vcpuHour: number; readonly gbHour: number }>;
  /** https://aws.amazon.com/vpc/pricing/ (Public IPv4 Address tab): every public IPv4 address, per hour. */
  readonly publicIpv4Hour: number;
  /** https://aws.amazon.com/elasticloadbalancing/pricing/ (Network Load Balancer): hour, NLCU-hour, GB processed per NLCU. */
  readonly nlb: { readonly hour: number; readonly nlcuHour: number; readonly gbPerNlcu: number };
  /**
   * https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer: internet egress after the first
   * 100 GB a month (aggregated across services), and data "in" to and "out" from a public IPv4
   * address within the region, $0.01/GB in each direction.
   */
  readonly internetGb: number;
  readonly freeInternetGbMonth: number;
  readonly publicIpv4TransferGb: number;
  /**
   * https://aws.amazon.com/cloudwatch/pricing/: logs ingestion per GB and storage per GB-month; alarms,
   * custom metrics; free tier 10 alarms, 10 metrics.
   */
  readonly logsIngestGb: number;
  readonly logsStorageGbMonth: number;
  readonly alarmMonth: number;
  readonly metricMonth: number;
  readonly freeAlarms: number;
  readonly freeMetrics: number;
  /** https://aws.amazon.com/secrets-manager/pricing/: per secret-month. */
  readonly secretMonth: number;
  /** https://aws.amazon.com/route53/pricing/: hosted zone, per month (first 25). */
  readonly zoneMonth: number;
  /** https://aws.amazon.com/s3/pricing/: S3 Standard, first 50 TB, per GB-month. */
  readonly s3StandardGbMonth: number;
  /** https://aws.amazon.com/ebs/pricing/: gp3 per GB-month. */
  readonly gp3GbMonth: number;
  /** https://aws.amazon.com/ec2/pricing/on-demand/: Linux on-demand per hour. */
  readonly ec2Hour: Readonly<Record<string, number>>;
  /**
   * https://aws.amazon.com/cognito/pricing/: users federated through SAML or OIDC are free up to 50
   * MAUs a month per account (the direct and social ones up to 10,000), then Essentials' $0.015 each.
   */
  readonly federatedFreeMau: number;
  readonly mau: number;
}

/**
 * List prices of us-west-2 (US West, Oregon) and us-east-1 (US East, N. Virginia), read from the pages
 * above (and the price summaries in /work/shared/research/scale-to-zero-anchors.md §3.5).
 */
const US_WEST_2: PublicPrices = {
  fargate: { x86_64: { vcpuHour: 0.04048, gbHour: 0.004445 }, arm64: { vcpuHour: 0.03238, gbHour: 0.00356 } },
  publicIpv4Hour: 0.005,
  nlb: { hour: 0.0225, nlcuHour: 0.006, gbPerNlcu: 1 },
  internetGb: 0.09,
  freeInternetGbMonth: 100,
  publicIpv4TransferGb: 0.01,
  logsIngestGb: 0.5,
  logsStorageGbMonth: 0.03,
  alarmMonth: 0.1,
  metricMonth: 0.3,
  freeAlarms: 10,
  freeMetrics: 10,
  secretMonth: 0.4,
  zoneMonth: 0.5,
  s3StandardGbMonth: 0.023,
  gp3GbMonth: 0.08,
  ec2Hour: { 'c6a.xlarge': 0.153, 'm6i.xlarge': 0.192 },
  federatedFreeMau: 50,
  mau: 0.015,
};
/** us-east-1's list price for every item above is us-west-2's (the same pages with that region chosen). */
const US_EAST_1: PublicPrices = { ...US_WEST_2 };
const PUBLIC_PRICES: Record<string, PublicPrices> = { 'us-west-2': US_WEST_2, 'us-east-1': US_EAST_1 };
/**
 * The region whose prices a plan uses: its own, or us-west-2's for a region without a table here
 * (src/cost/prices.ts has none for it either; `plan` then says so in a note).
 */
const pricedAs = (region: string) => (region in PUBLIC_PRICES ? region : 'us-west-2');

type Preset = 'talk' | 'discussion' | 'low-bandwidth';
/** kbit/s received for an hour, in decimal GB (what AWS bills). */
const gbHour = (kbps: number) => (kbps * 1000 * 3600) / 8 / 1e9;
/** Audio of one speaker heard: Opus at `opus` kbit/s plus 50 packets/s × 66 B of RTP/SRTP/UDP/IPv4 headers. */
const speaker = (opus: number) => opus + (50 * 66 * 8) / 1000;
/**
 * What one person receives an hour under each bandwidth preset, and what the recorder receives,
 * pinned here from the caps the presets write (src/config/bandwidth.ts: talk high 450, low 100,
 * ssHigh 400; discussion low 150, high 800, ssHigh 800, last-N 6; low-bandwidth standard 200, ssHigh
 * 300, Opus 24 kbit/s; kbit/s, each under the stock caps of lib-jitsi-meet tag jitsi-meet_11146,
 * service/RTC/StandardVideoQualitySettings.ts, which the pinned web image bundles), video × 1.1 for
 * headers and retransmissions, the dearest situation of each preset:
 * - talk: the camera on stage at high plus one video at low, 1.5 speakers heard at 32 kbit/s;
 * - discussion: six tiles at low, 2 speakers; the recorder keeps stage view (jitsi-meet's
 *   shouldDisplayTileView returns false for iAmRecorder): the stage at high plus five at low;
 * - low-bandwidth: a screen share at ssHigh, 1.5 speakers at 24 kbit/s.
 * Under talk and low-bandwidth the recorder receives what a participant does.
 */
const TRAFFIC: Record<Preset, { readonly participant: number; readonly recorder: number }> = {
  talk: {
    participant: gbHour((450 + 100) * 1.1 + 1.5 * speaker(32)),
    recorder: gbHour((450 + 100) * 1.1 + 1.5 * speaker(32)),
  },
  discussion: {
    participant: gbHour(6 * 150 * 1.1 + 2 * speaker(32)),
    recorder: gbHour((800 + 5 * 150) * 1.1 + 2 * speaker(32)),
  },
  'low-bandwidth': {
    participant: gbHour(300 * 1.1 + 1.5 * speaker(24)),
    recorder: gbHour(300 * 1.1 + 1.5 * speaker(24)),
  },
};

/** The usage the plan states it assumes under a preset (pinned, so a changed assumption shows here too). */
const usage = (bandwidth: Preset) => ({
  averageParticipants: 15,
  bandwidth,
  egressGbPerParticipantHour: TRAFFIC[bandwidth].participant,
  recorderGbPerHour: TRAFFIC[bandwidth].recorder,
  processedGbPerParticipantHour: 0.02,
  recordingsGb: 10,
  logsGbPerRunningHour: 0.02,
  loadBalancerAddresses: 2,
  guardInvocationsMonth: 8928,
  guardSeconds: 1,
  guardLogBytesPerRun: 700,
  dashboardFree: true,
  cloudWatchFreeTier: true,
  newRecordingsGbMonth: 5,
  federatedMonthlyUsers: 30,
});
const HOURS = 744;
/** The five metrics from the stats lines (test/infra/monitoring.test.ts ties them to the template). */
const METRICS = 5;
/** The recorder's root volume: src/infra/constructs/recorder.ts's block device (GiB). */
const RECORDER_VOLUME_GB = 40;
/** Days a deleted recording stays as a noncurrent version (the bucket's noncurrent-version expiry). */
const NONCURRENT_DAYS = 30;
/** Days the containers' logs are kept unless the config says (its `logRetentionDays` default). */
const LOG_RETENTION_DEFAULT = 30;
/** Days the runtime guard's log group keeps its lines (test/cost/idle-resources.test.ts reads it from the template). */
const GUARD_LOG_DAYS = 90;

interface Config {
  readonly region: string;
  readonly size: 'small' | 'medium' | 'large';
  readonly architecture: 'arm64' | 'x86_64';
  readonly ingress: 'direct' | 'load-balancer';
  readonly bandwidth?: Preset;
  readonly logRetentionDays?: 7 | 30 | 90;
  readonly auth?: 'members' | 'open';
  readonly recording?: { readonly enabled: boolean; readonly instanceType: string };
  readonly signIn?: { readonly allow: string[]; readonly google?: object; readonly oidc?: readonly { readonly name: string }[] };
}

interface PlanJson {
  readonly size: { readonly vcpu: number; readonly memoryMiB: number };
  readonly resources: { readonly groups: { readonly resources: { readonly type: string; readonly count: number }[] }[] };
  readonly cost: {
    readonly region: string;
    readonly assumptions: unknown;
    readonly rates: { readonly item: string; readonly usd: number; readonly note: string; readonly sources: string[] }[];
    readonly runningHourUsd: number;
    readonly recordingHourUsd?: number;
    readonly idleHourUsd: { readonly stopped: number; readonly 'powered-down': number };
    readonly fixedMonthlyUsd: number;
    readonly scenarios: {
      readonly hours: number;
      readonly byTier: { readonly stopped: number; readonly 'powered-down': number };
    }[];
    readonly meetupVideo: unknown;
  };
}

const count = (plan: PlanJson, type: string) =>
  plan.resources.groups.flatMap((g) => g.resources).reduce((sum, r) => sum + (r.type === type ? r.count : 0), 0);

/** The figures the plan should give, from the public prices and the quantities. */
function recompute(config: Config, plan: PlanJson) {
  const p = PUBLIC_PRICES[pricedAs(config.region)] as PublicPrices;
  const u = usage(config.bandwidth ?? 'talk');
  const balanced = count(plan, 'AWS::ElasticLoadBalancingV2::LoadBalancer') > 0;
  expect(balanced).toBe(config.ingress === 'load-balancer');
  const alarms = count(plan, 'AWS::CloudWatch::Alarm');
  const secrets =
    count(plan, 'AWS::SecretsManager::Secret') + (config.signIn?.google ? 1 : 0) + (config.signIn?.oidc?.length ?? 0);
  const recording = config.recording?.enabled === true;
  const fargate = p.fargate[config.architecture];
  const task = plan.size.vcpu * fargate.vcpuHour + (plan.size.memoryMiB / 1024) * fargate.gbHour;
  const lbIdle = balanced ? p.nlb.hour + u.loadBalancerAddresses * p.publicIpv4Hour : 0;
  const nlcu = balanced ? ((u.averageParticipants * u.processedGbPerParticipantHour) / p.nlb.gbPerNlcu) * p.nlb.nlcuHour : 0;
  const metrics = METRICS <= p.freeMetrics ? 0 : (METRICS * p.metricMonth) / HOURS;
  const egressGbHour = u.averageParticipants * u.egressGbPerParticipantHour;
  // Each running hour's logs are ingested, then stored for the retention (GB-months over a 31-day month).
  const logsKept = u.logsGbPerRunningHour * ((config.logRetentionDays ?? LOG_RETENTION_DEFAULT) / (HOURS / 24));
  const logs = u.logsGbPerRunningHour * p.logsIngestGb + logsKept * p.logsStorageGbMonth;
  const runningBeforeEgress = task + p.publicIpv4Hour + lbIdle + nlcu + logs + metrics;
  // The guard's lines of every round, ingested and kept GUARD_LOG_DAYS.
  const guardLogGb = (u.guardInvocationsMonth * u.guardLogBytesPerRun) / 1e9;
  const guardLogs = guardLogGb * p.logsIngestGb + guardLogGb * (GUARD_LOG_DAYS / (HOURS / 24)) * p.logsStorageGbMonth;
  const federated = (config.signIn?.oidc?.length ?? 0) > 0 ? u.federatedMonthlyUsers : 0;
  const fixed =
    secrets * p.secretMonth +
    p.zoneMonth +
    u.recordingsGb * p.s3StandardGbMonth +
    guardLogs +
    (alarms <= p.freeAlarms ? 0 : alarms * p.alarmMonth) +
    (config.auth !== 'open' ? Math.max(0, federated - p.federatedFreeMau) * p.mau : 0) +
    (recording ? ((u.newRecordingsGbMonth * NONCURRENT_DAYS) / (HOURS / 24)) * p.s3StandardGbMonth : 0);
  const recorderHour = recording
    ? (p.ec2Hour[config.recording?.instanceType ?? ''] as number) +
      p.publicIpv4Hour +
      (RECORDER_VOLUME_GB * p.gp3GbMonth) / HOURS +
      u.recorderGbPerHour * 2 * p.publicIpv4TransferGb
    : undefined;
  const month = (hours: number, idleHour: number) =>
    fixed +
    hours * runningBeforeEgress +
    Math.max(0, egressGbHour * hours + (recording ? u.newRecordingsGbMonth : 0) - p.freeInternetGbMonth) * p.internetGb +
    (HOURS - hours) * idleHour;
  return { alarms, secrets, runningHour: runningBeforeEgress + egressGbHour * p.internetGb, lbIdle, fixed, recorderHour, month };
}

const CASES: Record<string, Config> = {
  'us-west-2, the shipped example (direct, medium arm64, members-only)': {
    region: 'us-west-2',
    size: 'medium',
    architecture: 'arm64',
    ingress: 'direct',
  },
  'us-west-2, low-bandwidth preset, direct, medium arm64, logs kept 90 days': {
    region: 'us-west-2',
    size: 'medium',
    architecture: 'arm64',
    ingress: 'direct',
    bandwidth: 'low-bandwidth',
    logRetentionDays: 90,
  },
  'us-west-2, discussion preset, small, load balancer, recording on c6a.xlarge, open rooms': {
    region: 'us-west-2',
    size: 'small',
    architecture: 'arm64',
    ingress: 'load-balancer',
    bandwidth: 'discussion',
    auth: 'open',
    recording: { enabled: true, instanceType: 'c6a.xlarge' },
  },
  // A region without a price table: priced with us-west-2's list prices (the plan says so, below).
  'eu-central-1, no price table of its own, direct, small arm64, logs kept 7 days': {
    region: 'eu-central-1',
    size: 'small',
    architecture: 'arm64',
    ingress: 'direct',
    logRetentionDays: 7,
  },
  'us-east-1, large x86, load balancer, recording on m6i.xlarge, Google and OIDC sign-in': {
    region: 'us-east-1',
    size: 'large',
    architecture: 'x86_64',
    ingress: 'load-balancer',
    recording: { enabled: true, instanceType: 'm6i.xlarge' },
    signIn: {
      allow: ['@ne3d.org'],
      google: {
        clientId: 'client.apps.googleusercontent.com',
        clientSecretArn: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:meet-google-AbCdEf',
      },
      oidc: [
        {
          name: 'Keycloak',
          issuerUrl: 'https://id.ne3d.org/realms/ne3d',
          clientId: 'meet',
          clientSecretArn: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:meet-keycloak-AbCdEf',
        } as { name: string },
      ],
    },
  },
};

const pricesOf = (config: Config) => PUBLIC_PRICES[pricedAs(config.region)] as PublicPrices;
const TIME_ZONES: Record<string, string> = { 'us-east-1': 'America/New_York', 'eu-central-1': 'Europe/Berlin' };

/** Cents, as the plan rounds its monthly figures. */
const cents = (usd: number) => Math.round(usd * 100) / 100;

describe('plan against a recomputation from the public price lists', () => {
  for (const [name, config] of Object.entries(CASES)) {
    it(name, async () => {
      const timeZone = TIME_ZONES[config.region] ? { timeZone: TIME_ZONES[config.region] } : {};
      const result = await cli(['plan', '--json'], {
        files: { 'meet.config.json': communityConfig({ ...config, ...timeZone }) },
      });
      expect(result.code, result.stderr).toBe(ExitCode.ok);
      const plan = JSON.parse(result.stdout) as PlanJson;
      const { cost } = plan;
      expect(cost.region).toBe(pricedAs(config.region));
      const assumed = usage(config.bandwidth ?? 'talk');
      expect(cost.assumptions).toEqual({
        ...assumed,
        egressGbPerParticipantHour: expect.closeTo(assumed.egressGbPerParticipantHour, 10),
        recorderGbPerHour: expect.closeTo(assumed.recorderGbPerHour, 10),
      });
      const expected = recompute(config, plan);

      // The quantities the model prices are the template's: its alarms and secrets (plus the sign-in
      // providers' client secrets, which you create), each line saying how many.
      const line = (item: RegExp) => cost.rates.find((r) => item.test(r.item));
      const alarmsInNotes =
        Number(/(\d+) alarms/.exec(line(/^Dashboard and meeting alarms/)?.note ?? '')?.[1]) +
        (line(/^Automation/)?.note.includes('idle alarm') ? 1 : 0);
      expect(alarmsInNotes).toBe(expected.alarms);
      expect(line(/^Secrets Manager/)?.item).toBe(
        expected.secrets === 1 ? 'Secrets Manager secret' : `Secrets Manager secrets (${expected.secrets})`,
      );
      expect(line(/^Meeting metrics/)?.note).toContain(`${METRICS} metrics`);

      expect(cost.runningHourUsd).toBeCloseTo(expected.runningHour, 8);
      expect(cost.idleHourUsd).toEqual({ stopped: expect.closeTo(expected.lbIdle, 8), 'powered-down': 0 });
      expect(cost.fixedMonthlyUsd).toBe(cents(expected.fixed));
      if (expected.recorderHour === undefined) expect(cost.recordingHourUsd).toBeUndefined();
      else expect(cost.recordingHourUsd).toBeCloseTo(expected.recorderHour, 8);
      for (const s of cost.scenarios) {
        expect(s.byTier.stopped, `${s.hours} h, stopped`).toBeCloseTo(cents(expected.month(s.hours, expected.lbIdle)), 2);
        expect(s.byTier['powered-down'], `${s.hours} h, powered down`).toBeCloseTo(cents(expected.month(s.hours, 0)), 2);
      }
      // A 2-hour meetup of 15 under each preset, the configured one marked, and the old rule of thumb.
      const configured = config.bandwidth ?? 'talk';
      expect(cost.meetupVideo).toEqual({
        participants: 15,
        hours: 2,
        usdPerGb: pricesOf(config).internetGb,
        freeGbMonth: pricesOf(config).freeInternetGbMonth,
        presets: (['talk', 'discussion', 'low-bandwidth'] as const).map((preset) => ({
          preset,
          configured: preset === configured,
          gbPerParticipantHour: expect.closeTo(TRAFFIC[preset].participant, 10),
          gb: expect.closeTo(30 * TRAFFIC[preset].participant, 8),
          usd: expect.closeTo(30 * TRAFFIC[preset].participant * pricesOf(config).internetGb, 8),
        })),
        ruleOfThumbGb: expect.closeTo(30 * 0.675, 8),
      });
      // Every line names the pricing pages its figure comes from.
      for (const rate of cost.rates) {
        expect(rate.sources.length, rate.item).toBeGreaterThan(0);
        for (const source of rate.sources)
          expect(source, rate.item).toMatch(/^https:\/\/aws\.amazon\.com\/[a-z0-9-]+\/pricing\//);
      }
      // Priced with another region's list: the text plan says whose prices they are, and only then.
      const text = await cli(['plan'], { files: { 'meet.config.json': communityConfig({ ...config, ...timeZone }) } });
      const note = `Note: these are ${pricedAs(config.region)} prices; ${config.region} may be priced differently`;
      if (pricedAs(config.region) === config.region) expect(text.stdout).not.toContain('Note: these are');
      else expect(text.stdout.replace(/\s+/g, ' ')).toContain(note);
    });
  }
});
