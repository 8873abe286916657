import {
  ChangeResourceRecordSetsCommand,
  type ResourceRecordSet,
  type Route53Client,
  waitUntilResourceRecordSetsChanged,
} from '@aws-sdk/client-route-53';

/** Route 53 names are compared lowercase without the trailing dot (the IAM condition keys use that form too). */
export const normalName = (name: string): string => name.replace(/\.$/, '').toLowerCase();

/** How long to wait for a change to reach every Route 53 server (it usually takes under a minute). */
export const INSYNC_MAX_SECONDS = 300;

/**
 * The few Route 53 calls the certificate renewal and the DNS function make, in one hosted zone.
 * Waiting for INSYNC uses the SDK's own waiter.
 */
export function route53Zone(client: Route53Client, hostedZoneId: string) {
  const change = async (changes: Array<{ Action: 'UPSERT' | 'DELETE' | 'CREATE'; ResourceRecordSet: ResourceRecordSet }>) => {
    const { ChangeInfo } = await client.send(
      new ChangeResourceRecordSetsCommand({ HostedZoneId: hostedZoneId, ChangeBatch: { Changes: changes } }),
    );
    return ChangeInfo?.Id ?? '';
  };
  const txt = (name: string, value: string): ResourceRecordSet => ({
    Name: normalName(name),
    Type: 'TXT',
    TTL: 60,
    // TXT values are quoted strings in Route 53.
    ResourceRecords: [{ Value: JSON.stringify(value) }],
  });
  return {
    /** UPSERT one TXT value; the change id. */
    setTxt: (name: string, value: string) => change([{ Action: 'UPSERT', ResourceRecordSet: txt(name, value) }]),
    /** DELETE exactly that TXT value. */
    removeTxt: async (name: string, value: string) => {
      await change([{ Action: 'DELETE', ResourceRecordSet: txt(name, value) }]);
    },
    /** Resolve when the change is INSYNC. */
    waitInSync: async (changeId: string) => {
      await waitUntilResourceRecordSetsChanged({ client, maxWaitTime: INSYNC_MAX_SECONDS, minDelay: 2 }, { Id: changeId });
    },
  };
}
