import { describe, expect, it } from 'vitest';
import { recorderRelease } from '../../src/config/schema.js';
import { localRecordingEnv, parseRecorderStatus } from '../../src/recording/recorder.js';
import { configWith } from '../support/fixtures.js';

describe('local recording settings', () => {
  it('maps each field to the web image variable, with ENABLE_LOCAL_RECORDING_SELF_START inverted (it sets disableSelfRecording)', () => {
    expect(localRecordingEnv({ enabled: true, notifyAllParticipants: true, selfRecording: true })).toEqual({
      DISABLE_LOCAL_RECORDING: 'false',
      ENABLE_LOCAL_RECORDING_NOTIFY_ALL_PARTICIPANT: 'true',
      ENABLE_LOCAL_RECORDING_SELF_START: 'false',
    });
    expect(localRecordingEnv({ enabled: false, notifyAllParticipants: false, selfRecording: false })).toEqual({
      DISABLE_LOCAL_RECORDING: 'true',
      ENABLE_LOCAL_RECORDING_NOTIFY_ALL_PARTICIPANT: 'false',
      // No self recording means disableSelfRecording: true.
      ENABLE_LOCAL_RECORDING_SELF_START: 'true',
    });
  });

  it('defaults: local recording off (it would show Record to everyone), everyone told, self recording allowed; server recording off', () => {
    expect(configWith({}).recording).toEqual({
      enabled: false,
      instanceType: 'c6a.xlarge',
      maxHours: 4,
      local: { enabled: false, notifyAllParticipants: true, selfRecording: true },
    });
  });
});

describe('recording config', () => {
  it('needs stable-11146-1 or newer for the recorder', () => {
    expect(recorderRelease('stable-11146')).toBe(false);
    expect(recorderRelease('stable-11146-1')).toBe(true);
    expect(recorderRelease('stable-11146-2')).toBe(true);
    expect(recorderRelease('stable-11031')).toBe(false);
    expect(recorderRelease('stable-11200')).toBe(true);
    expect(() => configWith({ jitsiRelease: 'stable-11146', recording: { enabled: true } })).toThrow(
      /recording\.enabled needs "jitsiRelease" stable-11146-1 or newer/,
    );
    expect(() => configWith({ jitsiRelease: 'stable-11146' })).not.toThrow();
  });

  it('refuses arm64 and too-small instance types, naming the field', () => {
    expect(() => configWith({ recording: { enabled: true, instanceType: 'c7g.xlarge' } })).toThrow(
      /recording\.instanceType is an arm64 \(Graviton\) type/,
    );
    expect(() => configWith({ recording: { enabled: true, instanceType: 't3.large' } })).toThrow(
      /recording\.instanceType is too small/,
    );
    expect(() => configWith({ recording: { enabled: true, instanceType: 'c6i.large' } })).toThrow(/too small/);
    expect(configWith({ recording: { enabled: true, instanceType: 'm6a.2xlarge' } }).recording.instanceType).toBe('m6a.2xlarge');
    expect(() => configWith({ recording: { maxHours: 13 } })).toThrow(/recording\.maxHours must be at most 12/);
  });
});

describe("the recorder's status lines", () => {
  it("reads Jibri's busy status and health, and a recorder that does not answer", () => {
    const line = (health: unknown, ok = true) => JSON.stringify({ type: 'recorder-status', ok, health });
    expect(
      parseRecorderStatus(line({ status: { busyStatus: 'BUSY', health: { healthStatus: 'HEALTHY', details: {} } } }), 5),
    ).toEqual({
      at: 5,
      answering: true,
      busy: 'BUSY',
      healthy: true,
      pending: [],
    });
    expect(parseRecorderStatus(line(null, false), 6)).toEqual({ at: 6, answering: false, pending: [] });
    expect(parseRecorderStatus('{"type":"jicofo-stats"}', 7)).toBeUndefined();
    expect(parseRecorderStatus('2026-11-26 Jibri started', 8)).toBeUndefined();
  });
});
