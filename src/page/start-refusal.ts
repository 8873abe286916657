import { stackBroken } from '../control/phase.js';
import { PlanError, type PlanOptions, plan } from '../control/plan.js';
import type { Snapshot } from '../control/snapshot.js';

/**
 * Why the page's Start cannot work now, in words for organizers: the control plane's own plan for
 * `running` is asked (src/control/plan.ts), and its refusal is said without the command line's
 * wording. The start itself still goes through `transition`, which plans again under the lock. Pure.
 */

/** A stack CloudFormation left broken: the plan refuses every start until a person repairs it. */
export const START_NEEDS_REPAIR =
  'The meeting server cannot start until its setup is repaired. Only the person who set it up can do that: tell them. Stop still works.';
/** Any other refusal of the plan (its message is for the command line). */
export const START_REFUSED = 'The meeting server cannot start just now. Tell the person who set it up: they can see why.';
export const NOT_SET_UP = 'There is no meeting server here yet.';

/** Undefined when the plan would start the meeting (or it runs already); otherwise why not, in plain words. */
export function startRefusal(snapshot: Snapshot | undefined, options: Pick<PlanOptions, 'record'> = {}): string | undefined {
  try {
    plan('running', snapshot, options);
    return undefined;
  } catch (error) {
    if (!(error instanceof PlanError)) throw error;
    if (!snapshot) return NOT_SET_UP;
    return stackBroken(snapshot) ? START_NEEDS_REPAIR : START_REFUSED;
  }
}
