import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  type GetChangeCommandOutput,
  ListResourceRecordSetsCommand,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import { beforeAll, describe, expect, it } from 'vitest';
import { route53Zone } from '../../src/aws/route53.js';
import { route53HostRecord, TASK_RECORD_TTL } from '../../src/aws/task-dns-adapters.js';
import { StaleRecordError } from '../../src/control/task-dns.js';
import { SimulatedRoute53 } from '../../src/sim/simulated-route53.js';
import type { TemplateJson } from '../support/fixtures.js';
import {
  ASLEEP_TARGET,
  buildZone,
  MOTO_CONFIG,
  motoClients,
  motoForThisFile,
  synthesizedTemplate,
} from '../support/moto-world.js';

/**
 * One behaviour, two implementations: the meeting host's record and the certificate's TXT records,
 * through the project's Route 53 adapters, on the simulated Route 53 (src/sim/simulated-route53.ts)
 * and on moto. Where moto deviates from AWS's change-batch rules, the scenario is in the last
 * section: the simulator follows the AWS document cited, and moto is checked to deviate still.
 */
const moto = motoForThisFile('contract tests of Route 53 against moto');
const config = MOTO_CONFIG;
const host = config.domain;

interface Zone {
  readonly client: Route53Client;
  readonly zoneId: string;
}

let template: TemplateJson;
beforeAll(() => {
  template = synthesizedTemplate(config);
});

/** The zone as the stack leaves it: the meeting host is an alias of the asleep page. */
async function simulatedZone(): Promise<Zone> {
  const route53 = new SimulatedRoute53();
  const zoneId = route53.createZone(config.hostedZone.name);
  await route53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: zoneId,
      ChangeBatch: {
        Changes: [
          {
            Action: 'CREATE',
            ResourceRecordSet: {
              Name: `${host}.`,
              Type: 'A',
              AliasTarget: {
                DNSName: ASLEEP_TARGET.dnsName,
                HostedZoneId: ASLEEP_TARGET.hostedZoneId,
                EvaluateTargetHealth: false,
              },
            },
          },
        ],
      },
    }),
  );
  return { client: route53.asClient(), zoneId };
}

async function motoZone(): Promise<Zone> {
  await moto.server().reset();
  const clients = motoClients();
  return { client: clients.route53, zoneId: await buildZone(clients, template, config) };
}

const zones: Array<[string, () => Promise<Zone>]> = [
  ['the simulated Route 53', simulatedZone],
  ...(moto.available ? [['moto', motoZone] as [string, () => Promise<Zone>]] : []),
];

const record = (zone: Zone) => route53HostRecord(zone.client, zone.zoneId, host, ASLEEP_TARGET);
const names = async (zone: Zone, type: string) => {
  const { ResourceRecordSets } = await zone.client.send(new ListResourceRecordSetsCommand({ HostedZoneId: zone.zoneId }));
  return (ResourceRecordSets ?? []).filter((r) => r.Type === type);
};
const nameOf = async (call: Promise<unknown>): Promise<string> =>
  call.then(
    () => 'no error',
    (error: unknown) => (error instanceof Error ? error.name : String(error)),
  );

describe.each(zones)('the meeting host record in %s', (_name, make) => {
  it('reads the alias as asleep, switches to the task address and back in one batch each, in sync', async () => {
    const zone = await make();
    const host53 = record(zone);
    const dns = route53Zone(zone.client, zone.zoneId);
    expect(await host53.current()).toEqual({ kind: 'asleep' });
    const toTask = await host53.replace({ kind: 'asleep' }, { kind: 'task', ip: '198.51.100.7' });
    expect(toTask).toMatch(/\S/);
    await dns.waitInSync(toTask);
    expect(await host53.current()).toEqual({ kind: 'task', ip: '198.51.100.7' });
    // One A record for the name: the alias is gone, not kept next to the address.
    expect(await names(zone, 'A')).toEqual([
      expect.objectContaining({ Name: `${host}.`, TTL: TASK_RECORD_TTL, ResourceRecords: [{ Value: '198.51.100.7' }] }),
    ]);
    // The stop: DELETE exactly the address that is there, CREATE the alias.
    await dns.waitInSync(await host53.replace({ kind: 'task', ip: '198.51.100.7' }, { kind: 'asleep' }));
    expect(await host53.current()).toEqual({ kind: 'asleep' });
    // The next start gets another address.
    await host53.replace({ kind: 'asleep' }, { kind: 'task', ip: '203.0.113.9' });
    expect(await host53.current()).toEqual({ kind: 'task', ip: '203.0.113.9' });
  });

  it('reads no record as undefined and creates one without a DELETE', async () => {
    const zone = await make();
    const other = route53HostRecord(zone.client, zone.zoneId, 'other.ne3d.org', ASLEEP_TARGET);
    expect(await other.current()).toBeUndefined();
    await other.replace(undefined, { kind: 'task', ip: '198.51.100.20' });
    expect(await other.current()).toEqual({ kind: 'task', ip: '198.51.100.20' });
    // The meeting host is untouched.
    expect(await record(zone).current()).toEqual({ kind: 'asleep' });
  });

  it('UPSERTs and DELETEs the TXT value of the ACME challenge', async () => {
    const zone = await make();
    const dns = route53Zone(zone.client, zone.zoneId);
    const challenge = `_acme-challenge.${host}`;
    await dns.waitInSync(await dns.setTxt(challenge, 'first-token'));
    await dns.waitInSync(await dns.setTxt(challenge, 'second-token'));
    expect(await names(zone, 'TXT')).toEqual([
      expect.objectContaining({ Name: `${challenge}.`, TTL: 60, ResourceRecords: [{ Value: '"second-token"' }] }),
    ]);
    await dns.removeTxt(challenge, 'second-token');
    expect(await names(zone, 'TXT')).toEqual([]);
  });

  it('refuses a name outside the hosted zone with InvalidChangeBatch', async () => {
    const zone = await make();
    expect(await nameOf(route53Zone(zone.client, zone.zoneId).setTxt('_acme-challenge.example.com', 'x'))).toBe(
      'InvalidChangeBatch',
    );
  });
});

/**
 * Where moto deviates from AWS's change-batch rules
 * (https://docs.aws.amazon.com/Route53/latest/APIReference/API_ChangeResourceRecordSets.html and
 * API_Change.html): the simulator follows them; moto is checked to deviate still.
 */
describe('where moto deviates from AWS', () => {
  it('a DELETE must name the current values: a stale switch fails as a whole (StaleRecordError)', async () => {
    // API_Change, DELETE: "To delete a resource record set, you must specify all the same values that you
    // specified when you created it." The DNS function relies on it so that a stale event cannot overwrite.
    const zone = await simulatedZone();
    await record(zone).replace({ kind: 'asleep' }, { kind: 'task', ip: '198.51.100.7' });
    await expect(record(zone).replace({ kind: 'task', ip: '198.51.100.99' }, { kind: 'asleep' })).rejects.toThrow(
      StaleRecordError,
    );
    expect(await record(zone).current()).toEqual({ kind: 'task', ip: '198.51.100.7' });
    if (!moto.available) return;
    // moto deletes every A record of the name whatever values the DELETE names.
    const m = await motoZone();
    await record(m).replace({ kind: 'asleep' }, { kind: 'task', ip: '198.51.100.7' });
    await record(m).replace({ kind: 'task', ip: '198.51.100.99' }, { kind: 'asleep' });
    expect(await record(m).current()).toEqual({ kind: 'asleep' });
  });

  it('a DELETE names the TTL the record has: one written by an older release (60 s) is switched back to asleep', async () => {
    // API_Change, DELETE: all the same values, the TTL among them. The task record's TTL went from 60 s
    // to 30 s; a task running across that deploy still has a 60 s record, read back with its TTL.
    const zone = await simulatedZone();
    await zone.client.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zone.zoneId,
        ChangeBatch: {
          Changes: [
            {
              Action: 'DELETE',
              ResourceRecordSet: {
                Name: `${host}.`,
                Type: 'A',
                AliasTarget: {
                  DNSName: ASLEEP_TARGET.dnsName,
                  HostedZoneId: ASLEEP_TARGET.hostedZoneId,
                  EvaluateTargetHealth: false,
                },
              },
            },
            {
              Action: 'CREATE',
              ResourceRecordSet: { Name: host, Type: 'A', TTL: 60, ResourceRecords: [{ Value: '198.51.100.7' }] },
            },
          ],
        },
      }),
    );
    const read = await record(zone).current();
    expect(read).toEqual({ kind: 'task', ip: '198.51.100.7', ttl: 60 });
    await record(zone).replace(read, { kind: 'asleep' });
    expect(await record(zone).current()).toEqual({ kind: 'asleep' });
    // The control: the same DELETE with this release's TTL does not match.
    await record(zone).replace({ kind: 'asleep' }, { kind: 'task', ip: '198.51.100.8' });
    await expect(record(zone).replace({ kind: 'task', ip: '198.51.100.8', ttl: 60 }, { kind: 'asleep' })).rejects.toThrow(
      StaleRecordError,
    );
    expect(TASK_RECORD_TTL).toBe(30);
  });

  it('a CREATE fails while a record of the name and type exists (an alias and an address never coexist)', async () => {
    // API_ChangeResourceRecordSets, InvalidChangeBatch: "Tried to create resource record set ... but it already exists".
    const zone = await simulatedZone();
    expect(await nameOf(record(zone).replace(undefined, { kind: 'task', ip: '198.51.100.7' }))).toBe('StaleRecordError');
    expect(await names(zone, 'A')).toHaveLength(1);
    if (!moto.available) return;
    // moto adds the address next to the alias: two A record sets for one name.
    const m = await motoZone();
    await record(m).replace(undefined, { kind: 'task', ip: '198.51.100.7' });
    expect(await names(m, 'A')).toHaveLength(2);
  });

  it('a DELETE and a CREATE of the same name in one batch apply in order: back to an address used before', async () => {
    // API_ChangeResourceRecordSets: "If validation for both records succeeds, Route 53 deletes the first
    // resource record set and creates the second resource record set in a single operation."
    const zone = await simulatedZone();
    const host53 = record(zone);
    await host53.replace({ kind: 'asleep' }, { kind: 'task', ip: '198.51.100.7' });
    await host53.replace({ kind: 'task', ip: '198.51.100.7' }, { kind: 'asleep' });
    await host53.replace({ kind: 'asleep' }, { kind: 'task', ip: '198.51.100.7' });
    expect(await host53.current()).toEqual({ kind: 'task', ip: '198.51.100.7' });
    if (!moto.available) return;
    // moto checks each CREATE against its journal of earlier changes before it applies the batch's DELETE:
    // a value created once cannot be created again while the record it replaces is there.
    const m = await motoZone();
    const motoHost = record(m);
    await motoHost.replace({ kind: 'asleep' }, { kind: 'task', ip: '198.51.100.7' });
    await motoHost.replace({ kind: 'task', ip: '198.51.100.7' }, { kind: 'asleep' });
    await expect(motoHost.replace({ kind: 'asleep' }, { kind: 'task', ip: '198.51.100.7' })).rejects.toThrow(/already exists/);
    expect(await motoHost.current()).toEqual({ kind: 'asleep' });
  });

  it('a batch is all or nothing: when one change is invalid, none is made', async () => {
    // API_ChangeResourceRecordSets: "Route 53 validates the changes in the request and then either makes
    // all or none of the changes in the change batch request."
    const batch = (zone: Zone) =>
      zone.client.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: zone.zoneId,
          ChangeBatch: {
            Changes: [
              {
                Action: 'DELETE',
                ResourceRecordSet: {
                  Name: host,
                  Type: 'A',
                  AliasTarget: {
                    DNSName: ASLEEP_TARGET.dnsName,
                    HostedZoneId: ASLEEP_TARGET.hostedZoneId,
                    EvaluateTargetHealth: false,
                  },
                },
              },
              {
                Action: 'CREATE',
                ResourceRecordSet: { Name: 'elsewhere.example.com', Type: 'TXT', TTL: 60, ResourceRecords: [{ Value: '"x"' }] },
              },
            ],
          },
        }),
      );
    const zone = await simulatedZone();
    expect(await nameOf(batch(zone))).toBe('InvalidChangeBatch');
    expect(await record(zone).current()).toEqual({ kind: 'asleep' });
    if (!moto.available) return;
    // moto applies the DELETE, then fails on the CREATE: the meeting host has no record left.
    const m = await motoZone();
    expect(await nameOf(batch(m))).toBe('InvalidChangeBatch');
    expect(await record(m).current()).toBeUndefined();
  });

  it('a DELETE of a record that is not there fails with InvalidChangeBatch', async () => {
    // API_ChangeResourceRecordSets, InvalidChangeBatch: "Tried to delete resource record set ... but it was not found".
    const zone = await simulatedZone();
    expect(await nameOf(route53Zone(zone.client, zone.zoneId).removeTxt(`_acme-challenge.${host}`, 'gone'))).toBe(
      'InvalidChangeBatch',
    );
    if (!moto.available) return;
    // moto answers InvalidInput.
    const m = await motoZone();
    expect(await nameOf(route53Zone(m.client, m.zoneId).removeTxt(`_acme-challenge.${host}`, 'gone'))).toBe('InvalidInput');
  });
});

describe('the simulated Route 53', () => {
  it('says PENDING until the change reached every server, then INSYNC', async () => {
    let now = Date.UTC(2026, 11, 3, 18);
    const route53 = new SimulatedRoute53({ now: () => now }, 30);
    const zoneId = route53.createZone('ne3d.org');
    const id = await route53Zone(route53.asClient(), zoneId).setTxt('_acme-challenge.meet.ne3d.org', 't');
    const status = async () =>
      ((await route53.send(new GetChangeCommand({ Id: id }))) as GetChangeCommandOutput).ChangeInfo?.Status;
    expect(await status()).toBe('PENDING');
    now += 30_000;
    expect(await status()).toBe('INSYNC');
  });
});
