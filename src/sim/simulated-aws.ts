import type { Clock, ControlPorts, MeetingWindow, Member, TransitionEvent } from '../control/ports.js';
import type { Ingress, LockLease, PowerState, StatsSample } from '../control/snapshot.js';
import type { RecordTarget } from '../control/task-dns.js';
import type { ActorClock } from './clock.js';
import { FaultInjection, type Faults } from './faults.js';
import { SECOND, type ServiceContext } from './model.js';
import { MutationAudit } from './mutation-audit.js';
import { SimulatedCloudFormation } from './simulated-cloudformation.js';
import { type SimLogLine, SimulatedCloudWatch } from './simulated-cloudwatch.js';
import { SimulatedCognito } from './simulated-cognito.js';
import { type SimTask, SimulatedEcs } from './simulated-ecs.js';
import { SimulatedHostRecord } from './simulated-host-record.js';
import { SimulatedIngress } from './simulated-load-balancer.js';
import { type SimRecorderTask, SimulatedRecorder } from './simulated-recorder.js';
import { SimulatedRecordingsBucket, type VersionedObjects } from './simulated-s3.js';
import { type SimSchedule, SimulatedScheduler } from './simulated-scheduler.js';
import { type SimSecret, SimulatedSecretsManager } from './simulated-secrets-manager.js';
import { guardedStateStore, InMemoryState } from './simulated-state-table.js';

/**
 * A simulated AWS for tests, demos and benchmarks (MEETCTL_SIMULATE=1): nothing leaves the machine.
 * It models the stack's PowerState, the ECS service's tasks, target health, endpoint checks and the
 * state table closely enough to drive every control-plane path, including the faults.
 *
 * Each AWS service is its own module (simulated-<service>.ts); this file composes them into one
 * world on one clock, with one fault injection (faults.ts) and one lock audit (mutation-audit.ts).
 */
export { ActorClock, EventClock, VirtualClock } from './clock.js';
export type { Faults } from './faults.js';
export {
  SIMULATED_ASLEEP,
  SIMULATED_CLUSTER,
  SIMULATED_INTERNAL_SECRET_ARN,
  SIMULATED_RECORDER_LAUNCHER,
  SIMULATED_RECORDER_SECRET_ARN,
  SIMULATED_SERVICE,
  SIMULATED_TOKEN_SECRET_ARN,
  TIMING,
} from './model.js';
export { VersionedObjects } from './simulated-s3.js';
export { InMemoryState } from './simulated-state-table.js';

/** How a simulated world starts. */
export interface SimAwsOptions {
  power?: PowerState;
  faults?: Faults;
  participants?: number;
  desired?: number;
  stackName?: string;
  domain?: string;
  ingress?: Ingress;
  /** The stack has a recorder (server-side recording on). */
  recorder?: boolean;
}

/**
 * A small model of the AWS side: one stack with a PowerState parameter, an ECS service that
 * reconciles its desired count into tasks that walk through their lifecycle on the virtual clock,
 * two target groups, the endpoint checks and the state table. Faults are injected per scenario.
 */
export class SimAws {
  readonly state: InMemoryState;
  readonly cloudFormation: SimulatedCloudFormation;
  readonly ecs: SimulatedEcs;
  readonly ingressPath: SimulatedIngress;
  readonly route53: SimulatedHostRecord;
  readonly cloudWatch: SimulatedCloudWatch;
  readonly cognito: SimulatedCognito;
  readonly secretsManager: SimulatedSecretsManager;
  readonly scheduler: SimulatedScheduler;
  readonly s3: SimulatedRecordingsBucket;
  readonly recorder: SimulatedRecorder;
  readonly ports: ControlPorts;
  private readonly gate: FaultInjection;
  private readonly audit: MutationAudit;

  constructor(
    readonly clock: Clock,
    options: SimAwsOptions = {},
    readonly faults: Faults = options.faults ?? {},
  ) {
    this.gate = new FaultInjection(clock, faults, (now) => this.tick(now));
    this.state = new InMemoryState(clock);
    this.audit = new MutationAudit(
      () => clock.now(),
      () => this.state.lock?.token,
    );
    const ctx: ServiceContext = {
      clock,
      faults,
      call: () => this.gate.call(),
      mutation: (what) => this.audit.record(what),
      tick: (now) => this.tick(now),
    };
    const power = options.power ?? 'on';
    const stackName = options.stackName ?? 'Meet-meet-ne3d-org';
    const ingress = () => this.cloudFormation.ingress;
    this.secretsManager = new SimulatedSecretsManager(ctx, options.recorder ?? false);
    this.ecs = new SimulatedEcs(ctx, ingress, power === 'on');
    this.ingressPath = new SimulatedIngress(ctx, this.ecs, ingress);
    this.route53 = new SimulatedHostRecord(ctx, this.ecs, ingress);
    this.cloudWatch = new SimulatedCloudWatch(ctx, this.ecs);
    this.cognito = new SimulatedCognito(ctx);
    this.scheduler = new SimulatedScheduler(ctx, stackName);
    this.s3 = new SimulatedRecordingsBucket(ctx, stackName);
    this.recorder = new SimulatedRecorder(ctx, this.ecs, this.s3.objects, options.recorder ?? false);
    this.cloudFormation = new SimulatedCloudFormation(
      ctx,
      stackName,
      options.domain ?? 'meet.ne3d.org',
      { ecs: this.ecs, hostRecord: this.route53, bucket: this.s3, recorderEnabled: () => this.recorder.enabled },
      { power, ingress: options.ingress ?? 'load-balancer' },
    );
    if (options.participants !== undefined) this.people.push({ from: -Infinity, count: options.participants });
    if (options.desired) {
      // Start with a task that has been running for an hour.
      this.ecs.desired = options.desired;
      this.ecs.addTask(clock.now() - 3600 * SECOND);
    }
    this.ports = this.composePorts();
  }

  /** Every service's port, as the control plane sees one AWS. */
  private composePorts(): ControlPorts {
    return {
      stack: this.cloudFormation.port,
      service: this.ecs.port,
      targets: this.ingressPath.targets,
      endpoints: this.ingressPath.endpoints,
      users: this.cognito.port,
      secrets: this.secretsManager.port,
      certificate: this.ingressPath.certificate,
      taskDns: this.route53.taskDns,
      hostRecord: this.route53.hostRecord,
      logs: this.cloudWatch.logs,
      participants: this.cloudWatch.participantsPort,
      recordings: this.s3.port,
      recorder: this.recorder.port,
      state: guardedStateStore(this.state, () => this.gate.call()),
      schedules: this.scheduler.port,
    };
  }

  /** Advance the model to `now`. */
  tick(now: number): void {
    this.cloudFormation.tick(now);
    this.ecs.tick(now);
    this.route53.tick(now);
    this.recorder.tick(now);
  }

  /** Live tasks now (not stopped). */
  liveTasks(): number {
    this.tick(this.clock.now());
    return this.tasks.filter((t) => t.stoppedAt === undefined).length;
  }

  /**
   * A `cdk deploy` of a template whose service says DesiredCount `desiredCount` (see
   * SimulatedCloudFormation.deploy).
   */
  deploy(desiredCount: number, options: { changesTaskDefinition?: boolean; ingress?: Ingress } = {}): Promise<void> {
    return this.cloudFormation.deploy(desiredCount, options);
  }

  /**
   * The ports as one actor sees them: every call is in flight for `latencyMs` of (event-clock) time,
   * the actor may then stall for `stallMs` after the answer, a crashed actor's calls never return,
   * and every mutation is checked against the lock that actor holds when it lands (MutationAudit).
   */
  portsFor(actor: string, clock: ActorClock, latencyMs: () => number = () => 0, stallMs: () => number = () => 0): ControlPorts {
    return this.audit.portsFor(this.ports, actor, clock, latencyMs, stallMs);
  }

  /** What the stats sidecar printed since `since` (SimulatedCloudWatch). */
  statsSamples(since: number): StatsSample[] {
    return this.cloudWatch.statsSamples(since);
  }
  /** The idle alarm's state now (SimulatedCloudWatch). */
  idleAlarmState(minutes: number): 'ALARM' | 'OK' {
    return this.cloudWatch.idleAlarmState(minutes);
  }
  /** The values a task started now would get (ECS reads AWSCURRENT at start). */
  secretsAtStart(): Record<string, string> {
    return this.secretsManager.secretsAtStart();
  }
  /** A person presses Record in the meeting (the recorder must be up). */
  startRecording(): void {
    this.recorder.startRecording();
  }
  /** A person stops the recording in the meeting: Jibri finalizes and uploads while the meeting goes on. */
  stopRecording(): void {
    this.recorder.stopRecording();
  }
  /** The public IPv4 address a task got (documentation range, one per task). */
  taskIp(task: { arn: string }): string {
    return this.ecs.taskIp(task);
  }
  /** The private IPv4 address a task got in the VPC. */
  taskPrivateIp(task: { arn: string }): string {
    return this.ecs.taskPrivateIp(task);
  }
  /** The network interface of a task (awsvpc), named after it. */
  taskEni(task: { arn: string }): string {
    return this.ecs.taskEni(task);
  }

  // The world's state, as the services hold it (kept here so that tests and the CLI's simulation read one object).

  get stackName(): string {
    return this.cloudFormation.stackName;
  }
  get domain(): string {
    return this.cloudFormation.domain;
  }
  /** direct: no load balancer; the DNS function's rows and Route 53 changes instead of target health. */
  get ingress(): Ingress {
    return this.cloudFormation.ingress;
  }
  set ingress(value: Ingress) {
    this.cloudFormation.ingress = value;
  }
  get power(): PowerState {
    return this.cloudFormation.power;
  }
  set power(value: PowerState) {
    this.cloudFormation.power = value;
  }
  get stackStatus(): string {
    return this.cloudFormation.stackStatus;
  }
  set stackStatus(value: string) {
    this.cloudFormation.stackStatus = value;
  }
  get deleted(): boolean {
    return this.cloudFormation.deleted;
  }
  set deleted(value: boolean) {
    this.cloudFormation.deleted = value;
  }
  /** Deploys run through `deploy()`. */
  get deploys(): Array<{ at: number; desiredCount: number }> {
    return this.cloudFormation.deploys;
  }
  get serviceExists(): boolean {
    return this.ecs.serviceExists;
  }
  set serviceExists(value: boolean) {
    this.ecs.serviceExists = value;
  }
  get desired(): number {
    return this.ecs.desired;
  }
  set desired(value: number) {
    this.ecs.desired = value;
  }
  get tasks(): SimTask[] {
    return this.ecs.tasks;
  }
  set tasks(value: SimTask[]) {
    this.ecs.tasks = value;
  }
  /** The most tasks that were live (not stopped) at once. */
  get maxLive(): number {
    return this.ecs.maxLive;
  }
  set maxLive(value: number) {
    this.ecs.maxLive = value;
  }
  get desiredCalls(): Array<{ at: number; count: number }> {
    return this.ecs.desiredCalls;
  }
  set desiredCalls(value: Array<{ at: number; count: number }>) {
    this.ecs.desiredCalls = value;
  }
  /** Calls made, and calls refused by a throttling burst. */
  get calls(): number {
    return this.gate.calls;
  }
  set calls(value: number) {
    this.gate.calls = value;
  }
  get throttled(): number {
    return this.gate.throttled;
  }
  set throttled(value: number) {
    this.gate.throttled = value;
  }
  /** Every mutation, with the actor that made it (when it came through `portsFor`). */
  get mutations(): Array<{ at: number; actor: string; what: string }> {
    return this.audit.mutations;
  }
  /** Mutations made while the caller did not hold the lock (must stay empty). */
  get unlockedMutations(): Array<{ at: number; actor: string; what: string }> {
    return this.audit.unlockedMutations;
  }
  /** People in calls over time: each entry holds from its time on. */
  get people(): Array<{ from: number; count: number }> {
    return this.cloudWatch.people;
  }
  /** People in calls now (undefined: never set, i.e. 0). */
  get participants(): number | undefined {
    return this.cloudWatch.participants;
  }
  set participants(count: number | undefined) {
    this.cloudWatch.participants = count;
  }
  /** Lines the `logs` command can read. */
  get logLines(): SimLogLine[] {
    return this.cloudWatch.logLines;
  }
  set logLines(value: SimLogLine[]) {
    this.cloudWatch.logLines = value;
  }
  /** The simulated user pool, by e-mail. */
  get members(): Map<string, Member> {
    return this.cognito.members;
  }
  /** The stack's secrets by ARN (SimulatedSecretsManager). */
  get secretValues(): Map<string, SimSecret> {
    return this.secretsManager.secretValues;
  }
  /** Schedules created through the schedules port. */
  get schedules(): SimSchedule[] {
    return this.scheduler.schedules;
  }
  set schedules(value: SimSchedule[]) {
    this.scheduler.schedules = value;
  }
  /** The recordings bucket's current objects: key → text and upload time. */
  get objects(): VersionedObjects {
    return this.s3.objects;
  }
  get deletedRecordings(): boolean {
    return this.s3.deletedRecordings;
  }
  set deletedRecordings(value: boolean) {
    this.s3.deletedRecordings = value;
  }
  /** Direct mode: where the meeting host's A record points (CloudFormation creates the asleep alias). */
  get hostRecordTarget(): RecordTarget | undefined {
    return this.route53.hostRecordTarget;
  }
  set hostRecordTarget(value: RecordTarget | undefined) {
    this.route53.hostRecordTarget = value;
  }
  /** The recorder (server-side recording): the group's desired capacity, its instance, tasks and Jibri's state. */
  get recorderEnabled(): boolean {
    return this.recorder.enabled;
  }
  set recorderEnabled(value: boolean) {
    this.recorder.enabled = value;
  }
  get recorderCapacity(): number {
    return this.recorder.capacity;
  }
  set recorderCapacity(value: number) {
    this.recorder.capacity = value;
  }
  get recorderTasks(): SimRecorderTask[] {
    return this.recorder.tasks;
  }
  set recorderTasks(value: SimRecorderTask[]) {
    this.recorder.tasks = value;
  }
  /** Recordings lost: the recorder's instance went while a recording waited on its disk (must stay 0). */
  get lostRecordings(): number {
    return this.recorder.lostRecordings;
  }
  set lostRecordings(value: number) {
    this.recorder.lostRecordings = value;
  }

  /** Everything that changes, for a simulation kept between commands (`meetctl` under MEETCTL_SIMULATE=1). */
  toJSON(): Record<string, unknown> {
    const { cloudFormation: stack, ecs, route53 } = this;
    return {
      at: this.clock.now(),
      power: stack.power,
      ingress: stack.ingress,
      stackStatus: stack.stackStatus,
      stackStatusSince: stack.statusSince,
      stackChangeUntil: stack.stackChangeUntil,
      pendingPower: stack.pendingPower,
      deletingUntil: stack.deletingUntil,
      deleted: stack.deleted,
      serviceExists: ecs.serviceExists,
      desired: ecs.desired,
      templateDesired: stack.templateDesired,
      tasks: ecs.tasks,
      people: this.people.map((p) => ({ ...p, from: Number.isFinite(p.from) ? p.from : null })),
      schedules: this.schedules,
      logLines: this.logLines.slice(-500),
      taskCounter: ecs.taskCounter,
      lastFailureAt: Number.isFinite(ecs.lastFailureAt) ? ecs.lastFailureAt : null,
      lock: this.state.lock,
      window: this.state.meetingWindow,
      log: this.state.log.slice(-500),
      members: [...this.members.values()],
      objects: [...this.objects.entries()],
      secrets: [...this.secretValues.entries()],
      hostRecord: route53.hostRecordTarget ?? null,
      dnsRows: route53.dnsRows,
      dnsChanges: route53.dnsChanges,
      recorder: this.recorder.toJSON(),
    };
  }

  /** Restore what `toJSON` saved (unknown or missing fields keep their defaults). */
  restore(saved: Record<string, unknown>): void {
    const get = <T>(key: string, fallback: T): T => (key in saved && saved[key] !== undefined ? (saved[key] as T) : fallback);
    const { cloudFormation: stack, ecs, route53 } = this;
    stack.power = get('power', stack.power);
    stack.ingress = get('ingress', stack.ingress);
    stack.stackStatus = get('stackStatus', stack.stackStatus);
    stack.statusSince = get('stackStatusSince', stack.statusSince);
    stack.stackChangeUntil = get('stackChangeUntil', stack.stackChangeUntil);
    stack.pendingPower = get<PowerState | undefined>('pendingPower', undefined);
    stack.deletingUntil = get<number | undefined>('deletingUntil', undefined);
    stack.deleted = get('deleted', false);
    ecs.serviceExists = get('serviceExists', ecs.serviceExists);
    ecs.desired = get('desired', 0);
    stack.templateDesired = get('templateDesired', 0);
    ecs.tasks = get('tasks', []);
    const people = get<Array<{ from: number | null; count: number }>>('people', []);
    this.people.splice(0, this.people.length, ...people.map((p) => ({ count: p.count, from: p.from ?? -Infinity })));
    this.schedules = get('schedules', []);
    const recorder = get<Record<string, unknown> | undefined>('recorder', undefined);
    if (recorder) this.recorder.restore(recorder);
    for (const [arn, value] of get<Array<[string, { current: string }]>>('secrets', [])) this.secretValues.set(arn, value);
    route53.hostRecordTarget = get<RecordTarget | null>('hostRecord', { kind: 'asleep' }) ?? undefined;
    route53.dnsRows = get('dnsRows', {});
    route53.dnsChanges = get('dnsChanges', {});
    this.objects.clear();
    for (const [key, o] of get<Array<[string, { body: string; at: number }]>>('objects', [])) this.objects.set(key, o);
    this.logLines = get('logLines', []);
    ecs.taskCounter = get('taskCounter', 0);
    ecs.lastFailureAt = get<number | null>('lastFailureAt', null) ?? -Infinity;
    this.state.lock = get<LockLease | undefined>('lock', undefined);
    this.state.meetingWindow = get<MeetingWindow | undefined>('window', undefined);
    this.state.log.splice(0, this.state.log.length, ...get<TransitionEvent[]>('log', []));
    this.members.clear();
    for (const m of get<Member[]>('members', [])) this.members.set(m.email, m);
  }
}
