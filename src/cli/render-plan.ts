import { IDLE_TIERS } from '../cost/model.js';
import type { PlanReport } from '../plan/report.js';
import { type Output, table, usd, wrap } from './output.js';

/** The human-readable `meetctl plan`, fitted to the output's width. */
export function renderPlan(report: PlanReport, out: Output): void {
  const h = (text: string) => out.line(out.style('bold', wrap(text, out.width)));
  const { cost } = report;
  const fitted = (headers: readonly string[], rows: ReadonlyArray<readonly string[]>) =>
    out.line(table(headers, rows, out.width));

  h(`Plan for ${report.domain}: stack ${report.stackName} in ${report.region}`);
  out.paragraph(
    `Task: ${report.size.name} (${report.size.vcpu} vCPU, ${report.size.memoryMiB / 1024} GiB, ${report.architecture}, about ${report.size.expectedParticipants} people) running ${report.images}`,
  );
  out.line();

  h(
    `What will be created (${report.resources.total} resources; ${report.resources.removedWhenPoweredDown} marked * exist only while powered on)`,
  );
  for (const group of report.resources.groups) {
    const parts = group.resources.map(
      (r) => `${r.type.replace(/^AWS::/, '')}${r.count > 1 ? ` ×${r.count}` : ''}${r.removedWhenPoweredDown ? '*' : ''}`,
    );
    out.paragraph(`${group.purpose.padEnd(30)} ${parts.join(', ')}`, ' '.repeat(33), '  ');
  }
  out.line();

  h('Public endpoints and ports');
  fitted(
    ['Address', 'Port', 'Protocol', 'Reachable from', 'Purpose'],
    report.endpoints.map((e) => [e.address, String(e.port), e.protocol, e.exposure, e.purpose]),
  );
  out.line();

  h(`Monthly cost (USD, ${cost.region} list prices of ${cost.pricesAsOf}, ${cost.hoursPerMonth}-hour month)`);
  if (report.region !== cost.region) {
    out.paragraph(
      `Note: these are ${cost.region} prices; ${report.region} is priced differently (often 5-20% higher). Check the AWS pricing pages for ${report.region} before you rely on the numbers.`,
    );
  }
  fitted(
    ['Running hours', 'Idle as stopped', 'Idle as powered down'],
    cost.scenarios.map((s) => [String(s.hours), usd(s.byTier.stopped), usd(s.byTier['powered-down'])]),
  );
  out.paragraph(
    `Idle per hour: stopped ${usd(cost.idleHourUsd.stopped, 4)} (load balancer and its addresses), powered down ${usd(cost.idleHourUsd['powered-down'], 4)}. Running per hour: ${usd(cost.runningHourUsd, 4)} with ${cost.assumptions.averageParticipants} people. Destroyed (recordings kept): ${usd(cost.destroyedMonthlyUsd)}/month.`,
  );
  out.line();
  fitted(
    ['Price line', 'Billed', 'USD', 'How'],
    cost.rates.map((r) => [r.item, r.billed, usd(r.usd, 4), r.note]),
  );
  out.line();

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
    `Tiers: ${IDLE_TIERS.join(' / ')} between meetings. Nothing here needed AWS credentials. To deploy it, follow docs/deploy.md (it ends with \`meetctl deploy\`).`,
  );
}
