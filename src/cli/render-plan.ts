import { IDLE_TIERS, type MeetupVideo, RECORDER_VOLUME_GB } from '../cost/model.js';
import type { ModeSummary, PlanReport } from '../plan/report.js';
import { type Output, table, usd, wrap } from './output.js';

/** Where the plan's sections write: the output, a bold heading and a table fitted to the output's width. */
interface Sections {
  readonly out: Output;
  readonly h: (text: string) => void;
  readonly fitted: (headers: readonly string[], rows: ReadonlyArray<readonly string[]>) => void;
}

/** The human-readable `meetctl plan`, fitted to the output's width. */
export function renderPlan(report: PlanReport, out: Output): void {
  const sections: Sections = {
    out,
    h: (text) => out.line(out.style('bold', wrap(text, out.width))),
    fitted: (headers, rows) => out.line(table(headers, rows, out.width)),
  };
  sections.h(`Plan for ${report.domain}: stack ${report.stackName} in ${report.region}`);
  out.paragraph(
    `Task: ${report.size.name} (${report.size.vcpu} vCPU, ${report.size.memoryMiB / 1024} GiB, ${report.architecture}, about ${report.size.expectedParticipants} people) running ${report.images}`,
  );
  out.line();
  renderIngressModes(report, sections);
  renderResources(report, sections);
  renderEndpoints(report, sections);
  renderMonthlyCost(report, sections);
  renderRequirementsComparison(report, sections);
}

/** The two ingress modes side by side: idle and running cost, resources, way in, start time. */
function renderIngressModes(report: PlanReport, { out, h, fitted }: Sections): void {
  h('Ingress modes side by side (set "ingress" in the config; `meetctl deploy` switches a deployed stack)');
  const [a, b] = report.modes;
  if (a && b) {
    const name = (m: ModeSummary) => `${m.ingress}${m.configured ? ' (configured)' : ''}`;
    const cell = {
      idle: (m: ModeSummary) => `${usd(m.idleMonthUsd)}`,
      down: (m: ModeSummary) => (m.idleMonthPoweredDownUsd !== undefined ? usd(m.idleMonthPoweredDownUsd) : 'no such tier'),
      hour: (m: ModeSummary) => usd(m.runningHourUsd, 4),
      resources: (m: ModeSummary) => (m.resources !== undefined ? String(m.resources) : '-'),
      lb: (m: ModeSummary) => (m.loadBalancer ? 'Network Load Balancer (TLS 443)' : 'none: TLS in the task, DNS follows it'),
      start: (m: ModeSummary) => startCell(m.start),
    };
    fitted(
      ['', name(a), name(b)],
      [
        ['Month without a meeting (stopped)', cell.idle(a), cell.idle(b)],
        ['Same, powered down', cell.down(a), cell.down(b)],
        ['Running hour', cell.hour(a), cell.hour(b)],
        ['Resources created', cell.resources(a), cell.resources(b)],
        ['Way in', cell.lb(a), cell.lb(b)],
        ['Stopped -> READY', cell.start(a), cell.start(b)],
      ],
    );
    out.paragraph(
      report.modes.some((m) => m.start.measured)
        ? 'Stopped -> READY (until people can join) is measured for the deployed mode, from the starts `meetctl start --record-timings` recorded, and a model for the other (docs/deploy.md, "Measured start times").'
        : 'Stopped -> READY (until people can join) is a model from the figures below until it is measured on a real account: `meetctl start --record-timings` records a start, and the plan then shows the median of the last starts (docs/deploy.md, "Measured start times").',
    );
    for (const m of report.modes) {
      const measured = m.start.measured;
      out.line(
        measured
          ? `${m.ingress}: measured, median of ${plural(measured.starts, 'start')}, last ${measured.lastMeasuredAt.slice(0, 10)} (${measured.file}); the model says ~${m.start.modelledSeconds} s`
          : `${m.ingress} (model):`,
      );
      for (const stage of m.start.stages) {
        const range = stage.range ? ` (${stage.range[0]}-${stage.range[1]} s)` : '';
        const ends = stage.endsAt !== undefined ? `, done at ~${stage.endsAt} s` : '';
        // A measured phase is when it ended, not how long it took (phases overlap).
        const text = measured ? `done at ${stage.endsAt ?? stage.seconds} s` : `${stage.seconds} s${range}${ends}`;
        out.paragraph(`${stage.name}: ${text}. ${stage.source}`, '      ', '    - ');
      }
    }
  }
  out.line();
}

/** The resources the stack creates, by purpose. */
function renderResources(report: PlanReport, { out, h }: Sections): void {
  h(
    `What will be created (${report.resources.total} resources${report.resources.removedWhenPoweredDown > 0 ? `; ${report.resources.removedWhenPoweredDown} marked * exist only while powered on` : ''})`,
  );
  for (const group of report.resources.groups) {
    const parts = group.resources.map(
      (r) => `${r.type.replace(/^AWS::/, '')}${r.count > 1 ? ` ×${r.count}` : ''}${r.removedWhenPoweredDown ? '*' : ''}`,
    );
    out.paragraph(`${group.purpose.padEnd(30)} ${parts.join(', ')}`, ' '.repeat(33), '  ');
  }
  out.line();
}

function renderEndpoints(report: PlanReport, { out, h, fitted }: Sections): void {
  h('Public endpoints and ports');
  fitted(
    ['Address', 'Port', 'Protocol', 'Reachable from', 'Purpose'],
    report.endpoints.map((e) => [e.address, String(e.port), e.protocol, e.exposure, e.purpose]),
  );
  out.line();
}

/** Cost by running hours and idle tier, the recorder's cost, and every price line. */
function renderMonthlyCost(report: PlanReport, { out, h, fitted }: Sections): void {
  const { cost } = report;
  h(`Monthly cost (USD, ${cost.region} list prices of ${cost.pricesAsOf}, ${cost.hoursPerMonth}-hour month)`);
  if (report.region !== cost.region) {
    out.paragraph(
      `Note: these are ${cost.region} prices; ${report.region} may be priced differently. Check the AWS pricing pages for ${report.region} before you rely on the numbers.`,
    );
  }
  if (cost.ingress === 'direct') {
    fitted(
      ['Running hours', 'Idle as stopped'],
      cost.scenarios.map((s) => [String(s.hours), usd(s.byTier.stopped)]),
    );
    out.paragraph(
      `Idle per hour: ${usd(cost.idleHourUsd.stopped, 4)} (no load balancer; there is no power-down tier). Running per hour: ${usd(cost.runningHourUsd, 4)} with ${cost.assumptions.averageParticipants} people. Destroyed (recordings kept): ${usd(cost.destroyedMonthlyUsd)}/month.`,
    );
  } else {
    fitted(
      ['Running hours', 'Idle as stopped', 'Idle as powered down'],
      cost.scenarios.map((s) => [String(s.hours), usd(s.byTier.stopped), usd(s.byTier['powered-down'])]),
    );
    out.paragraph(
      `Idle per hour: stopped ${usd(cost.idleHourUsd.stopped, 4)} (load balancer and its addresses), powered down ${usd(cost.idleHourUsd['powered-down'], 4)}. Running per hour: ${usd(cost.runningHourUsd, 4)} with ${cost.assumptions.averageParticipants} people. Destroyed (recordings kept): ${usd(cost.destroyedMonthlyUsd)}/month.`,
    );
  }
  if (report.recording) {
    const r = report.recording;
    out.paragraph(
      `Recording (${r.instanceType}): ${r.hourUsd !== undefined ? `a recorded hour adds ${usd(r.hourUsd, 4)}` : 'the instance type has no listed price'} (instance, ${RECORDER_VOLUME_GB} GB volume, public IPv4), nothing while nobody records. The recorder is ready about ${Math.round(r.start.seconds / 60)} min after the meeting (model: ${r.start.range[0]}-${r.start.range[1]} s, not measured yet); a recording lasts at most ${r.maxHours} h.`,
    );
  }
  renderMeetupVideo(cost.meetupVideo, out);
  renderOwnIdle(report, { out, h, fitted });
  out.line();
  fitted(
    ['Price line', 'Billed', 'USD', 'How'],
    cost.rates.map((r) => [r.item, r.billed, usd(r.usd, 4), r.note]),
  );
  out.line();
}

/** One meetup's video to participants under each bandwidth preset, the configured one marked. */
function renderMeetupVideo(video: MeetupVideo, out: Output): void {
  const gb = (value: number) => `${value.toFixed(1)} GB`;
  const presets = video.presets.map((p) => `${p.preset}${p.configured ? ' (configured)' : ''} ${gb(p.gb)} (${usd(p.usd)})`);
  out.paragraph(
    `Video to participants, a ${video.hours}-hour meetup of ${video.participants}: ${presets.join(', ')}; the earlier rule of thumb was ${gb(video.ruleOfThumbGb)}. Dollars apply once the month is past the free ${video.freeGbMonth} GB. Set "bandwidth" in the config to choose.`,
  );
}

/** Own idle cost (the project's month without meetups, zone and recordings aside) under each secret store. */
function renderOwnIdle(report: PlanReport, { out, fitted }: Sections): void {
  const balanced = report.ingress === 'load-balancer';
  out.line();
  out.paragraph(
    "Own idle cost: a month without meetups with every automation on (schedules, the page's wake-up, the idle stop, the runtime guard, the budget), the hosted zone and the recordings aside; the alarms within the account's CloudWatch free tier, as the price lines say.",
  );
  fitted(
    [
      'Secret store',
      'Store per month',
      balanced ? 'Own idle, stopped' : 'Own idle',
      ...(balanced ? ['Own idle, powered down'] : []),
    ],
    report.secretStores.map((s) => [
      `${s.store}${s.configured ? ' (configured)' : ''}`,
      usd(s.storeMonthUsd),
      usd(s.ownIdleMonthUsd),
      ...(balanced ? [usd(s.ownIdleMonthPoweredDownUsd ?? 0)] : []),
    ]),
  );
}

/** This plan against the cost table of the original requirements, and why they differ. */
function renderRequirementsComparison(report: PlanReport, { out, h, fitted }: Sections): void {
  const { cost } = report;
  h('Compared with the cost table of the original project requirements (idle as stopped, as they assume)');
  out.paragraph('The original table is reproduced in docs/architecture.md, section "The requirements\' cost table".');
  fitted(
    ['Scenario', 'Hours', 'Requirements', 'This plan', 'Difference'],
    cost.comparison.map((c) => [
      c.label,
      String(c.hours),
      usd(c.requirements),
      usd(c.ours),
      `${c.difference >= 0 ? '+' : ''}${usd(c.difference)}`,
    ]),
  );
  out.line('Why they differ:');
  for (const reason of cost.differences) out.paragraph(reason, '    ', '  - ');
  out.line();
  out.paragraph(
    `${cost.ingress === 'direct' ? 'Between meetings the platform is stopped (nothing billed by the hour).' : `Tiers: ${IDLE_TIERS.join(' / ')} between meetings.`} Nothing here needed AWS credentials. To deploy it, follow docs/deploy.md (it ends with \`meetctl deploy\`).`,
  );
}

/** "1 start", "3 starts". */
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The start cell: the model with its range, or the measured median (with the range of the starts, from two on). */
function startCell(start: ModeSummary['start']): string {
  if (!start.measured) return `~${start.seconds} s (${start.range[0]}-${start.range[1]} s)`;
  const range = start.measured.starts > 1 ? ` (${start.range[0]}-${start.range[1]} s)` : '';
  return `~${start.seconds} s${range}, measured (${plural(start.measured.starts, 'start')})`;
}
