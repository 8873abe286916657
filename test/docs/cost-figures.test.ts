import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BANDWIDTH_PRESETS } from '../../src/config/bandwidth.js';
import { EXAMPLE_CONFIG_FILE, parseConfigText } from '../../src/config/load.js';
import { meetupEgress } from '../../src/cost/bandwidth.js';
import { type CostEstimate, DEFAULT_ASSUMPTIONS, estimateForConfig } from '../../src/cost/model.js';
import { PRICES, REQUIREMENTS_TABLE } from '../../src/cost/prices.js';
import { buildPlanReport, type ModeSummary } from '../../src/plan/report.js';
import { ROOT } from '../support/fixtures.js';

// Every dollar figure the docs state, checked against `meetctl plan` on the shipped example config:
// the same functions (buildPlanReport for the two ingress modes side by side, estimateForConfig for
// the itemized rates, the dated price table both read), each figure rounded as the docs write it
// (2 decimals when written with 2, whole dollars when written whole). A `$` figure in README.md or
// docs/*.md that no claim below checks fails the test: add a claim (what it is, computed from the
// plan) or, for a figure the plan does not compute, a quoted source in SOURCED.
const config = parseConfigText(readFileSync(path.join(ROOT, EXAMPLE_CONFIG_FILE), 'utf8'), EXAMPLE_CONFIG_FILE);
// The cost side of the plan needs no synthesized template: the modes' figures come from the cost model.
const plan = buildPlanReport(config, { Resources: {} });
const mode = (ingress: ModeSummary['ingress']) => plan.modes.find((m) => m.ingress === ingress) as ModeSummary;
const direct = mode('direct');
const balanced = mode('load-balancer');
const estimate = (ingress: ModeSummary['ingress']): CostEstimate => estimateForConfig({ ...config, ingress });
const rate = (e: CostEstimate, item: RegExp) => {
  const line = e.rates.find((r) => item.test(r.item));
  if (!line) throw new Error(`no rate line ${item}`);
  return line.usd;
};
const lb = estimate('load-balancer');
const dir = estimate('direct');
/** What a stopped month costs beyond the fixed monthly items the docs name apart (the zone, the recordings). */
const zoneAndRecordings = (e: CostEstimate) => rate(e, /^Route 53 hosted zone/) + rate(e, /^Recordings in S3/);
/** The load balancer and its addresses for a whole month: what a stopped month costs more than a powered-down one. */
const loadBalancerMonth = lb.idleHourUsd.stopped * lb.hoursPerMonth;
/** A running hour without the video's egress (which the docs name apart). */
const runningHourWithoutEgress = (e: CostEstimate) => e.runningHourUsd - rate(e, /^Internet egress/);
/** The recorder's hour with the config's default instance type. */
const recorderHour = estimateForConfig({ ...config, recording: { ...config.recording, enabled: true } }).recordingHourUsd ?? NaN;

interface Claim {
  readonly file: string;
  /** Finds the claim in the file; each capture group is one dollar figure, in order. */
  readonly pattern: RegExp;
  /** The figures the plan gives for the groups. */
  readonly expected: readonly number[];
}

const REQUIREMENTS_ROWS = REQUIREMENTS_TABLE.rows.map((row) => ({
  file: 'docs/architecture.md',
  pattern: new RegExp(`\\| ${row.label}\\s+\\| ${row.hours}\\s+\\| \\$([\\d.]+)\\s+\\|`),
  expected: [row.total],
}));

/** Own idle cost of the example config under a secret store, as `plan` shows it side by side. */
const ownIdle = (store: 'secrets-manager' | 'parameter-store') =>
  plan.secretStores.find((s) => s.store === store)?.ownIdleMonthUsd ?? NaN;

const CLAIMS: readonly Claim[] = [
  { file: 'README.md', pattern: /\$([\d.]+) with\s+`"secretStore": "parameter-store"`/, expected: [ownIdle('parameter-store')] },
  {
    file: 'docs/architecture.md',
    pattern: /Each Secrets Manager secret costs \$([\d.]+) a month/,
    expected: [PRICES.secretsManagerSecretMonth],
  },
  {
    file: 'docs/deploy.md',
    pattern: /Secrets Manager at \$([\d.]+) a month per secret/,
    expected: [PRICES.secretsManagerSecretMonth],
  },
  {
    file: 'docs/deploy.md',
    pattern: /it comes to \$([\d.]+) a month with `"secretStore": "secrets-manager"`[^$]+\$([\d.]+) with `"parameter-store"`/,
    expected: [ownIdle('secrets-manager'), ownIdle('parameter-store')],
  },
  {
    file: 'docs/reference.md',
    pattern: /one Secrets Manager secret each \(\$([\d.]+) a month per secret\)/,
    expected: [PRICES.secretsManagerSecretMonth],
  },
  { file: 'docs/deploy.md', pattern: /beyond it each costs \$([\d.]+) a month/, expected: [PRICES.cloudWatch.alarmMonth] },
  {
    file: 'docs/deploy.md',
    pattern: /stored for `logRetentionDays` at \$([\d.]+) per GB-month[^$]+\(20 MB kept 30 days is \$([\d.]+)\)/,
    expected: [PRICES.cloudWatchLogs.storageGbMonth, rate(dir, /^CloudWatch Logs storage \(meeting logs kept 30 days\)/)],
  },
  {
    file: 'docs/deploy.md',
    pattern: /keeps it 90 days: \$([\d.]+) a month, within the \$([\d.]+) above/,
    expected: [rate(dir, /^CloudWatch Logs of the runtime guard/), ownIdle('secrets-manager')],
  },
  // The direct mode's stopped month "of its own": the plan's stopped month without the zone and the recordings.
  {
    file: 'README.md',
    pattern: /about \$([\d.]+) a month of its own with the default `direct` ingress/,
    expected: [direct.idleMonthUsd - zoneAndRecordings(dir)],
  },
  { file: 'README.md', pattern: /It and its two addresses cost about\s+\$(\d+) a month/, expected: [loadBalancerMonth] },
  {
    file: 'docs/guide.md',
    pattern: /Stopped costs about \$([\d.]+) a month of its own \(its three secrets; its five alarms fit/,
    expected: [direct.idleMonthUsd - zoneAndRecordings(dir)],
  },
  {
    file: 'docs/guide.md',
    pattern: /The load balancer and\s+its two addresses cost about \$(\d+) a month/,
    expected: [loadBalancerMonth],
  },
  {
    file: 'docs/guide.md',
    pattern: /Together they cost nothing within the account's free tiers; their alarm\s+costs \$([\d.]+) a month/,
    expected: [rate(dir, /^Automation/) === 0 ? PRICES.cloudWatch.alarmMonth : NaN],
  },
  { file: 'docs/guide.md', pattern: /about \$([\d.]+) for a recorded\s+hour/, expected: [recorderHour] },
  // README.md: the default preset's 2-hour meetup of 15, as plan lists it (cost.meetupVideo).
  {
    file: 'README.md',
    pattern: /shows a 2-hour\s+meetup of 15 under each \([\d.]+ GB, \$([\d.]+) with the default `talk`\)/,
    expected: [plan.cost.meetupVideo.presets.find((p) => p.preset === 'talk')?.usd ?? NaN],
  },
  {
    file: 'docs/guide.md',
    pattern: /~\$([\d.]+)\/h for the task, load balancer and addresses \(medium, arm64\), plus egress/,
    expected: [runningHourWithoutEgress(lb)],
  },
  {
    file: 'docs/guide.md',
    pattern: /~\$([\d.]+)\/h: about \$(\d+)\/month more than powered down/,
    expected: [lb.idleHourUsd.stopped, loadBalancerMonth],
  },
  {
    file: 'docs/guide.md',
    pattern: /about \$([\d.]+)\/month \(two secrets, zone, 10 GB of recordings; five alarms in the free tier\)/,
    expected: [balanced.idleMonthPoweredDownUsd ?? NaN],
  },
  { file: 'docs/architecture.md', pattern: /stopped still costs\s+about \$(\d+) a month/, expected: [loadBalancerMonth] },
  {
    file: 'docs/architecture.md',
    pattern:
      /nothing \(about \$([\d.]+) a month: three secrets; alarms in the free tier\)\s+\| the NLB and its two public addresses \(about \$(\d+) a month\)/,
    expected: [direct.idleMonthUsd - zoneAndRecordings(dir), loadBalancerMonth],
  },
  {
    file: 'docs/architecture.md',
    pattern: /`plan` prices the page and the user pool: requests at \$([\d.]+) per million/,
    expected: [PRICES.httpApiRequestsPerMillion],
  },
  // The price table is the plan's own (src/cost/prices.ts): each row as the plan prices it.
  {
    file: 'docs/architecture.md',
    pattern: /\| Fargate\s+\| \$([\d.]+)\/vCPU-h and \$([\d.]+)\/GB-h \(x86\); \$([\d.]+) and \$([\d.]+) \(ARM\)/,
    expected: [
      PRICES.fargate.x86_64.vcpuHour,
      PRICES.fargate.x86_64.gbHour,
      PRICES.fargate.arm64.vcpuHour,
      PRICES.fargate.arm64.gbHour,
    ],
  },
  {
    file: 'docs/architecture.md',
    pattern: /\| NLB\s+\| \$([\d.]+)\/h, plus \$([\d.]+) per NLCU-h/,
    expected: [PRICES.nlb.hour, PRICES.nlb.nlcuHour],
  },
  { file: 'docs/architecture.md', pattern: /\| public IPv4\s+\| \$([\d.]+)\/h per address/, expected: [PRICES.publicIpv4Hour] },
  {
    file: 'docs/architecture.md',
    pattern: /\| Secrets Manager\s+\| \$([\d.]+) per secret-month/,
    expected: [PRICES.secretsManagerSecretMonth],
  },
  {
    file: 'docs/architecture.md',
    pattern: /\| Route 53\s+\| \$([\d.]+) per zone-month/,
    expected: [PRICES.route53HostedZoneMonth],
  },
  {
    file: 'docs/architecture.md',
    pattern: /\| S3\s+\| \$([\d.]+) per GB-month \(Standard\), \$([\d.]+) \(IA\)/,
    expected: [PRICES.s3.standardGbMonth, PRICES.s3.infrequentAccessGbMonth],
  },
  {
    file: 'docs/architecture.md',
    pattern: /\| internet egress\s+\| \$([\d.]+)\/GB after 100 GB free/,
    expected: [PRICES.dataTransferOut.gb],
  },
  {
    file: 'docs/architecture.md',
    pattern: /\| CloudWatch Logs\s+\| \$([\d.]+)\/GB ingested, \$([\d.]+) per GB-month stored/,
    expected: [PRICES.cloudWatchLogs.ingestGb, PRICES.cloudWatchLogs.storageGbMonth],
  },
  {
    file: 'docs/architecture.md',
    pattern: /\| public IPv4\s+\| \$[\d.]+\/h per address; \$([\d.]+)\/GB each way/,
    expected: [PRICES.regionalDataTransferGb],
  },
  {
    file: 'docs/architecture.md',
    pattern: /\| CloudWatch\s+\| \$([\d.]+) per alarm-month, \$([\d.]+) per metric-month/,
    expected: [PRICES.cloudWatch.alarmMonth, PRICES.cloudWatch.metricMonth],
  },
  {
    file: 'docs/architecture.md',
    pattern: /\| Cognito \(Essentials\)\s+\| \$([\d.]+) per federated/,
    expected: [PRICES.cognito.mau],
  },
  // The requirements' own table, as the plan compares itself with it (REQUIREMENTS_TABLE).
  {
    file: 'docs/architecture.md',
    pattern: /x86 4 vCPU \/ 8 GB Fargate at \$([\d.]+)\/h, NLB \$([\d.]+) for 720 h, fixed costs \$([\d.]+)\)/,
    expected: [REQUIREMENTS_TABLE.fargateHour, REQUIREMENTS_TABLE.nlbMonthly, REQUIREMENTS_TABLE.fixedMonthly],
  },
  ...REQUIREMENTS_ROWS,
  // docs/guide.md, "What people see": a 2-hour meetup of 15 under each bandwidth preset (src/cost/bandwidth.ts).
  ...BANDWIDTH_PRESETS.map((preset) => ({
    file: 'docs/guide.md',
    pattern: new RegExp(`\\| \`${preset}\`[^|]*\\|[^|]*\\| [\\d.]+ GB\\s+\\| [\\d.]+ GB, \\$([\\d.]+)\\s+\\|`),
    expected: [meetupEgress({ preset, participants: 15, hours: 2, usdPerGb: PRICES.dataTransferOut.gb }).usd],
  })),
  {
    file: 'docs/guide.md',
    pattern: /The dollars are at \$([\d.]+) per GB once the month is past the free 100 GB/,
    expected: [PRICES.dataTransferOut.gb],
  },
  {
    file: 'docs/reference.md',
    pattern: /about \$([\d.]+)\/month idle, no power tiers/,
    expected: [direct.idleMonthUsd - zoneAndRecordings(dir)],
  },
  { file: 'docs/reference.md', pattern: /about \$(\d+)\/month idle unless powered down/, expected: [loadBalancerMonth] },
  // docs/deploy.md: what the first month costs, from the plan the reader has just run.
  {
    file: 'docs/deploy.md',
    pattern: /a stopped platform costs about\s+\$([\d.]+) a month \(\$([\d.]+) with your zone and 10 GB of recordings\)/,
    expected: [direct.idleMonthUsd - zoneAndRecordings(dir), direct.idleMonthUsd],
  },
  {
    file: 'docs/deploy.md',
    pattern: /which\s+costs about \$(\d+) a month while stopped unless you power down/,
    expected: [balanced.idleMonthUsd],
  },
];

/**
 * Dollar figures the plan does not compute, each with where it comes from. Empty today: every
 * figure in the docs is the plan's. A price quoted from AWS's price list or a figure from the
 * requirements' own project (/work/shared/research/upstream-2026.md) goes here with its source.
 */
const SOURCED: ReadonlyArray<{ readonly file: string; readonly text: string; readonly source: string }> = [];

const DOCS = [
  'README.md',
  ...readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const text = Object.fromEntries(DOCS.map((file) => [file, readFileSync(path.join(ROOT, file), 'utf8')]));
const FIGURE = /\$(\d[\d,]*(?:\.\d+)?)/g;

/** `value` rounded to as many decimals as `written` has. */
function asWritten(value: number, written: string): string {
  const decimals = written.includes('.') ? (written.split('.')[1] ?? '').length : 0;
  return value.toFixed(decimals);
}

describe('cost figures in the docs', () => {
  it('the example config is the configuration the figures describe (direct, members-only, medium, arm64)', () => {
    expect({ ingress: config.ingress, auth: config.auth, size: config.size, architecture: config.architecture }).toEqual({
      ingress: 'direct',
      auth: 'members',
      size: 'medium',
      architecture: 'arm64',
    });
    expect(DEFAULT_ASSUMPTIONS.recordingsGb).toBe(10);
  });

  it.each(CLAIMS.map((c) => [`${c.file}: ${c.pattern.source.slice(0, 60)}`, c] as const))('%s', (_name, claim) => {
    const matches = [...(text[claim.file] ?? '').matchAll(new RegExp(claim.pattern.source, 'g'))];
    expect(matches.length, `the claim is no longer in ${claim.file}: update it or this test`).toBeGreaterThan(0);
    for (const match of matches) {
      const written = match.slice(1);
      expect(written.map((w, i) => asWritten(claim.expected[i] ?? NaN, w ?? ''))).toEqual(written);
    }
  });

  it('every dollar figure in README.md and docs/*.md is checked by a claim above or has its source', () => {
    const unchecked: string[] = [];
    for (const file of DOCS) {
      const content = text[file] ?? '';
      const covered = new Set<number>();
      for (const claim of CLAIMS.filter((c) => c.file === file)) {
        for (const match of content.matchAll(new RegExp(claim.pattern.source, 'g'))) {
          for (const figure of match[0].matchAll(FIGURE)) covered.add((match.index ?? 0) + (figure.index ?? 0));
        }
      }
      for (const sourced of SOURCED.filter((s) => s.file === file)) {
        for (let at = content.indexOf(sourced.text); at >= 0; at = content.indexOf(sourced.text, at + 1)) {
          for (const figure of sourced.text.matchAll(FIGURE)) covered.add(at + (figure.index ?? 0));
        }
      }
      for (const figure of content.matchAll(FIGURE)) {
        if (covered.has(figure.index ?? -1)) continue;
        const line = content.slice(0, figure.index).split('\n').length;
        unchecked.push(`${file}:${line}: ${figure[0]}`);
      }
    }
    expect(unchecked, 'dollar figures no claim checks: compute each from the plan in this test, or list its source').toEqual([]);
  });
});
