import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  CognitoIdentityProviderClient,
  ListUsersCommand,
  ListUsersInGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { cognitoUsers } from '../../src/aws/users.js';

const cognito = mockClient(CognitoIdentityProviderClient);
const users = cognitoUsers(new CognitoIdentityProviderClient({ region: 'us-west-2' }));
const POOL = 'us-west-2_AbC';
beforeEach(() => cognito.reset());

describe('the user pool adapter', () => {
  it('creates an admin-made account by e-mail, verified, with an e-mailed temporary password', async () => {
    cognito.on(AdminCreateUserCommand).resolves({});
    cognito.on(AdminAddUserToGroupCommand).resolves({});
    await users.add(POOL, { email: 'ana@example.org', name: 'Ana' });
    await users.addToGroup(POOL, 'ana@example.org', 'organizers');
    expect(cognito.commandCalls(AdminCreateUserCommand)[0]?.args[0].input).toEqual({
      UserPoolId: POOL,
      Username: 'ana@example.org',
      UserAttributes: [
        { Name: 'email', Value: 'ana@example.org' },
        { Name: 'email_verified', Value: 'true' },
        { Name: 'name', Value: 'Ana' },
      ],
      DesiredDeliveryMediums: ['EMAIL'],
    });
    expect(cognito.commandCalls(AdminAddUserToGroupCommand)[0]?.args[0].input).toEqual({
      UserPoolId: POOL,
      Username: 'ana@example.org',
      GroupName: 'organizers',
    });
  });

  it('lists every page of users with the groups they are in', async () => {
    const user = (sub: string, email: string) => ({
      Username: sub,
      UserStatus: 'CONFIRMED' as const,
      Enabled: true,
      Attributes: [{ Name: 'email', Value: email }],
    });
    cognito
      .on(ListUsersCommand)
      .resolvesOnce({ Users: [user('s2', 'bo@example.org')], PaginationToken: 'p2' })
      .resolvesOnce({ Users: [user('s1', 'ana@example.org')] });
    cognito.on(ListUsersInGroupCommand, { GroupName: 'organizers' }).resolves({ Users: [user('s1', 'ana@example.org')] });
    cognito
      .on(ListUsersInGroupCommand, { GroupName: 'members' })
      .resolves({ Users: [user('s1', 'ana@example.org'), user('s2', 'bo@example.org')] });
    expect(await users.list(POOL)).toEqual([
      { email: 'ana@example.org', status: 'CONFIRMED', enabled: true, groups: ['members', 'organizers'] },
      { email: 'bo@example.org', status: 'CONFIRMED', enabled: true, groups: ['members'] },
    ]);
    expect(cognito.commandCalls(ListUsersCommand)[1]?.args[0].input).toMatchObject({ PaginationToken: 'p2' });
  });

  it('deletes by e-mail', async () => {
    cognito.on(AdminDeleteUserCommand).resolves({});
    await users.remove(POOL, 'bo@example.org');
    expect(cognito.commandCalls(AdminDeleteUserCommand)[0]?.args[0].input).toEqual({
      UserPoolId: POOL,
      Username: 'bo@example.org',
    });
  });
});
