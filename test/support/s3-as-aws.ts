import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { decide } from './iam.js';

/**
 * A thin layer in front of moto's S3 that answers as AWS documents where moto 5.2.1 does not.
 * Everything else goes to moto unchanged; moto checks the signature and enforces the caller's IAM
 * policies (s3:PutObject, s3:GetObject …) itself.
 *
 * 1. **A missing key without s3:ListBucket is 403.** S3's HeadObject and GetObject references
 *    (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html and API_GetObject.html):
 *    "If the object you request doesn't exist, the error that Amazon S3 returns depends on whether you
 *    also have the s3:ListBucket permission. If you have the s3:ListBucket permission on the bucket,
 *    Amazon S3 returns an HTTP status code 404 Not Found error. If you don't have the s3:ListBucket
 *    permission, Amazon S3 returns an HTTP status code 403 Forbidden error." moto answers 404 either
 *    way; the layer turns it into 403 when iam-simulate says the caller's identity policies do not
 *    allow s3:ListBucket on the bucket.
 * 2. **An ACL on an upload needs s3:PutObjectAcl.** PutObject reference
 *    (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html, Permissions): "To
 *    successfully change the objects ACL of your PutObject request, you must have the
 *    s3:PutObjectAcl." moto only checks s3:PutObject.
 * 3. **A bucket with ACLs disabled takes no ACL but bucket-owner-full-control.** "All S3 PUT requests
 *    must either specify the bucket-owner-full-control canned ACL or not specify an ACL, or these
 *    requests will fail" with 400 AccessControlListNotSupported
 *    (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-ownership-error-responses.html).
 *    moto accepts any ACL there.
 *
 * It also makes the failures a real network and a real S3 produce, on request: an upload whose
 * connection drops part way, an object S3 holds shorter than what was sent, and an upload that hangs
 * until released (so that a test can stop the uploader in the middle of it).
 *
 * Clients reach it as an HTTP proxy (`HTTP_PROXY`): rclone's AWS provider always addresses buckets
 * virtual-hosted (`http://<bucket>.<endpoint>/<key>`), a name no resolver here knows. As a proxy the
 * layer receives those requests on 127.0.0.1 and passes them to moto with the Host header (and so
 * the signature) unchanged; moto reads the bucket from that Host header.
 */
export interface S3AsAws {
  /** `http://127.0.0.1:PORT`: give it as `HTTP_PROXY` and as the S3 endpoint. */
  readonly endpoint: string;
  /** Every request, with the status the layer answered (0: the connection was dropped or held). */
  readonly requests: Array<{ method: string; bucket: string; key: string; query: string; status: number }>;
  /** What the next object uploads meet, until `reset()`: see {@link UploadFault}. */
  failUploads(fault: UploadFault): void;
  /** Resolves when an upload is being held (`failUploads({ kind: 'hold' })`). */
  uploadHeld(): Promise<void>;
  /** Forget the fault (held uploads are dropped) and the request log. */
  reset(): void;
  stop(): Promise<void>;
}

/**
 * `drop`: the connection closes after `afterBytes` bytes of the body (no answer);
 * `short`: the upload succeeds, but S3 then holds only the first `keepBytes` bytes of the object;
 * `corrupt`: the upload succeeds, but S3 then holds as many bytes, with the first one changed;
 * `hold`: the upload gets no answer until `reset()`.
 */
export type UploadFault =
  | { readonly kind: 'drop'; readonly afterBytes: number }
  | { readonly kind: 'short'; readonly keepBytes: number; readonly suffix: string }
  | { readonly kind: 'corrupt'; readonly suffix: string }
  | { readonly kind: 'hold' };

export type Policies = Array<{ name: string; policy: unknown }>;

export interface S3AsAwsOptions {
  /** moto's endpoint, `http://127.0.0.1:PORT`. */
  readonly upstream: string;
  /** The identity policies attached in moto to the caller with this access key id. */
  readonly policiesOf: (accessKeyId: string) => Policies;
  /** Buckets whose Object Ownership is BucketOwnerEnforced (ACLs disabled). */
  readonly ownerEnforced: readonly string[];
  /** Credentials allowed everything in moto: the layer writes the short object with them. */
  readonly admin: { accessKeyId: string; secretAccessKey: string };
}

interface Target {
  readonly bucket: string;
  readonly key: string;
  readonly query: string;
}

/** The request's path and query, whether it came as a proxy request (absolute form) or directly. */
const pathOf = (req: IncomingMessage): string => (req.url ?? '/').replace(/^http:\/\/[^/]+/, '') || '/';

/**
 * Bucket and key, virtual-hosted (`Host: bucket.127.0.0.1:PORT`) or path-style. Split by hand: WHATWG
 * URL refuses a host like `bucket.127.0.0.1` (a name ending in a number must be an IPv4 address).
 */
function targetOf(req: IncomingMessage): Target {
  const full = pathOf(req);
  const q = full.indexOf('?');
  const path = decodeURIComponent((q < 0 ? full : full.slice(0, q)).slice(1));
  const query = q < 0 ? '' : full.slice(q);
  const virtual = /^(.+)\.127\.0\.0\.1(:\d+)?$/.exec(req.headers.host ?? '');
  if (virtual?.[1]) return { bucket: virtual[1], key: path, query };
  const [bucket = '', ...rest] = path.split('/');
  return { bucket, key: rest.join('/'), query };
}

const accessKeyOf = (req: IncomingMessage): string =>
  /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? '';

/** HEAD or GET of one object (not a listing, not a multipart upload's parts). */
const isObjectRead = (req: IncomingMessage, t: Target): boolean =>
  (req.method === 'HEAD' || req.method === 'GET') && t.key !== '' && !/[?&](uploadId|uploads|acl|tagging)\b/.test(t.query);
/** A request that creates an object: a PUT of its bytes (or of a part), or the start of a multipart upload. */
const isUpload = (req: IncomingMessage, t: Target): boolean =>
  t.key !== '' &&
  ((req.method === 'PUT' && !/[?&]acl\b/.test(t.query)) || (req.method === 'POST' && /[?&]uploads\b/.test(t.query)));
/** A request that carries a body to store. */
const carriesBytes = (req: IncomingMessage, t: Target): boolean => req.method === 'PUT' && isUpload(req, t);

const errorXml = (code: string, message: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;

/** Why AWS would refuse this upload before storing anything, or undefined. */
async function refusal(req: IncomingMessage, t: Target, options: S3AsAwsOptions): Promise<[number, string, string] | undefined> {
  if (!isUpload(req, t)) return undefined;
  const acl = req.headers['x-amz-acl'];
  const grants = Object.keys(req.headers).some((h) => h.startsWith('x-amz-grant-'));
  if (acl === undefined && !grants) return undefined;
  if (options.ownerEnforced.includes(t.bucket) && (grants || acl !== 'bucket-owner-full-control')) {
    return [400, 'AccessControlListNotSupported', 'The bucket does not allow ACLs'];
  }
  const allowed = await decide(options.policiesOf(accessKeyOf(req)), 's3:PutObjectAcl', `arn:aws:s3:::${t.bucket}/${t.key}`);
  return allowed === 'Allowed' ? undefined : [403, 'AccessDenied', 'Access Denied'];
}

export async function startS3AsAws(options: S3AsAwsOptions): Promise<S3AsAws> {
  const upstream = new URL(options.upstream);
  const requests: S3AsAws['requests'] = [];
  let fault: UploadFault | undefined;
  const held = new Set<Socket>();
  let onHeld: (() => void) | undefined;
  const admin = new S3Client({
    endpoint: options.upstream,
    region: 'us-west-2',
    forcePathStyle: true,
    credentials: options.admin,
  });
  const sockets = new Set<Socket>();

  const log = (req: IncomingMessage, t: Target, status: number) => requests.push({ method: req.method ?? '', ...t, status });
  const answer = (req: IncomingMessage, res: ServerResponse, t: Target, [status, code, message]: [number, string, string]) => {
    log(req, t, status);
    req.resume();
    const body = req.method === 'HEAD' ? '' : errorXml(code, message);
    res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const t = targetOf(req);
    const refused = await refusal(req, t, options);
    if (refused) return answer(req, res, t, refused);
    const now = carriesBytes(req, t) ? fault : undefined;
    if (now?.kind === 'hold') {
      log(req, t, 0);
      held.add(req.socket);
      req.resume();
      onHeld?.();
      return;
    }
    const body: Buffer[] = [];
    const toMoto = httpRequest({
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: pathOf(req),
      headers: req.headers,
    });
    if (now?.kind === 'drop') {
      let seen = 0;
      req.on('data', (chunk: Buffer) => {
        const room = now.afterBytes - seen;
        seen += chunk.length;
        if (room > 0) toMoto.write(chunk.subarray(0, room));
        if (seen >= now.afterBytes && !toMoto.destroyed) {
          // The network fails mid-upload: neither side gets an answer.
          log(req, t, 0);
          toMoto.destroy();
          req.socket.destroy();
        }
      });
      req.on('end', () => toMoto.end());
    } else {
      if (now?.kind === 'short' || now?.kind === 'corrupt') req.on('data', (chunk: Buffer) => body.push(chunk));
      req.pipe(toMoto);
    }
    const fromMoto = await new Promise<IncomingMessage>((resolve, reject) => {
      toMoto.on('response', resolve);
      toMoto.on('error', reject);
    });
    if (isObjectRead(req, t) && fromMoto.statusCode === 404) {
      const list = await decide(options.policiesOf(accessKeyOf(req)), 's3:ListBucket', `arn:aws:s3:::${t.bucket}`);
      if (list !== 'Allowed') {
        fromMoto.resume();
        return answer(req, res, t, [403, 'AccessDenied', 'Access Denied']);
      }
    }
    if (
      (now?.kind === 'short' || now?.kind === 'corrupt') &&
      fromMoto.statusCode === 200 &&
      t.key.endsWith(now.suffix) &&
      !/uploadId=/.test(t.query)
    ) {
      // The client gets the PUT's own answer, but what S3 holds from now on is not what was sent.
      const whole = Buffer.concat(body);
      const held =
        now.kind === 'short'
          ? whole.subarray(0, now.keepBytes)
          : Buffer.concat([Buffer.from([(whole[0] ?? 0) ^ 0xff]), whole.subarray(1)]);
      await admin.send(new PutObjectCommand({ Bucket: t.bucket, Key: t.key, Body: held }));
    }
    log(req, t, fromMoto.statusCode ?? 0);
    res.writeHead(fromMoto.statusCode ?? 502, fromMoto.headers);
    fromMoto.pipe(res);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent && !res.destroyed) res.writeHead(502);
      res.end();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const dropHeld = () => {
    for (const socket of held) socket.destroy();
    held.clear();
  };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    failUploads: (f) => {
      fault = f;
    },
    uploadHeld: () =>
      held.size > 0
        ? Promise.resolve()
        : new Promise((resolve) => {
            onHeld = resolve;
          }),
    reset: () => {
      fault = undefined;
      onHeld = undefined;
      dropHeld();
      requests.length = 0;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        dropHeld();
        admin.destroy();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
