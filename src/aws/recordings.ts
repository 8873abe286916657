import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetBucketTaggingCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { RecordingsPort } from '../control/ports.js';
import type { RecordingObject } from '../recording/catalog.js';

/** The recordings bucket over the S3 client. */
export function sdkRecordings(s3: S3Client): RecordingsPort {
  /** Every version and delete marker under `prefix` (exactly `key` when given), page by page. */
  async function* versions(bucket: string, prefix: string) {
    let keyMarker: string | undefined;
    let versionMarker: string | undefined;
    for (;;) {
      const page = await s3.send(
        new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker: keyMarker, VersionIdMarker: versionMarker }),
      );
      yield [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({ Key: v.Key ?? '', VersionId: v.VersionId }));
      if (!page.IsTruncated) return;
      keyMarker = page.NextKeyMarker;
      versionMarker = page.NextVersionIdMarker;
    }
  }
  const deleteVersions = async (bucket: string, objects: Array<{ Key: string; VersionId?: string | undefined }>) => {
    if (objects.length === 0) return 0;
    const result = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }));
    const failed = result.Errors ?? [];
    if (failed.length > 0) throw new Error(`S3 kept ${failed.length} version(s): ${failed[0]?.Code} ${failed[0]?.Message}`);
    return objects.length;
  };
  return {
    async owner(bucket) {
      try {
        const tagging = await s3.send(new GetBucketTaggingCommand({ Bucket: bucket }));
        return tagging.TagSet?.find((t) => t.Key === 'aws:cloudformation:stack-name')?.Value;
      } catch (error) {
        // A bucket without any tag answers NoSuchTagSet.
        if ((error as Error).name === 'NoSuchTagSet') return undefined;
        throw error;
      }
    },
    async deleteAll(bucket) {
      let deleted = 0;
      for await (const objects of versions(bucket, '')) deleted += await deleteVersions(bucket, objects);
      await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
      return deleted;
    },
    async list(bucket, prefix) {
      const out: RecordingObject[] = [];
      let token: string | undefined;
      do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        for (const o of page.Contents ?? []) {
          if (o.Key) out.push({ key: o.Key, size: o.Size ?? 0, lastModified: o.LastModified?.getTime() ?? 0 });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return out;
    },
    async read(bucket, key) {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return (await object.Body?.transformToString('utf8')) ?? '';
    },
    async download(bucket, key, file) {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!object.Body) throw new Error(`S3 returned no body for ${key}`);
      let bytes = 0;
      const body = object.Body as Readable;
      body.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      await pipeline(body, createWriteStream(file, { flags: 'wx' }));
      return bytes;
    },
    async remove(bucket, key) {
      let deleted = 0;
      for await (const objects of versions(bucket, key)) {
        deleted += await deleteVersions(
          bucket,
          objects.filter((o) => o.Key === key),
        );
      }
      return deleted;
    },
    link: (bucket, key, seconds) => getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: seconds }),
  };
}
