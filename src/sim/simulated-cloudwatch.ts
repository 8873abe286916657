import type { ControlPorts } from '../control/ports.js';
import type { StatsSample } from '../control/snapshot.js';
import { SECOND, type ServiceContext, TIMING } from './model.js';
import type { SimulatedEcs } from './simulated-ecs.js';

export type SimLogLine = { group: string; at: number; stream: string; message: string };

/**
 * CloudWatch: the stats sidecar's lines (people in calls over time), the Participants metric's idle
 * alarm, and the log groups the `logs` command reads (fault: `statsSilent`).
 */
export class SimulatedCloudWatch {
  /** People in calls over time: each entry holds from its time on. */
  readonly people: Array<{ from: number; count: number }> = [];
  /** Lines the `logs` command can read. */
  logLines: SimLogLine[] = [];

  constructor(
    private readonly ctx: ServiceContext,
    private readonly ecs: SimulatedEcs,
  ) {}

  /** People in calls now (undefined: never set, i.e. 0). */
  get participants(): number | undefined {
    return this.people.at(-1)?.count;
  }
  set participants(count: number | undefined) {
    this.people.push({ from: this.ctx.clock.now(), count: count ?? 0 });
  }

  private peopleAt(at: number): number {
    let count = 0;
    for (const p of this.people) if (p.from <= at) count = p.count;
    return count;
  }

  /**
   * What the stats sidecar printed: one line a minute from a minute after the task started until it
   * stopped (nothing while jicofo is silent), with the participants at that time.
   */
  statsSamples(since: number): StatsSample[] {
    const faults = this.ctx.faults;
    if (faults.statsSilent) return [];
    const now = this.ctx.clock.now();
    const out: StatsSample[] = [];
    for (const t of this.ecs.tasks) {
      const started = t.createdAt + TIMING.running * SECOND;
      const end = Math.min(now, t.stoppedAt ?? t.stopRequestedAt ?? now);
      if (faults.stuckPending || t.failedContainer) continue;
      for (let at = started + 60 * SECOND; at <= end; at += 60 * SECOND) {
        if (at >= since) out.push({ at, participants: this.peopleAt(at) });
      }
    }
    return out.sort((a, b) => a.at - b.at);
  }

  /**
   * The idle alarm as CloudWatch evaluates it: the Participants metric (one datapoint a minute from
   * the stats lines through the metric filter), Maximum < 1 for `minutes` of `minutes` datapoints,
   * missing data not breaching. ALARM only when every one of the last `minutes` minutes had a line
   * and every line said 0.
   */
  idleAlarmState(minutes: number): 'ALARM' | 'OK' {
    const now = this.ctx.clock.now();
    const samples = this.statsSamples(now - minutes * 60 * SECOND);
    for (let m = 0; m < minutes; m++) {
      const from = now - (m + 1) * 60 * SECOND;
      const inMinute = samples.filter((x) => x.at > from && x.at <= from + 60 * SECOND);
      if (inMinute.length === 0 || inMinute.some((x) => x.participants >= 1)) return 'OK';
    }
    return 'ALARM';
  }

  readonly logs: ControlPorts['logs'] = {
    tail: async (group, prefix, lines) => {
      this.ctx.call();
      return Array.from({ length: Math.min(lines, 3) }, (_v, i) => `${group} ${prefix} line ${i + 1}`);
    },
    read: async (group, since) => {
      this.ctx.call();
      return this.logLines
        .filter((l) => l.group === group && l.at >= since)
        .map(({ at, stream, message }) => ({ at, stream, message }));
    },
  };

  readonly participantsPort: ControlPorts['participants'] = {
    samples: async (_group, since) => {
      this.ctx.call();
      return this.statsSamples(since);
    },
  };
}
