import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import {
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { sdkRecordings } from '../../src/aws/recordings.js';

const s3 = mockClient(S3Client);
const port = sdkRecordings(
  new S3Client({ region: 'us-west-2', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' } }),
);
const dir = mkdtempSync(path.join(tmpdir(), 'meetctl-recordings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => s3.reset());
// What the SDK returns as a body in Node: a stream that can also turn itself into a string.
const body = (text: string) =>
  Object.assign(Readable.from([Buffer.from(text)]), { transformToString: async () => text }) as never;

describe('the recordings bucket over S3 (client mocked)', () => {
  it('lists every page under the prefix', async () => {
    s3.on(ListObjectsV2Command, { ContinuationToken: undefined }).resolves({
      IsTruncated: true,
      NextContinuationToken: 't2',
      Contents: [{ Key: 'recordings/2026-12-03/a/a.mp4', Size: 10, LastModified: new Date(1000) }],
    });
    s3.on(ListObjectsV2Command, { ContinuationToken: 't2' }).resolves({
      Contents: [{ Key: 'recordings/2026-12-03/a/a.json', Size: 2, LastModified: new Date(2000) }],
    });
    expect(await port.list('b', 'recordings/')).toEqual([
      { key: 'recordings/2026-12-03/a/a.mp4', size: 10, lastModified: 1000 },
      { key: 'recordings/2026-12-03/a/a.json', size: 2, lastModified: 2000 },
    ]);
    expect(s3.commandCalls(ListObjectsV2Command)[0]?.args[0].input).toMatchObject({ Bucket: 'b', Prefix: 'recordings/' });
  });

  it('reads a metadata file and downloads a recording to a new file, never over an existing one', async () => {
    s3.on(GetObjectCommand, { Key: 'k.json' }).resolves({ Body: body('{"room":"a"}') });
    expect(await port.read('b', 'k.json')).toBe('{"room":"a"}');
    s3.on(GetObjectCommand, { Key: 'k.mp4' }).callsFake(() => ({ Body: body('video bytes') }));
    const file = path.join(dir, 'k.mp4');
    expect(await port.download('b', 'k.mp4', file)).toBe(11);
    expect(readFileSync(file, 'utf8')).toBe('video bytes');
    await expect(port.download('b', 'k.mp4', file)).rejects.toThrow(/EEXIST/);
  });

  it('removes every version of exactly that key, not of keys that merely start with it', async () => {
    s3.on(ListObjectVersionsCommand).resolves({
      Versions: [
        { Key: 'recordings/d/r/a.mp4', VersionId: 'v1' },
        { Key: 'recordings/d/r/a.mp4', VersionId: 'v2' },
        { Key: 'recordings/d/r/a.mp4.bak', VersionId: 'v3' },
      ],
      DeleteMarkers: [{ Key: 'recordings/d/r/a.mp4', VersionId: 'm1' }],
    });
    s3.on(DeleteObjectsCommand).resolves({});
    expect(await port.remove('b', 'recordings/d/r/a.mp4')).toBe(3);
    expect(s3.commandCalls(DeleteObjectsCommand)[0]?.args[0].input.Delete?.Objects).toEqual([
      { Key: 'recordings/d/r/a.mp4', VersionId: 'v1' },
      { Key: 'recordings/d/r/a.mp4', VersionId: 'v2' },
      { Key: 'recordings/d/r/a.mp4', VersionId: 'm1' },
    ]);
  });

  it('fails loudly when S3 keeps a version it was asked to delete', async () => {
    s3.on(ListObjectVersionsCommand).resolves({ Versions: [{ Key: 'k', VersionId: 'v1' }] });
    s3.on(DeleteObjectsCommand).resolves({ Errors: [{ Key: 'k', Code: 'AccessDenied', Message: 'denied' }] });
    await expect(port.remove('b', 'k')).rejects.toThrow(/S3 kept 1 version\(s\): AccessDenied denied/);
  });

  it('empties the whole bucket, page by page, then deletes it', async () => {
    s3.on(ListObjectVersionsCommand, { KeyMarker: undefined }).resolves({
      IsTruncated: true,
      NextKeyMarker: 'k2',
      NextVersionIdMarker: 'v',
      Versions: [{ Key: 'k1', VersionId: 'a' }],
    });
    s3.on(ListObjectVersionsCommand, { KeyMarker: 'k2' }).resolves({ Versions: [{ Key: 'k2', VersionId: 'b' }] });
    s3.on(DeleteObjectsCommand).resolves({});
    s3.on(DeleteBucketCommand).resolves({});
    expect(await port.deleteAll('b')).toBe(2);
    expect(s3.commandCalls(DeleteBucketCommand)).toHaveLength(1);
  });

  it('signs a GET link that expires', async () => {
    const url = new URL(await port.link('meet-recordings', 'recordings/d/r/a.mp4', 900));
    expect(url.hostname).toBe('meet-recordings.s3.us-west-2.amazonaws.com');
    expect(url.pathname).toBe('/recordings/d/r/a.mp4');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });
});
