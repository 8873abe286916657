import { describe, expect, it } from 'vitest';
import { peopleFromLine } from '../../src/control/stats-lines.js';

describe("the sidecar's people line", () => {
  it('gives people in calls and guests connected', () => {
    expect(peopleFromLine('{"type":"jicofo-stats","ok":true,"stats":{"participants":3},"guests":2}')).toEqual({
      participants: 3,
      guests: 2,
    });
  });

  it('leaves guests out when prosody did not answer (null) or the line predates them', () => {
    expect(peopleFromLine('{"type":"jicofo-stats","ok":true,"stats":{"participants":0},"guests":null}')).toEqual({
      participants: 0,
    });
    expect(peopleFromLine('{"type":"jicofo-stats","ok":true,"stats":{"participants":1}}')).toEqual({ participants: 1 });
  });

  it('is unknown, never zero, when jicofo did not answer, or for any other line', () => {
    expect(peopleFromLine('{"type":"jicofo-stats","ok":false,"stats":null,"guests":2}')).toBeUndefined();
    expect(peopleFromLine('{"type":"jicofo-stats","ok":true,"stats":{"participants":-1}}')).toBeUndefined();
    expect(peopleFromLine('{"type":"jicofo-stats","ok":true,"stats":{"participants":1.5}}')).toBeUndefined();
    expect(peopleFromLine('{"type":"jvb-metrics","ok":true,"stress":0.2}')).toBeUndefined();
    expect(peopleFromLine('[1]')).toBeUndefined();
    expect(peopleFromLine('not json')).toBeUndefined();
    expect(peopleFromLine(undefined)).toBeUndefined();
  });
});
