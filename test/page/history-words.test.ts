import { describe, expect, it } from 'vitest';
import { actorWords, historyText } from '../../src/page/history-words.js';

// The organizer page's "Recently" list: the event log's actor, goal and outcome (src/control/ports.ts,
// TransitionEvent; the actors the control plane and the automation write) in plain words.
describe("the page's words for the event log", () => {
  it('names who asked as people know them', () => {
    expect(actorWords('page:ana@ne3d.org')).toBe('ana@ne3d.org');
    expect(actorWords('cli:ana@laptop')).toBe('ana@laptop (command line)');
    expect(actorWords('schedule:weekly')).toBe('The meetup weekly');
    expect(actorWords('idle-stop')).toBe('The idle stop');
    expect(actorWords('runtime-guard')).toBe('The runtime guard');
    expect(actorWords('rotation-schedule')).toBe('The monthly password change');
  });

  it('says what happened, and how it ended when it did not simply work', () => {
    expect(historyText({ actor: 'page:ana@ne3d.org', goal: 'running', outcome: 'done' })).toBe('ana@ne3d.org started the server');
    expect(historyText({ actor: 'idle-stop', goal: 'stopped', outcome: 'done' })).toBe('The idle stop stopped the server');
    expect(historyText({ actor: 'page:bo@ne3d.org', goal: 'stopped', outcome: 'refused' })).toBe(
      'bo@ne3d.org asked to stop the server: refused, to protect a meeting or a recording',
    );
    expect(historyText({ actor: 'schedule:weekly', goal: 'running', outcome: 'failed' })).toBe(
      'The meetup weekly asked to start the server: it did not work',
    );
    expect(historyText({ actor: 'cli:ana@laptop', goal: 'rotate-secrets', outcome: 'done' })).toBe(
      'ana@laptop (command line) changed the internal passwords',
    );
    // Nothing of the log's own vocabulary reaches the page.
    for (const outcome of ['no-op', 'failed', 'refused', 'aborted', 'cancelled']) {
      expect(historyText({ actor: 'idle-stop', goal: 'stopped', outcome })).not.toMatch(/no-op|stopped \(|-/);
    }
  });
});
