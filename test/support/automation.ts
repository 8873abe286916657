import type { AutomationDeps } from '../../src/automation/handlers.js';
import type { Runtime } from '../../src/control/execute.js';
import { SimAws, VirtualClock } from '../../src/sim/simulated-aws.js';

const HOST = 'meet.ne3d.org';

/**
 * The automation's handlers wired to a simulated AWS on a virtual clock: the alerts they send and
 * the lines they log are kept, and `rt` runs the CLI's transitions against the same world.
 */
export function automationWorld(options: ConstructorParameters<typeof SimAws>[1] = {}) {
  const clock = new VirtualClock();
  const sim = new SimAws(clock, options);
  const alerts: Array<{ subject: string; message: string }> = [];
  const logs: Array<Record<string, unknown>> = [];
  const deps: AutomationDeps = {
    ports: sim.ports,
    clock,
    host: HOST,
    settings: { idleStopMinutes: 15, startGraceMinutes: 20, maxRuntimeHours: 4 },
    notify: async (subject, message) => {
      alerts.push({ subject, message });
    },
    log: (entry) => logs.push(entry),
  };
  const rt: Runtime = { ports: sim.ports, clock, host: HOST, pollMs: 5000, onProgress: () => {} };
  return { clock, sim, deps, alerts, logs, rt };
}
