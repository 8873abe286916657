import { IDLE_TIERS } from '../cost/model.js';
import type { PlanReport } from '../plan/report.js';
import { type Output, table, usd } from './output.js';

/** The human-readable `meetctl plan`. */
export function renderPlan(report: PlanReport, out: Output): void {
  const h = (text: string) => out.line(out.style('bold', text));
  const { cost } = report;

  h(`Plan for ${report.domain}: stack ${report.stackName} in ${report.region}`);
  out.line(
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
    out.line(`  ${group.purpose.padEnd(30)} ${parts.join(', ')}`);
  }
  out.line();

  h('Public endpoints and ports');
  out.line(
    table(
      ['Address', 'Port', 'Protocol', 'Reachable from', 'Purpose'],
      report.endpoints.map((e) => [e.address, String(e.port), e.protocol, e.exposure, e.purpose]),
    ),
  );
  out.line();

  h(`Monthly cost (USD, ${cost.region} list prices of ${cost.pricesAsOf}, ${cost.hoursPerMonth}-hour month)`);
  out.line(
    table(
      ['Running hours', 'Idle as stopped', 'Idle as powered down'],
      cost.scenarios.map((s) => [String(s.hours), usd(s.byTier.stopped), usd(s.byTier['powered-down'])]),
    ),
  );
  out.line(
    `Idle per hour: stopped ${usd(cost.idleHourUsd.stopped, 4)} (load balancer and its addresses), powered down ${usd(cost.idleHourUsd['powered-down'], 4)}. Running per hour: ${usd(cost.runningHourUsd, 4)} with ${cost.assumptions.averageParticipants} people. Destroyed (recordings kept): ${usd(cost.destroyedMonthlyUsd)}/month.`,
  );
  out.line();
  out.line(
    table(
      ['Price line', 'Billed', 'USD', 'How'],
      cost.rates.map((r) => [r.item, r.billed, usd(r.usd, 4), r.note]),
    ),
  );
  out.line();

  h("Compared with the requirements' cost table (idle as stopped, as the requirements assume)");
  out.line(
    table(
      ['Scenario', 'Hours', 'Requirements', 'This plan', 'Difference'],
      cost.comparison.map((c) => [
        c.label,
        String(c.hours),
        usd(c.requirements),
        usd(c.ours),
        `${c.difference >= 0 ? '+' : ''}${usd(c.difference)}`,
      ]),
    ),
  );
  out.line('Why they differ:');
  for (const reason of cost.differences) out.line(`  - ${reason}`);
  out.line();
  out.line(
    `Tiers: ${IDLE_TIERS.join(' / ')} between meetings. \`meetctl deploy\` creates it; nothing here needed AWS credentials.`,
  );
}
