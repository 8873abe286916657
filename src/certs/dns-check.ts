import { promises as dns } from 'node:dns';

/**
 * Before the CA is asked to look, check that the DNS-01 record can be read: through `resolver` (the
 * system's, or the test's), following a CNAME; when that finds nothing or only other values (a
 * cached earlier record), from the zone's own name servers (found by NS), as the CA's resolvers
 * would. Throws naming the record.
 */
export async function verifyTxtRecord(name: string, value: string, resolver: dns.Resolver = new dns.Resolver()): Promise<void> {
  const cached = await txtValues(name, resolver).catch(() => undefined);
  if (cached?.includes(value)) return;
  const authoritative = await authoritativeResolver(name, resolver).catch(() => undefined);
  const fresh = authoritative ? await txtValues(name, authoritative).catch(() => undefined) : undefined;
  if (fresh?.includes(value)) return;
  if (cached || fresh) throw new Error(`the DNS-01 TXT record ${name} does not hold the key authorization`);
  throw new Error(`no TXT record at ${name}${authoritative ? '' : ', and no name server of its zone could be found'}`);
}

async function txtValues(name: string, resolver: dns.Resolver, depth = 0): Promise<string[]> {
  const cname = await resolver.resolveCname(name).catch(() => [] as string[]);
  if (cname[0] && depth < 8) return txtValues(cname[0], resolver, depth + 1);
  const records = await resolver.resolveTxt(name).catch(() => [] as string[][]);
  // A TXT record may come in several character strings (RFC 1035 §3.3.14): they are one value.
  if (records.length === 0) throw new Error(`no TXT record at ${name}`);
  return records.map((chunks) => chunks.join(''));
}

/** A resolver that asks the name servers of the zone holding `name` directly. */
async function authoritativeResolver(name: string, resolver: dns.Resolver): Promise<dns.Resolver> {
  const labels = name.split('.');
  for (let i = 0; i < labels.length - 1; i++) {
    const zone = labels.slice(i).join('.');
    const servers = await resolver.resolveNs(zone).catch(() => [] as string[]);
    if (servers.length === 0) continue;
    const addresses = (await Promise.all(servers.map((s) => resolver.resolve4(s).catch(() => [] as string[])))).flat();
    if (addresses.length === 0) break;
    const authoritative = new dns.Resolver();
    authoritative.setServers(addresses);
    return authoritative;
  }
  throw new Error(`no name server found for ${name}`);
}
