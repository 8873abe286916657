import { GROUPS } from '../auth/jitsi-settings.js';
import { PortError } from '../control/errors.js';
import type { ControlPorts, Member } from '../control/ports.js';
import type { ServiceContext } from './model.js';

/** Cognito: the stack's user pool, its members by e-mail and the pool's groups (organizers, members). */
export class SimulatedCognito {
  /** The simulated user pool, by e-mail. */
  readonly members = new Map<string, Member>();

  constructor(private readonly ctx: ServiceContext) {}

  /** The pool's groups are the stack's (organizers, members); any other is ResourceNotFoundException. */
  private userGroup(group: string): void {
    if (!Object.values(GROUPS).includes(group as (typeof GROUPS)[keyof typeof GROUPS])) {
      throw new PortError('other', 'ResourceNotFoundException', `Group not found: ${group}`);
    }
  }

  private member(email: string): Member {
    const found = this.members.get(email);
    if (!found) throw new PortError('other', 'UserNotFoundException', 'User does not exist.');
    return found;
  }

  readonly port: ControlPorts['users'] = {
    add: async (_pool, user) => {
      this.ctx.call();
      if (this.members.has(user.email)) throw new PortError('other', 'UsernameExistsException', 'User account already exists.');
      this.members.set(user.email, {
        email: user.email,
        ...(user.name ? { name: user.name } : {}),
        status: 'FORCE_CHANGE_PASSWORD',
        enabled: true,
        groups: [],
      });
    },
    addToGroup: async (_pool, email, group) => {
      this.ctx.call();
      this.userGroup(group);
      const member = this.member(email);
      if (!member.groups.includes(group)) this.members.set(email, { ...member, groups: [...member.groups, group].sort() });
    },
    removeFromGroup: async (_pool, email, group) => {
      this.ctx.call();
      this.userGroup(group);
      const member = this.member(email);
      this.members.set(email, { ...member, groups: member.groups.filter((g) => g !== group) });
    },
    remove: async (_pool, email) => {
      this.ctx.call();
      this.member(email);
      this.members.delete(email);
    },
    list: async () => {
      this.ctx.call();
      return [...this.members.values()].sort((a, b) => a.email.localeCompare(b.email));
    },
  };
}
