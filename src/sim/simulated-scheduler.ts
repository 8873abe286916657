import { PortError } from '../control/errors.js';
import type { ControlPorts, MeetupSchedule } from '../control/ports.js';
import type { ServiceContext } from './model.js';

export type SimSchedule = { group: string; schedule: MeetupSchedule; target: { functionArn: string; roleArn: string } };

/** EventBridge Scheduler: the meetup schedules in the stack's schedule group. */
export class SimulatedScheduler {
  /** Schedules created through the schedules port. */
  schedules: SimSchedule[] = [];

  constructor(
    private readonly ctx: ServiceContext,
    /** The stack's schedule group (named after the stack). */
    private readonly groupName: string,
  ) {}

  /** A schedule is created in a group that exists (the stack's), else ResourceNotFoundException. */
  private scheduleGroup(group: string): void {
    if (group !== this.groupName) {
      throw new PortError('other', 'ResourceNotFoundException', `Schedule group ${group} does not exist.`);
    }
  }

  readonly port: ControlPorts['schedules'] = {
    create: async (group, schedule, target) => {
      this.ctx.call();
      this.scheduleGroup(group);
      if (this.schedules.some((s) => s.group === group && s.schedule.name === schedule.name)) {
        throw new PortError('other', 'ConflictException', `Schedule ${schedule.name} already exists.`);
      }
      // EventBridge Scheduler stores at most 512 characters of a description; the adapter cuts it there.
      const description = schedule.description.slice(0, 512);
      this.schedules.push({ group, schedule: { ...schedule, description, state: 'ENABLED' }, target });
    },
    list: async (group) => {
      this.ctx.call();
      return this.schedules.filter((s) => s.group === group).map((s) => s.schedule);
    },
    remove: async (group, name) => {
      this.ctx.call();
      const index = this.schedules.findIndex((s) => s.group === group && s.schedule.name === name);
      if (index < 0) throw new PortError('other', 'ResourceNotFoundException', `Schedule ${name} does not exist.`);
      this.schedules.splice(index, 1);
    },
  };
}
