import { describe, expect, it } from 'vitest';
import type { Health } from '../../src/control/snapshot.js';
import { startUpChecks } from '../../src/control/steps.js';
import { task } from '../support/snapshots.js';

const withHealth = (health: Record<string, Health>) =>
  task({ containers: Object.entries(health).map(([name, h]) => ({ name, lastStatus: 'RUNNING', health: h })) });

// While a running task gets healthy, the wait names what passed and what fails, never the containers
// that ECS shows UNKNOWN for good because they have no health check (the sidecars).
describe('the start-up checks of a running task, in words', () => {
  it('before any check passed', () => {
    expect(startUpChecks(withHealth({ prosody: 'UNKNOWN', jvb: 'UNKNOWN', tls: 'UNKNOWN' }))).toBe(
      'no start-up check passed yet',
    );
  });

  it('names the passed ones, not the ones still unknown', () => {
    expect(startUpChecks(withHealth({ prosody: 'HEALTHY', web: 'HEALTHY', jvb: 'UNKNOWN', tls: 'UNKNOWN' }))).toBe(
      'start-up checks passed: prosody, web',
    );
  });

  it('names a failing one', () => {
    expect(startUpChecks(withHealth({ prosody: 'HEALTHY', jicofo: 'UNHEALTHY', stats: 'UNKNOWN' }))).toBe(
      'start-up checks passed: prosody; failing: jicofo',
    );
    expect(startUpChecks(withHealth({ jicofo: 'UNHEALTHY' }))).toBe('no start-up check passed yet; failing: jicofo');
  });
});
