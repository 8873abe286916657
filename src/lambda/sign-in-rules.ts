import { type PreSignUpEvent, type PreTokenEvent, preSignUp, preTokenGeneration } from '../auth/external-sign-in.js';
import { required } from './required.js';

/** Environment of the sign-in rules function: the allow list as a JSON array. */
export const SIGN_IN_ENV = { allow: 'SIGN_IN_ALLOW' } as const;

/** Lambda entry of the user pool's pre sign-up and pre token generation triggers (logic in src/auth). */
export const handler = async (event: PreSignUpEvent | PreTokenEvent) => {
  const allow = JSON.parse(required(SIGN_IN_ENV.allow)) as string[];
  return event.triggerSource.startsWith('PreSignUp_')
    ? preSignUp(event as PreSignUpEvent, allow)
    : preTokenGeneration(event as PreTokenEvent, allow);
};
