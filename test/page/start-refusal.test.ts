import { describe, expect, it } from 'vitest';
import { observe } from '../../src/control/observe.js';
import { NOT_SET_UP, START_NEEDS_REPAIR, START_REFUSED, startRefusal } from '../../src/page/start-refusal.js';
import { SimAws, VirtualClock } from '../../src/sim/simulated-aws.js';

/** The snapshot the page function reads of a simulated stack. */
async function snapshotOf(options: ConstructorParameters<typeof SimAws>[1], stackStatus?: string) {
  const clock = new VirtualClock();
  const sim = new SimAws(clock, options);
  if (stackStatus) sim.stackStatus = stackStatus;
  return observe(sim.ports, { host: 'meet.ne3d.org', now: clock.now() });
}

describe("the page's start check: the control plane's plan, said for organizers", () => {
  it('lets a start through wherever the plan has one, or nothing to do', async () => {
    expect(startRefusal(await snapshotOf({}))).toBeUndefined();
    expect(startRefusal(await snapshotOf({ desired: 1 }))).toBeUndefined();
    expect(startRefusal(await snapshotOf({ recorder: true }), { record: true })).toBeUndefined();
    // CloudFormation is only changing the stack: the plan waits for it.
    expect(startRefusal(await snapshotOf({}, 'UPDATE_IN_PROGRESS'))).toBeUndefined();
  });

  it('a stack CloudFormation left for a person to repair: the repair, in words without the command line', async () => {
    for (const status of ['UPDATE_ROLLBACK_FAILED', 'ROLLBACK_COMPLETE', 'DELETE_FAILED']) {
      expect(startRefusal(await snapshotOf({}, status)), status).toBe(START_NEEDS_REPAIR);
      expect(startRefusal(await snapshotOf({ desired: 1 }, status)), status).toBe(START_NEEDS_REPAIR);
    }
    for (const words of [START_NEEDS_REPAIR, START_REFUSED, NOT_SET_UP])
      expect(words).not.toMatch(/CloudFormation|stack|meetctl|`|--/);
  });

  it('any other refusal of the plan in general words, and no stack as what it is', async () => {
    // The API refuses Record without a recorder before it asks; the plan refuses it too.
    expect(startRefusal(await snapshotOf({}), { record: true })).toBe(START_REFUSED);
    expect(startRefusal(undefined)).toBe(NOT_SET_UP);
  });
});
