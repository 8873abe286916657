import { describe, expect, it } from 'vitest';
import { SERVING_CONTAINER } from '../../src/control/task-dns.js';
import { SimAws, TIMING, VirtualClock } from '../../src/sim/simulated-aws.js';

// The visitor rule in the simulated world, second by second through a start and a stop: whenever the
// meeting host's record names a task's address, that task's TLS sidecar runs (it serves the waking
// page until web answers, test/infra/tls-proxy.test.ts); otherwise the record is the asleep page.
// Nobody is ever sent to an address where nothing listens.
describe('a visitor is never sent where nothing listens', () => {
  it('through a start, a meeting and a stop', async () => {
    const clock = new VirtualClock();
    const sim = new SimAws(clock, { ingress: 'direct' });
    const seen = { asleep: 0, sidecar: 0 };
    const look = async () => {
      const record = await sim.ports.hostRecord.current();
      if (record?.kind !== 'task') {
        expect(record).toEqual({ kind: 'asleep' });
        seen.asleep += 1;
        return;
      }
      const tasks = await sim.ports.service.tasks('meet-cluster', 'meet-service');
      const task = tasks.find((t) => sim.taskIp(t) === record.ip);
      const sidecar = task?.containers.find((c) => c.name === SERVING_CONTAINER);
      expect(sidecar?.lastStatus, `at ${clock.now()}: ${record.ip}`).toBe('RUNNING');
      seen.sidecar += 1;
    };
    await sim.ports.service.setDesired('meet-cluster', 'meet-service', 1);
    for (let s = 0; s <= TIMING.dnsInSync + 30; s++) {
      await look();
      await clock.sleep(1000);
    }
    await sim.ports.service.setDesired('meet-cluster', 'meet-service', 0);
    for (let s = 0; s <= TIMING.draining + 30; s++) {
      await look();
      await clock.sleep(1000);
    }
    // Both sides were seen: the switch happened, and the stop put the asleep page back.
    expect(seen.sidecar).toBeGreaterThan(30);
    expect(seen.asleep).toBeGreaterThan(TIMING.dnsSwitched);
    expect(await sim.ports.hostRecord.current()).toEqual({ kind: 'asleep' });
    // The switch came before the task was RUNNING-and-healthy: the sidecar answered first.
    expect(TIMING.dnsSwitched).toBeLessThan(TIMING.healthy);
  });
});
