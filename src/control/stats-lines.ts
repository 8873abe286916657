/**
 * The stats sidecar's JSON lines (src/infra/stats-sidecar.ts writes them once a minute), as the
 * CloudWatch Logs metric filters (src/infra/constructs/automation.ts, monitoring.ts) and the control
 * plane read them. One place for the names, so writer and readers cannot drift apart:
 *
 * - people: `{"type":"jicofo-stats","ok":true,"stats":{…jicofo's /stats…},"guests":2}`; `guests` is
 *   the number of guests connected to the XMPP server (null when prosody did not answer). Nobody in a
 *   call and guests connected means guests waiting in the lobby for a host (wait-for-host).
 * - bridge: `{"type":"jvb-metrics","ok":true,"stress":0.42,"rtt_ms":38.5,"loss":0.01,"conferences":1,"endpoints":3}`,
 *   read from the bridge's Prometheus `/metrics`; a field is left out when the bridge did not report it.
 * - health: `{"type":"health","component":"jvb","ok":false}` for a component whose health endpoint
 *   fails after it had passed once (never during start-up).
 */
export const STATS_LINE = {
  people: 'jicofo-stats',
  bridge: 'jvb-metrics',
  health: 'health',
} as const;

/** The bridge line's fields (numbers). */
export const BRIDGE_FIELDS = ['stress', 'rtt_ms', 'loss', 'conferences', 'endpoints'] as const;

/** The components whose health the sidecar checks (container names of the task). */
export const HEALTH_COMPONENTS = ['web', 'prosody', 'jicofo', 'jvb'] as const;

/** What one people line says: people in calls, and guests connected (undefined when unknown). */
export interface PeopleLine {
  readonly participants: number;
  readonly guests?: number;
}

const count = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;

function parse(line: string | undefined): Record<string, unknown> | undefined {
  if (!line) return undefined;
  try {
    const parsed: unknown = JSON.parse(line);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The people in a line: undefined unless it is a people line whose jicofo answered with a count
 * (unknown is never zero). Guests are undefined when prosody did not answer.
 */
export function peopleFromLine(line: string | undefined): PeopleLine | undefined {
  const parsed = parse(line);
  if (!parsed || parsed.type !== STATS_LINE.people || parsed.ok !== true) return undefined;
  const stats = parsed.stats as Record<string, unknown> | null | undefined;
  const participants = count(stats?.participants);
  if (participants === undefined) return undefined;
  const guests = count(parsed.guests);
  return guests === undefined ? { participants } : { participants, guests };
}
