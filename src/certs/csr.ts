import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';

/**
 * The certificate signing request for the meeting host: a PKCS#10 request (RFC 2986) for a new ECDSA
 * P-256 key, naming the host as common name and in a subjectAltName extension request (what the CA
 * reads: RFC 8555 §7.4 has the CSR carry the order's identifiers; Let's Encrypt uses the SAN). Only
 * the few DER encodings (ITU-T X.690) this one structure needs; the key, the public key's
 * SubjectPublicKeyInfo and the signature come from node:crypto.
 */

/** DER tag bytes used here (X.690 §8). */
const TAG = {
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  oid: 0x06,
  utf8String: 0x0c,
  sequence: 0x30,
  set: 0x31,
  /** [0] IMPLICIT, constructed: the CertificationRequestInfo's attributes. */
  context0: 0xa0,
  /** [2] IMPLICIT IA5String: GeneralName's dNSName (RFC 5280 §4.2.1.6). */
  dnsName: 0x82,
} as const;

/** X.690 §8.1.3: short form below 128, else 0x80 | the number of length bytes, then the length big-endian. */
export function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
}

/** X.690 §8.19: the first two arcs as 40·a + b, then each arc in base 128, high bit on all but the last byte. */
export function derOid(dotted: string): Buffer {
  const [a = 0, b = 0, ...rest] = dotted.split('.').map(Number);
  const bytes = [40 * a + b];
  for (const arc of rest) {
    const groups = [arc % 128];
    for (let n = Math.floor(arc / 128); n > 0; n = Math.floor(n / 128)) groups.unshift(0x80 | (n % 128));
    bytes.push(...groups);
  }
  return der(TAG.oid, Buffer.from(bytes));
}

const OID = {
  commonName: '2.5.4.3',
  /** PKCS#9 extensionRequest (RFC 2985 §5.4.2). */
  extensionRequest: '1.2.840.113549.1.9.14',
  subjectAltName: '2.5.29.17',
  /** RFC 5758 §3.2. */
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
} as const;

/** The DER CertificationRequest (RFC 2986 §4) for `host`, signed with `key` (ECDSA P-256, SHA-256). */
export function certificationRequest(host: string, key: KeyObject): Buffer {
  const name = der(TAG.sequence, der(TAG.set, der(TAG.sequence, derOid(OID.commonName), der(TAG.utf8String, Buffer.from(host)))));
  const subjectAltName = der(TAG.sequence, der(TAG.dnsName, Buffer.from(host, 'ascii')));
  const extensions = der(TAG.sequence, der(TAG.sequence, derOid(OID.subjectAltName), der(TAG.octetString, subjectAltName)));
  const extensionRequest = der(TAG.sequence, derOid(OID.extensionRequest), der(TAG.set, extensions));
  const publicKeyInfo = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const info = der(TAG.sequence, der(TAG.integer, Buffer.from([0])), name, publicKeyInfo, der(TAG.context0, extensionRequest));
  // X.509 carries an ECDSA signature as the DER SEQUENCE { r, s } (RFC 5758 §3.2), node's default encoding.
  const signature = sign('sha256', info, key);
  const algorithm = der(TAG.sequence, derOid(OID.ecdsaWithSha256));
  return der(TAG.sequence, info, algorithm, der(TAG.bitString, Buffer.from([0]), signature));
}

/** A new ECDSA P-256 key, as PKCS#8 PEM. */
export function newPrivateKeyPem(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** A new certificate key for `host` and its CSR (DER). */
export function createCsr(host: string): { privateKeyPem: string; csr: Buffer } {
  const privateKeyPem = newPrivateKeyPem();
  return { privateKeyPem, csr: certificationRequest(host, createPrivateKey(privateKeyPem)) };
}
