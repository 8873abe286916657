import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { AwsPorts, CdkRunner } from '../aws/ports.js';
import { DESIRED_COUNT_PARAMETER, OUTPUT_NAMES } from '../control/outputs.js';
import type { ControlPorts } from '../control/ports.js';
import type { Ingress, TaskSnapshot } from '../control/snapshot.js';
import { SECOND, TIMING } from './model.js';
import { SimAws, VirtualClock } from './simulated-aws.js';

/** The ingress mode a (validated) config file asks for; the schema's default when it names none. */
/** What the deployed template has, read from the config file a deploy runs with. */
function configured(file: string | undefined): { ingress: Ingress; recorder: boolean } | undefined {
  if (!file) return undefined;
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, '')) as {
      ingress?: unknown;
      recording?: { enabled?: unknown };
    };
    return { ingress: raw.ingress === 'load-balancer' ? 'load-balancer' : 'direct', recorder: raw.recording?.enabled === true };
  } catch {
    return undefined;
  }
}

/** One line of a log group. */
type LogLine = { at: number; stream: string; message: string };

/** When a simulated task runs after it was created (the model's timeline, TIMING in model.ts). */
const SIM_TASK_RUNNING_MS = TIMING.running * SECOND;
/** The stats sidecar writes a line a minute (STATS_INTERVAL_SECONDS of the task definition). */
const STATS_LINE_MS = 60_000;

/**
 * What a simulated task's containers wrote to their log group (`/…/<container>`) between `since` and
 * `now`: a line when each container started and when it stopped, and for the stats sidecar its JSON
 * line a minute in the task definition's format (`{"type":"jicofo-stats","ok":true,"stats":{…}}`,
 * STATS_SCRIPT in src/infra/constructs/jitsi-task.ts) with the simulated participants.
 */
export function containerLines(
  tasks: readonly TaskSnapshot[],
  sim: SimAws,
  group: string,
  since: number,
  now: number,
): LogLine[] {
  const container = group.split('/').pop() ?? group;
  const out: LogLine[] = [];
  for (const task of tasks) {
    if (task.startedAt === undefined) continue;
    const id = task.arn.split('/').pop() ?? task.arn;
    const stream = `${container}/${container}/${id}`;
    out.push({ at: task.startedAt, stream, message: `(simulated) ${container} started on task ${id}` });
    if (task.stoppedAt !== undefined) {
      out.push({
        at: task.stoppedAt,
        stream,
        message: `(simulated) ${container} stopped: ${task.stoppedReason ?? 'the task was stopped'}`,
      });
    }
  }
  if (container === 'stats') {
    for (const sample of sim.statsSamples(since)) {
      const task = tasks.find((t) => t.startedAt !== undefined && sample.at >= t.startedAt && sample.at <= (t.stoppedAt ?? now));
      const id = task?.arn.split('/').pop() ?? 'task';
      const stats = { participants: sample.participants, conferences: sample.participants > 0 ? 1 : 0 };
      out.push({
        at: sample.at,
        stream: `stats/stats/${id}`,
        message: JSON.stringify({ type: 'jicofo-stats', ok: true, stats }),
      });
    }
  }
  return out.filter((l) => l.at >= since && l.at <= now);
}

/** The account the simulated AWS answers for (unless the config names one). */
export const SIMULATED_ACCOUNT = '111122223333';

/** Where the simulated world of one stack is kept between commands. */
export function simulationFile(stackName: string, dir = SIMULATION_DIR): string {
  return path.join(dir, `${stackName.replace(/[^A-Za-z0-9-]/g, '-')}.json`);
}

/** Where the simulated worlds are kept unless MEETCTL_SIMULATE_DIR says otherwise. */
const SIMULATION_DIR = path.join(tmpdir(), 'meetctl-simulation');

/**
 * The simulated AWS behind `MEETCTL_SIMULATE=1`: one world per stack name, kept in a state file under
 * the OS temp folder, so start → status → stop or schedule add → list → remove can be tried in
 * sequence. Virtual time never runs behind the wall clock: waits inside a command take no real
 * time, and time passes between commands as it does for real. Nothing is sent anywhere.
 */
export class Simulation {
  /** Shared by every command of the process; loaded worlds continue from their saved time. */
  readonly clock = new VirtualClock(Date.now());
  private readonly worlds = new Map<string, { sim: SimAws; file: string }>();

  constructor(private readonly dir?: string) {}

  /** The folder the worlds are kept in: MEETCTL_SIMULATE_DIR, else one in the OS temp folder. */
  get folder(): string {
    return this.dir ?? SIMULATION_DIR;
  }

  /**
   * A file of the simulation's own, next to its worlds: what a simulated run writes in place of a file
   * a real run would keep next to the config (the recorded start times), so no real one is touched.
   */
  ownFile(name: string): string {
    mkdirSync(this.folder, { recursive: true });
    return path.join(this.folder, name);
  }

  /**
   * The world of a stack: loaded from its file, or a fresh one (deployed in the config's ingress mode,
   * stopped, nobody in a call). A saved world keeps the mode it was last deployed in.
   */
  world(stackName: string, domain: string, ingress: Ingress = 'direct', recorder = false): SimAws {
    const known = this.worlds.get(stackName);
    if (known) return known.sim;
    const file = simulationFile(stackName, this.dir);
    const sim = new SimAws(this.clock, { stackName, domain, ingress, recorder });
    try {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      sim.restore(saved);
      this.clock.t = Math.max(this.clock.t, Number(saved.at) || 0);
    } catch {
      // No saved world yet (or an unreadable one): start fresh.
    }
    this.worlds.set(stackName, { sim, file });
    return sim;
  }

  /**
   * The control ports of a stack's world. Its container log groups also hold the lines a task writes
   * while it runs (see `containerLines`), so `meetctl logs` has something to show.
   */
  controlPorts(stackName: string, domain: string, ingress?: Ingress, recorder?: boolean): ControlPorts {
    const sim = this.world(stackName, domain, ingress, recorder);
    return {
      ...sim.ports,
      logs: {
        ...sim.ports.logs,
        read: async (group, since) => {
          const kept = await sim.ports.logs.read(group, since);
          const written = containerLines(await sim.ports.service.tasks('', ''), sim, group, since, this.clock.now());
          return [...kept, ...written].sort((a, b) => a.at - b.at);
        },
      },
    };
  }

  /**
   * People join the simulated call: from a minute ago, as the stats sidecar counts them. When a task
   * runs, the simulated time moves on to the sidecar's next line, so the count is known at once (the
   * sidecar writes a line a minute, the first a minute after the task started). Returns that line's time.
   */
  setPeople(sim: SimAws, count: number): number | undefined {
    const now = this.clock.now();
    sim.people.push({ from: now - 60_000, count });
    sim.tick(now);
    const running = sim.tasks.filter((t) => t.stoppedAt === undefined && t.stopRequestedAt === undefined);
    const next = running
      .map((t) => {
        const firstLine = t.createdAt + SIM_TASK_RUNNING_MS + STATS_LINE_MS;
        return now <= firstLine ? firstLine : firstLine + Math.ceil((now - firstLine) / STATS_LINE_MS) * STATS_LINE_MS;
      })
      .sort((a, b) => a - b)[0];
    if (next !== undefined) this.clock.t = Math.max(this.clock.t, next);
    return next;
  }

  /**
   * A finished recording in the world's recordings bucket, as the recorder's finalize script uploads
   * one: the video and its metadata file (room, start, duration) under recordings/<day>/<room>/.
   */
  addRecording(sim: SimAws, room: string, minutes: number): string {
    const now = this.clock.now();
    const start = now - minutes * 60_000;
    const iso = new Date(start).toISOString();
    const key = `recordings/${iso.slice(0, 10)}/${room}/${room}_${iso.slice(0, 19).replace('T', '-').replace(/:/g, '-')}.mp4`;
    sim.objects.set(key, { body: `simulated video of ${room}, ${minutes} minutes`, at: now });
    sim.objects.set(key.replace(/\.mp4$/, '.json'), {
      body: JSON.stringify({ room, start: iso, durationSeconds: minutes * 60 }),
      at: now,
    });
    return key;
  }

  /** Write every world this process touched. */
  save(): void {
    for (const { sim, file } of this.worlds.values()) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, `${JSON.stringify(sim.toJSON())}\n`);
    }
  }

  /** Forget a stack's world; true when there was one. */
  reset(stackName: string): boolean {
    this.worlds.delete(stackName);
    const file = simulationFile(stackName, this.dir);
    try {
      rmSync(file);
      return true;
    } catch {
      return false;
    }
  }

  /** The deploy ports (identity, stack, service counts) answered by the world of `stackName`. */
  awsPorts(domain: string | undefined, ingress?: Ingress): AwsPorts {
    return {
      identity: { accountId: async () => SIMULATED_ACCOUNT },
      stacks: {
        describe: async (stackName) => this.world(stackName, domain ?? 'meet.example.org', ingress).ports.stack.describe(),
      },
      services: {
        counts: async (cluster, service) => {
          for (const { sim } of this.worlds.values()) {
            const stack = await sim.ports.stack.describe();
            if (stack?.outputs[OUTPUT_NAMES.cluster] === cluster) return sim.ports.service.describe(cluster, service);
          }
          return undefined;
        },
      },
    };
  }

  /** `cdk deploy` against the world: CloudFormation's update, with the DesiredCount it was given. */
  cdkRunner(): CdkRunner {
    return async (args, options) => {
      const stackName = args[1] ?? '';
      const sim = this.worlds.get(stackName)?.sim;
      if (!sim) return 1;
      const desired = args.find((a) => a.startsWith(`${DESIRED_COUNT_PARAMETER}=`))?.split('=')[1];
      // The template deployed is the config's: its ingress mode and recorder are the stack's from now on.
      const template = configured(options.env.MEET_CONFIG);
      if (template) sim.recorderEnabled = template.recorder;
      await sim.deploy(Number(desired ?? 0), template ? { ingress: template.ingress } : {});
      await this.clock.sleep(5 * 60_000);
      sim.tick(this.clock.now());
      return 0;
    };
  }
}
