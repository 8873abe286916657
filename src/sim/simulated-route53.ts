import {
  type Change,
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  InvalidChangeBatch,
  ListResourceRecordSetsCommand,
  NoSuchChange,
  NoSuchHostedZone,
  type ResourceRecordSet,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import type { Clock } from '../control/ports.js';

/**
 * Route 53's record changes as AWS documents them, behind the SDK client's `send`, so the project's
 * Route 53 adapters (src/aws/route53.ts, src/aws/task-dns-adapters.ts) run on it unchanged. It keeps
 * the rules the DNS function relies on, where moto deviates (test/boundary/contract-route53.test.ts):
 *
 * - A change batch is validated as a whole, against the zone as each earlier change of the batch
 *   leaves it, and applied all or nothing: "If validation for both records succeeds, Route 53 deletes
 *   the first resource record set and creates the second resource record set in a single operation."
 *   https://docs.aws.amazon.com/Route53/latest/APIReference/API_ChangeResourceRecordSets.html
 * - DELETE names exactly the current values ("you must specify all the same values that you specified
 *   when you created it", API_Change), CREATE fails when a record of the name and type exists, UPSERT
 *   replaces it; an alias and a plain record of the same name and type never coexist.
 * - A change is PENDING until it reached every server, then INSYNC (API_GetChange).
 */
export class SimulatedRoute53 {
  private readonly zones = new Map<string, { name: string; records: ResourceRecordSet[] }>();
  private readonly changes = new Map<string, number>();
  private counter = 0;

  constructor(
    private readonly clock: Pick<Clock, 'now'> = { now: () => Date.now() },
    /** Seconds from a change until GetChange says INSYNC (Route 53: "generally within 60 seconds"). */
    private readonly syncSeconds = 0,
  ) {}

  /** A hosted zone for `name`; its id. */
  createZone(name: string): string {
    this.counter += 1;
    const id = `ZSIM${String(this.counter).padStart(10, '0')}`;
    this.zones.set(id, { name: absolute(name), records: [] });
    return id;
  }

  /** The record sets of a zone (as ListResourceRecordSets returns them). */
  records(zoneId: string): ResourceRecordSet[] {
    return this.zone(zoneId).records.map((r) => structuredClone(r));
  }

  /** This simulator as the SDK client the adapters take: they only call `send`. */
  asClient(): Route53Client {
    return this as unknown as Route53Client;
  }

  async send(command: unknown): Promise<unknown> {
    if (command instanceof ChangeResourceRecordSetsCommand) {
      const { HostedZoneId, ChangeBatch } = command.input;
      return { ChangeInfo: this.change(HostedZoneId ?? '', ChangeBatch?.Changes ?? []), $metadata: {} };
    }
    if (command instanceof ListResourceRecordSetsCommand) return { ...this.list(command.input), $metadata: {} };
    if (command instanceof GetChangeCommand) return { ChangeInfo: this.changeInfo(command.input.Id ?? ''), $metadata: {} };
    throw new Error(`the simulated Route 53 does not answer ${(command as object).constructor.name}`);
  }

  private zone(id: string) {
    const zone = this.zones.get(id.replace('/hostedzone/', ''));
    if (!zone) throw new NoSuchHostedZone({ message: `No hosted zone found with ID: ${id}`, $metadata: {} });
    return zone;
  }

  private change(zoneId: string, changes: readonly Change[]) {
    const zone = this.zone(zoneId);
    // Validate against a copy, each change on the zone as the changes before it left it; keep it only if all pass.
    const records = zone.records.map((r) => structuredClone(r));
    for (const change of changes) applyChange(records, zone.name, change);
    zone.records = records;
    this.counter += 1;
    const id = `/change/CSIM${String(this.counter).padStart(10, '0')}`;
    this.changes.set(id, this.clock.now());
    return this.changeInfo(id);
  }

  private changeInfo(id: string) {
    const submitted = this.changes.get(id.startsWith('/change/') ? id : `/change/${id}`);
    if (submitted === undefined)
      throw new NoSuchChange({ message: `A change with the specified change ID does not exist.`, $metadata: {} });
    const inSync = this.clock.now() - submitted >= this.syncSeconds * 1000;
    return { Id: id, Status: inSync ? 'INSYNC' : 'PENDING', SubmittedAt: new Date(submitted) };
  }

  /** Record sets in Route 53's order (names by their labels right to left, then type), from the start name and type. */
  private list(input: ListResourceRecordSetsCommand['input']) {
    const zone = this.zone(input.HostedZoneId ?? '');
    const sorted = [...zone.records].sort((a, b) => compareRecords(a, b));
    const start = input.StartRecordName
      ? { Name: absolute(input.StartRecordName), Type: input.StartRecordType ?? '' }
      : undefined;
    const from = start ? sorted.filter((r) => compareRecords(r, start) >= 0) : sorted;
    const max = Number(input.MaxItems ?? 300);
    const page = from.slice(0, max);
    const next = from[max];
    return {
      ResourceRecordSets: page.map((r) => structuredClone(r)),
      IsTruncated: next !== undefined,
      MaxItems: max,
      ...(next ? { NextRecordName: next.Name, NextRecordType: next.Type } : {}),
    };
  }
}

/** Names end with a dot and are compared lowercase. */
const absolute = (name: string): string => `${name.replace(/\.$/, '').toLowerCase()}.`;
const reversed = (name: string): string => absolute(name).split('.').reverse().join('.');

function compareRecords(a: { Name?: string; Type?: string }, b: { Name?: string; Type?: string }): number {
  const byName = reversed(a.Name ?? '').localeCompare(reversed(b.Name ?? ''));
  return byName !== 0 ? byName : (a.Type ?? '').localeCompare(b.Type ?? '');
}

function invalid(message: string): InvalidChangeBatch {
  return new InvalidChangeBatch({ message, messages: [message], $metadata: {} });
}

/** The record set as Route 53 stores it: absolute lowercase name, alias DNS name absolute, no TTL on an alias. */
function stored(set: ResourceRecordSet): ResourceRecordSet {
  const { Name, Type, TTL, ResourceRecords, AliasTarget } = set;
  return AliasTarget
    ? {
        Name: absolute(Name ?? ''),
        Type,
        AliasTarget: {
          HostedZoneId: AliasTarget.HostedZoneId,
          DNSName: absolute(AliasTarget.DNSName ?? ''),
          EvaluateTargetHealth: AliasTarget.EvaluateTargetHealth ?? false,
        },
      }
    : { Name: absolute(Name ?? ''), Type, TTL, ResourceRecords: (ResourceRecords ?? []).map((r) => ({ Value: r.Value })) };
}

/** Same values: an alias by its target, a plain record by its TTL and (unordered) values. */
function sameValues(a: ResourceRecordSet, b: ResourceRecordSet): boolean {
  if (a.AliasTarget || b.AliasTarget) {
    return (
      Boolean(a.AliasTarget && b.AliasTarget) &&
      a.AliasTarget?.HostedZoneId === b.AliasTarget?.HostedZoneId &&
      a.AliasTarget?.DNSName === b.AliasTarget?.DNSName &&
      a.AliasTarget?.EvaluateTargetHealth === b.AliasTarget?.EvaluateTargetHealth
    );
  }
  const values = (r: ResourceRecordSet) => (r.ResourceRecords ?? []).map((v) => v.Value ?? '').sort();
  return a.TTL === b.TTL && JSON.stringify(values(a)) === JSON.stringify(values(b));
}

/** Apply one change to `records` as Route 53 validates it (InvalidChangeBatch when it may not). */
function applyChange(records: ResourceRecordSet[], zoneName: string, change: Change): void {
  if (!change.ResourceRecordSet) throw invalid('A change names no resource record set');
  const set = stored(change.ResourceRecordSet);
  const what = `[name='${set.Name}', type='${set.Type}']`;
  if (!set.Name?.endsWith(`.${zoneName}`) && set.Name !== zoneName) {
    throw invalid(`RRSet with DNS name ${set.Name} is not permitted in zone ${zoneName}`);
  }
  const index = records.findIndex((r) => r.Name === set.Name && r.Type === set.Type);
  const existing = index >= 0 ? records[index] : undefined;
  switch (change.Action) {
    case 'CREATE':
      if (existing) throw invalid(`Tried to create resource record set ${what} but it already exists`);
      records.push(set);
      return;
    case 'UPSERT':
      if (existing) records[index] = set;
      else records.push(set);
      return;
    case 'DELETE':
      if (!existing) throw invalid(`Tried to delete resource record set ${what} but it was not found`);
      if (!sameValues(existing, set)) {
        throw invalid(`Tried to delete resource record set ${what} but the values provided do not match the current values`);
      }
      records.splice(index, 1);
      return;
    default:
      throw invalid(`Invalid action ${String(change.Action)}`);
  }
}
