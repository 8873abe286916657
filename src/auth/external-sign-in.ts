import { GROUPS } from './jitsi-settings.js';

/**
 * Federated sign-in (Google, any OIDC provider) creates a Cognito user on the first sign-in, which
 * would bypass "users are created by an admin". Two Cognito triggers keep it closed:
 * - pre sign-up admits an external identity only when its e-mail is on the allow list (an exact
 *   address, or `@domain` for everyone at a domain); admin-created users pass as before;
 * - pre token generation puts allow-listed external users in the `members` group of their tokens
 *   (no IAM needed), and drops it again once their address leaves the list.
 * Everything else is authorized by group, as for admin-created users.
 */

/** The allow list: `ana@example.org`, or `@example.org` for every address at that domain. */
export type AllowList = readonly string[];

export function isAllowed(email: string | undefined, allow: AllowList): boolean {
  if (!email) return false;
  const address = email.trim().toLowerCase();
  const at = address.lastIndexOf('@');
  if (at <= 0) return false;
  const domain = address.slice(at);
  return allow.some((entry) => {
    const rule = entry.trim().toLowerCase();
    return rule.startsWith('@') ? domain === rule : address === rule;
  });
}

/** The fields of Cognito's pre sign-up event this trigger reads. */
export interface PreSignUpEvent {
  readonly triggerSource: string;
  readonly request: { readonly userAttributes: Readonly<Record<string, string>> };
  readonly response: Record<string, unknown>;
}

/** Thrown to refuse a sign-up; Cognito shows the message to the person. */
export class SignUpRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SignUpRefused';
  }
}

/** Pre sign-up: external identities only from the allow list; self sign-up never (it is off anyway). */
export function preSignUp<E extends PreSignUpEvent>(event: E, allow: AllowList): E {
  switch (event.triggerSource) {
    case 'PreSignUp_AdminCreateUser':
      return event;
    case 'PreSignUp_ExternalProvider':
      if (!isAllowed(event.request.userAttributes.email, allow)) {
        throw new SignUpRefused('This address is not on the community allow list. Ask an organizer to add you.');
      }
      return event;
    default:
      throw new SignUpRefused('Accounts are created by an organizer. Ask one to add you.');
  }
}

/** The fields of Cognito's pre token generation event (V1) this trigger reads and writes. */
export interface PreTokenEvent {
  readonly triggerSource: string;
  readonly userName: string;
  readonly request: {
    readonly userAttributes: Readonly<Record<string, string>>;
    readonly groupConfiguration: { readonly groupsToOverride?: readonly string[] };
  };
  response: { claimsOverrideDetails?: { groupOverrideDetails?: { groupsToOverride: string[] } } };
}

/** A user who signed in through a federated provider (Cognito records the provider in `identities`). */
export const isExternal = (attributes: Readonly<Record<string, string>>): boolean =>
  Boolean(attributes.identities && attributes.identities !== '[]');

/** Pre token generation: allow-listed external users are members; the list is checked at every sign-in. */
export function preTokenGeneration<E extends PreTokenEvent>(event: E, allow: AllowList): E {
  const attributes = event.request.userAttributes;
  if (!isExternal(attributes)) return event;
  const groups = new Set(event.request.groupConfiguration.groupsToOverride ?? []);
  if (isAllowed(attributes.email, allow)) groups.add(GROUPS.members);
  else {
    // Off the list: no group at all, so the page and the token exchange refuse them.
    groups.clear();
  }
  event.response = {
    ...event.response,
    claimsOverrideDetails: { groupOverrideDetails: { groupsToOverride: [...groups].sort() } },
  };
  return event;
}
