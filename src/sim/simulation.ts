import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { AwsPorts } from '../aws/ports.js';
import type { CdkRunner } from '../cli/deps.js';
import { DESIRED_COUNT_PARAMETER, OUTPUT_NAMES } from '../control/outputs.js';
import type { Ingress } from '../control/snapshot.js';
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

/** The account the simulated AWS answers for (unless the config names one). */
export const SIMULATED_ACCOUNT = '111122223333';

/** Where the simulated world of one stack is kept between commands. */
export function simulationFile(stackName: string, dir = path.join(tmpdir(), 'meetctl-simulation')): string {
  return path.join(dir, `${stackName.replace(/[^A-Za-z0-9-]/g, '-')}.json`);
}

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
