import { describe, expect, it } from 'vitest';
import { DNS_INSYNC_MAX_SECONDS } from '../../src/control/start-time.js';
import { SERVING_CONTAINER, TASK_RECORD_TTL } from '../../src/control/task-dns.js';
import { SimAws, TIMING, VirtualClock } from '../../src/sim/simulated-aws.js';

// The visitor rule in the simulated world, second by second through a start and a stop: any address a
// resolver may hand a visitor has a running TLS sidecar behind it (it serves the waking page until web
// answers, test/infra/tls-proxy.test.ts). A resolver may be handed whatever the record named until
// every Route 53 server has the next change ("generally within 60 seconds", GetChange, Route 53 API
// reference) and then keep it for the record's TTL; so at each second every task address the record
// named within the last DNS_INSYNC_MAX_SECONDS + TASK_RECORD_TTL seconds must still be answered.
describe('a visitor is never sent where nothing listens', () => {
  it('through a start, a meeting and a stop, resolvers and Route 53 propagation included', async () => {
    const clock = new VirtualClock();
    const sim = new SimAws(clock, { ingress: 'direct' });
    const reach = DNS_INSYNC_MAX_SECONDS + TASK_RECORD_TTL;
    const named: Array<{ at: number; ip?: string }> = [];
    const seen = { asleep: 0, sidecar: 0, cachedAfterMove: 0 };
    const look = async () => {
      const now = clock.now();
      const record = await sim.ports.hostRecord.current();
      if (record?.kind === 'task') seen.sidecar += 1;
      else {
        expect(record).toEqual({ kind: 'asleep' });
        seen.asleep += 1;
      }
      named.push({ at: now, ...(record?.kind === 'task' ? { ip: record.ip } : {}) });
      const reachable = new Set(named.filter((n) => n.ip && n.at >= now - reach * 1000).map((n) => n.ip as string));
      if (reachable.size > 0 && record?.kind !== 'task') seen.cachedAfterMove += 1;
      const tasks = await sim.ports.service.tasks('meet-cluster', 'meet-service');
      for (const ip of reachable) {
        const task = tasks.find((t) => sim.taskIp(t) === ip);
        const sidecar = task?.containers.find((c) => c.name === SERVING_CONTAINER);
        expect(sidecar?.lastStatus, `at ${(now / 1000).toFixed(0)} s: ${ip}`).toBe('RUNNING');
      }
    };
    await sim.ports.service.setDesired('meet-cluster', 'meet-service', 1);
    for (let s = 0; s <= TIMING.dnsInSync + 30; s++) {
      await look();
      await clock.sleep(1000);
    }
    await sim.ports.service.setDesired('meet-cluster', 'meet-service', 0);
    for (let s = 0; s <= TIMING.sidecarStopped + 30; s++) {
      await look();
      await clock.sleep(1000);
    }
    // Both sides were seen: the switch happened, the stop put the asleep page back, and the sidecar
    // answered all through the time a resolver could still hold the task's address.
    expect(seen.sidecar).toBeGreaterThan(30);
    expect(seen.asleep).toBeGreaterThan(TIMING.dnsSwitched);
    expect(seen.cachedAfterMove).toBeGreaterThanOrEqual(reach);
    expect(await sim.ports.hostRecord.current()).toEqual({ kind: 'asleep' });
    expect((await sim.ports.service.tasks('meet-cluster', 'meet-service')).filter((t) => t.lastStatus !== 'STOPPED')).toEqual([]);
    // The switch came before the images were pulled: the sidecar answered first.
    expect(TIMING.dnsSwitched).toBeLessThan(TIMING.pulled);
  });
});
