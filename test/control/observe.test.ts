import { describe, expect, it } from 'vitest';
import { observe } from '../../src/control/observe.js';
import type { ControlPorts } from '../../src/control/ports.js';
import { SimAws, VirtualClock } from '../../src/sim/simulated-aws.js';

const MINUTE = 60_000;

describe('observe: since when a broken stack is broken', () => {
  it('is read only when asked (the runtime guard) and only while the stack is broken: one more call then', async () => {
    const clock = new VirtualClock();
    const sim = new SimAws(clock, { desired: 1 });
    const asked: string[] = [];
    const ports: ControlPorts = {
      ...sim.ports,
      stack: {
        ...sim.ports.stack,
        statusSince: async (status) => {
          asked.push(status);
          return sim.ports.stack.statusSince(status);
        },
      },
    };
    const read = (statusSince: boolean) => observe(ports, { host: 'meet.ne3d.org', now: clock.now(), statusSince });
    expect((await read(true))?.stack.statusSince).toBeUndefined();
    sim.stackStatus = 'UPDATE_ROLLBACK_FAILED';
    const brokeAt = clock.now();
    clock.t += MINUTE;
    expect((await read(false))?.stack.statusSince).toBeUndefined();
    expect(asked).toEqual([]);
    expect((await read(true))?.stack).toMatchObject({ status: 'UPDATE_ROLLBACK_FAILED', statusSince: brokeAt });
    expect(asked).toEqual(['UPDATE_ROLLBACK_FAILED']);
  });
});
