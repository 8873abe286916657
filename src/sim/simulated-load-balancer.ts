import type { ControlPorts } from '../control/ports.js';
import type { CheckResult, Ingress, TargetSnapshot } from '../control/snapshot.js';
import { SECOND, type ServiceContext, TIMING } from './model.js';
import type { SimulatedEcs } from './simulated-ecs.js';

/**
 * The way in to a meeting: the load balancer's target health (load-balancer mode), the endpoint
 * checks against the meeting host (HTTPS, certificate, websocket) and, in direct mode, the
 * certificate function's report (faults: `targetNeverHealthy`, `wrongCertificate`).
 */
export class SimulatedIngress {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly ecs: SimulatedEcs,
    private readonly ingress: () => Ingress,
  ) {}

  /** The target group's targets as Elastic Load Balancing reports them now. */
  targetStates(now: number): TargetSnapshot[] {
    return this.ecs.tasks
      .filter(
        (t) =>
          t.stoppedAt === undefined &&
          this.ecs.lastStatus(t, now) !== 'PROVISIONING' &&
          this.ecs.lastStatus(t, now) !== 'PENDING',
      )
      .map((t) => {
        if (t.stopRequestedAt !== undefined) return { state: 'draining' as const, reason: 'Target.DeregistrationInProgress' };
        const age = (now - t.createdAt) / SECOND;
        if (age < TIMING.targetsHealthy) return { state: 'initial' as const, reason: 'Elb.RegistrationInProgress' };
        return this.ctx.faults.targetNeverHealthy
          ? { state: 'unhealthy' as const, reason: 'Target.FailedHealthChecks' }
          : { state: 'healthy' as const };
      });
  }

  /**
   * The meeting host answers: a healthy target (load balancer), or (direct) a task at `connectTo`
   * whose web and prosody answer (TIMING.answering, before the JVMs are healthy).
   */
  private answers(now: number, connectTo: string | undefined): boolean {
    if (this.ingress() !== 'direct') return this.targetStates(now).some((t) => t.state === 'healthy');
    return this.ecs.tasks.some(
      (t) =>
        t.stoppedAt === undefined &&
        t.stopRequestedAt === undefined &&
        this.ecs.lastStatus(t, now) === 'RUNNING' &&
        now - t.createdAt >= TIMING.answering * SECOND &&
        connectTo === this.ecs.taskIp(t),
    );
  }

  readonly targets: ControlPorts['targets'] = {
    health: async () => {
      this.ctx.call();
      return this.targetStates(this.ctx.clock.now());
    },
  };

  readonly endpoints: ControlPorts['endpoints'] = {
    check: async (host, connectTo): Promise<CheckResult[]> => {
      this.ctx.call();
      const ready = this.answers(this.ctx.clock.now(), connectTo);
      const https: CheckResult = ready
        ? { name: 'https', status: 'pass', detail: `https://${host}/ answered 200${connectTo ? ` at ${connectTo}` : ''}` }
        : { name: 'https', status: 'fail', detail: 'connection refused', hint: 'wait for the task' };
      const certificate: CheckResult = this.ctx.faults.wrongCertificate
        ? {
            name: 'certificate',
            status: 'fail',
            detail: `certificate is for other.example.org, not ${host}`,
            hint: 'check the certificate',
          }
        : { name: 'certificate', status: ready ? 'pass' : 'skip', detail: `valid for ${host}` };
      return [https, certificate, { name: 'websocket', status: ready ? 'pass' : 'skip', detail: 'upgraded (101)' }];
    },
  };

  readonly certificate: ControlPorts['certificate'] = {
    status: async () => {
      this.ctx.call();
      if (this.ingress() !== 'direct') return undefined;
      const now = this.ctx.clock.now();
      return { notAfter: now + 60 * 86_400_000, checkedAt: now - 3_600_000, action: 'not-due' };
    },
  };
}
