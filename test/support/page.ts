import type { PageDeps } from '../../src/page/api.js';
import type { SimAws } from '../../src/sim/simulated-aws.js';

/** The page's schedules port over the simulated AWS's schedule group. */
export function simSchedules(sim: SimAws, group = 'Meet-meet-ne3d-org'): PageDeps['schedules'] {
  return {
    list: () => sim.ports.schedules.list(group),
    add: (schedule) => sim.ports.schedules.create(group, schedule, { functionArn: 'arn:fn', roleArn: 'arn:role' }),
    remove: (name) => sim.ports.schedules.remove(group, name),
  };
}
