/**
 * The organizer page's "Recently" list in plain words: who started or stopped the server and how it
 * ended, from the event log's actor, goal and outcome (src/control/ports.ts, TransitionEvent). Pure.
 */

/** Who asked, as people read it: a member's address, a meetup's schedule, or one of the automatic stops. */
export function actorWords(actor: string): string {
  const [kind, ...rest] = actor.split(':');
  const name = rest.join(':');
  if (kind === 'page' && name) return name;
  if (kind === 'cli' && name) return `${name} (command line)`;
  if (kind === 'schedule' && name) return `The meetup ${name}`;
  const automatic: Record<string, string> = {
    'idle-stop': 'The idle stop',
    'runtime-guard': 'The runtime guard',
    'rotation-schedule': 'The monthly password change',
  };
  return automatic[actor] ?? actor;
}

/** What was asked for: [done, asked for]. */
const GOALS: Record<string, readonly [string, string]> = {
  running: ['started the server', 'to start the server'],
  stopped: ['stopped the server', 'to stop the server'],
  'powered-up': ['switched the server on', 'to switch the server on'],
  'powered-down': ['switched the server off', 'to switch the server off'],
  destroyed: ['deleted the server', 'to delete the server'],
  'rotate-secrets': ['changed the internal passwords', 'to change the internal passwords'],
  deploy: ['updated the server', 'to update the server'],
};

const OUTCOMES: Record<string, string> = {
  'no-op': 'nothing to do',
  failed: 'it did not work',
  refused: 'refused, to protect a meeting or a recording',
  aborted: 'interrupted',
  cancelled: 'cancelled',
};

/** One line: "ana@example.org started the server", or "… asked to stop the server: refused, …". */
export function historyText(event: { readonly actor: string; readonly goal: string; readonly outcome: string }): string {
  const who = actorWords(event.actor);
  const [done, asked] = GOALS[event.goal] ?? [`did ${event.goal}`, `for ${event.goal}`];
  if (event.outcome === 'done') return `${who} ${done}`;
  return `${who} asked ${asked}: ${OUTCOMES[event.outcome] ?? event.outcome}`;
}
