import { phase } from '../../control/phase.js';
import type { CheckResult } from '../../control/snapshot.js';
import { transition } from '../../control/transition.js';
import { ExitCode, MeetError } from '../../errors.js';
import type { Context } from '../context.js';
import { table } from '../output.js';
import { clockTime, openSession, type Session } from '../session.js';
import { healthLayers } from './inspect.js';

/** One phase of `meetctl test`. */
export interface TestPhase {
  readonly name: 'start' | 'health' | 'tls' | 'web' | 'websocket' | 'stop';
  readonly status: 'pass' | 'fail' | 'skip';
  readonly detail: string;
  readonly seconds?: number;
}

const fromChecks = (checks: readonly CheckResult[], names: string[]): Pick<TestPhase, 'status' | 'detail'> => {
  const relevant = checks.filter((c) => names.includes(c.name));
  const failed = relevant.filter((c) => c.status !== 'pass');
  if (relevant.length === 0) return { status: 'skip', detail: 'not checked' };
  return failed.length === 0
    ? { status: 'pass', detail: relevant.map((c) => c.detail).join('; ') }
    : { status: 'fail', detail: failed.map((c) => `${c.name}: ${c.detail}${c.hint ? ` (fix: ${c.hint})` : ''}`).join('; ') };
};

async function timed(session: Session, fn: () => Promise<Omit<TestPhase, 'seconds'>>): Promise<TestPhase> {
  const begin = session.clock.now();
  const result = await fn();
  return { ...result, seconds: Math.round((session.clock.now() - begin) / 1000) };
}

/**
 * `meetctl test`: start, health, TLS, web, websocket, stop. It always ends stopped, even when a phase
 * fails or throws, and refuses to take over a platform that is already running unless --force.
 */
export async function testWorkflow(ctx: Context, options: { force?: boolean }): Promise<number> {
  const session = await openSession(ctx);
  const before = phase(await session.snapshot());
  if (['READY', 'STARTING', 'DEGRADED'].includes(before) && !options.force) {
    throw new MeetError(
      `the platform is ${before}: a meeting may be running, and the test ends by stopping it.`,
      ExitCode.failed,
      'Run the test when the platform is stopped, or pass --force.',
    );
  }
  if (ctx.options.dryRun) {
    ctx.out.line(
      'Would run: start (until usable), health of every layer, TLS certificate, web client config, XMPP websocket, then stop (always).',
    );
    return ExitCode.ok;
  }
  const progress = await session.progress();
  const rt = session.runtime(progress.handle);
  const request = { actor: ctx.deps.actor, reason: 'meetctl test' };
  const phases: TestPhase[] = [];
  try {
    const started = await startPhase(session, rt, request);
    phases.push(started);
    if (started.status === 'pass') phases.push(...(await checkPhases(session)));
    else {
      for (const name of ['health', 'tls', 'web', 'websocket'] as const)
        phases.push({ name, status: 'skip', detail: 'the start failed' });
    }
  } finally {
    // Whatever happened above, end stopped.
    progress.close();
    phases.push(await stopPhase(session, rt, request));
  }
  const ok = phases.every((p) => p.status === 'pass');
  if (ctx.options.json) ctx.out.json({ ok, phases });
  else {
    ctx.out.line(
      table(
        ['Phase', 'Result', 'Time', 'Detail'],
        phases.map((p) => [p.name, p.status, p.seconds !== undefined ? clockTime(p.seconds * 1000) : '-', p.detail]),
      ),
    );
    ctx.out.line(
      ok
        ? ctx.out.style('green', 'All phases passed; the platform is stopped.')
        : ctx.out.style('red', 'The test failed; the platform was stopped.'),
    );
  }
  return ok ? ExitCode.ok : ExitCode.failed;
}

type Runtime = ReturnType<Session['runtime']>;
type Request = { readonly actor: string; readonly reason: string };

/** Start until usable; a failed or refused start (or one that throws) fails the phase. */
function startPhase(session: Session, rt: Runtime, request: Request): Promise<TestPhase> {
  return timed(session, async () => {
    const outcome = await transition({ ...request, goal: 'running' }, rt);
    return outcome.result?.error || outcome.outcome === 'refused'
      ? { name: 'start', status: 'fail', detail: outcome.result?.error?.message ?? 'refused' }
      : { name: 'start', status: 'pass', detail: `${outcome.from} → ${outcome.to}` };
  }).catch((error: Error): TestPhase => ({ name: 'start', status: 'fail', detail: error.message }));
}

/** Health of every layer, then the TLS, web and websocket endpoint checks of one snapshot. */
async function checkPhases(session: Session): Promise<TestPhase[]> {
  const snapshot = await session.snapshot({ endpoints: true, certificate: true });
  const layers = healthLayers(snapshot);
  const failing = layers.filter((l) => l.status === 'fail');
  const checks = snapshot.endpoints ?? [];
  return [
    {
      name: 'health',
      status: failing.length ? 'fail' : 'pass',
      detail:
        failing.map((l) => `${l.layer}: ${l.detail}`).join('; ') ||
        `${layers.filter((l) => l.status === 'pass').length} layers pass`,
    },
    { name: 'tls', ...fromChecks(checks, ['certificate']) },
    { name: 'web', ...fromChecks(checks, ['https', 'web-config']) },
    { name: 'websocket', ...fromChecks(checks, ['websocket']) },
  ];
}

/** Stop, forced; the phase fails when a task is still live afterwards, loudly when the stop throws. */
function stopPhase(session: Session, rt: Runtime, request: Request): Promise<TestPhase> {
  return timed(session, async () => {
    const outcome = await transition(
      { ...request, goal: 'stopped', force: true, reason: 'meetctl test: always end stopped' },
      rt,
    );
    const live = (await session.snapshot()).tasks.filter((t) => t.lastStatus !== 'STOPPED').length;
    return outcome.result?.error || live > 0
      ? { name: 'stop', status: 'fail', detail: outcome.result?.error?.message ?? `${live} task(s) still live` }
      : { name: 'stop', status: 'pass', detail: `ended ${outcome.to}` };
  }).catch(
    (error: Error): TestPhase => ({
      name: 'stop',
      status: 'fail',
      detail: `${error.message}: THE TASK MAY STILL BE RUNNING; run meetctl stop --force`,
    }),
  );
}
