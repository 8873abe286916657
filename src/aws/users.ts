import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminRemoveUserFromGroupCommand,
  type CognitoIdentityProviderClient,
  ListUsersCommand,
  ListUsersInGroupCommand,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import { GROUPS } from '../auth/jitsi-settings.js';
import type { Member, UsersPort } from '../control/ports.js';

const attribute = (user: UserType, name: string) => user.Attributes?.find((a) => a.Name === name)?.Value;

/** Every page of a Cognito listing. */
async function allPages<T>(page: (token: string | undefined) => Promise<{ items: T[]; next?: string }>): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  do {
    const result = await page(token);
    items.push(...result.items);
    token = result.next;
  } while (token);
  return items;
}

/** The user pool over the SDK: users are named by their e-mail (the pool signs in by e-mail). */
export function cognitoUsers(client: CognitoIdentityProviderClient): UsersPort {
  return {
    async add(userPoolId, user) {
      await client.send(
        new AdminCreateUserCommand({
          UserPoolId: userPoolId,
          Username: user.email,
          UserAttributes: [
            { Name: 'email', Value: user.email },
            // An organizer vouches for the address; the invitation goes there.
            { Name: 'email_verified', Value: 'true' },
            ...(user.name ? [{ Name: 'name', Value: user.name }] : []),
          ],
          DesiredDeliveryMediums: ['EMAIL'],
        }),
      );
    },
    async addToGroup(userPoolId, email, group) {
      await client.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: email, GroupName: group }));
    },
    async removeFromGroup(userPoolId, email, group) {
      await client.send(new AdminRemoveUserFromGroupCommand({ UserPoolId: userPoolId, Username: email, GroupName: group }));
    },
    async remove(userPoolId, email) {
      await client.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: email }));
    },
    async list(userPoolId) {
      const users = await allPages(async (token) => {
        const page = await client.send(new ListUsersCommand({ UserPoolId: userPoolId, PaginationToken: token }));
        return { items: page.Users ?? [], ...(page.PaginationToken ? { next: page.PaginationToken } : {}) };
      });
      const groupOf = new Map<string, string[]>();
      for (const group of Object.values(GROUPS)) {
        const inGroup = await allPages(async (token) => {
          const page = await client.send(
            new ListUsersInGroupCommand({ UserPoolId: userPoolId, GroupName: group, NextToken: token }),
          );
          return { items: page.Users ?? [], ...(page.NextToken ? { next: page.NextToken } : {}) };
        });
        for (const u of inGroup) groupOf.set(u.Username ?? '', [...(groupOf.get(u.Username ?? '') ?? []), group]);
      }
      return users
        .map(
          (u): Member => ({
            email: attribute(u, 'email') ?? u.Username ?? '',
            ...(attribute(u, 'name') ? { name: attribute(u, 'name') as string } : {}),
            status: u.UserStatus ?? 'UNKNOWN',
            enabled: u.Enabled ?? true,
            groups: (groupOf.get(u.Username ?? '') ?? []).sort(),
          }),
        )
        .sort((a, b) => a.email.localeCompare(b.email));
    },
  };
}
