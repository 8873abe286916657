import { type RecordTarget, StaleRecordError } from '../../src/control/task-dns.js';

/**
 * The meeting host's record and the DNS function's task rows, in memory, with the contracts the
 * adapters are checked for against moto and dynalite (test/control/task-dns.test.ts): a change is
 * Route 53's conditional batch (it fails as stale unless `from` is what the record holds), a row only
 * moves to a newer event version, and a change is noted only on the version that made it.
 */
export function memoryHostRecord(initial?: RecordTarget) {
  let held = initial;
  const changes: Array<{ from?: RecordTarget; to: RecordTarget }> = [];
  const rows = new Map<string, { version: number; ip?: string; changeId?: string }>();
  return {
    changes,
    rows,
    record: () => held,
    set: (target: RecordTarget) => {
      held = target;
    },
    current: async () => held,
    replace: async (from: RecordTarget | undefined, to: RecordTarget) => {
      if (JSON.stringify(from) !== JSON.stringify(held)) throw new StaleRecordError();
      held = to;
      changes.push({ ...(from ? { from } : {}), to });
      return `/change/C${changes.length}`;
    },
    putRow: async (arn: string, version: number, ip?: string) => {
      const known = rows.get(arn);
      if (known && known.version > version) return false;
      rows.set(arn, { ...known, version, ...(ip ? { ip } : {}) });
      return true;
    },
    noteChange: async (arn: string, version: number, changeId: string) => {
      const known = rows.get(arn);
      if (known?.version === version) rows.set(arn, { ...known, changeId });
    },
  };
}
