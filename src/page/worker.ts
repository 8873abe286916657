import { type AutomationDeps, runtime } from '../automation/handlers.js';
import { PlanError } from '../control/plan.js';
import { RefusedError, transition } from '../control/transition.js';

/** What the page's API hands to itself, asynchronously, to run a start or stop. */
export interface PageAction {
  readonly action: 'transition';
  readonly goal: 'running' | 'stopped';
  /** `page:<member e-mail>`: the event log names the person. */
  readonly actor: string;
  /** A start with the recorder. */
  readonly record?: boolean;
}

export const isPageAction = (event: unknown): event is PageAction =>
  typeof event === 'object' && event !== null && (event as { action?: unknown }).action === 'transition';

/**
 * Run a start or stop asked for on the page, through the same control plane, lock and event log as
 * the CLI. A refusal (people in a call, another change running, or a plan refused under the lock, such
 * as a start on a stack that broke after the page checked) is logged there; the page shows it. It is
 * answered, not thrown: Lambda retries a failed asynchronous invocation, and a refusal would only repeat.
 */
export async function runPageAction(deps: AutomationDeps, action: PageAction): Promise<{ outcome: string; detail?: string }> {
  try {
    const result = await transition(
      {
        goal: action.goal,
        actor: action.actor,
        reason: 'organizer page',
        ...(action.goal === 'running' && action.record ? { record: true } : {}),
      },
      runtime(deps),
    );
    deps.log({ message: 'page action', goal: action.goal, actor: action.actor, outcome: result.outcome, to: result.to });
    return { outcome: result.outcome };
  } catch (error) {
    if (error instanceof RefusedError || error instanceof PlanError) {
      deps.log({ message: 'page action refused', goal: action.goal, actor: action.actor, why: error.message });
      return { outcome: 'refused', detail: error.message };
    }
    throw error;
  }
}
