import { writeFileSync } from 'node:fs';
import { PortError } from '../control/errors.js';
import type { ControlPorts } from '../control/ports.js';
import { type ServiceContext, SIMULATED_RECORDINGS_BUCKET } from './model.js';

/**
 * A versioned bucket's objects: the current version of each key, and how many older versions each
 * key keeps (an upload to an existing key makes the previous one noncurrent; nothing is lost).
 */
export class VersionedObjects extends Map<string, { body: string; at: number }> {
  private readonly older = new Map<string, number>();
  override set(key: string, value: { body: string; at: number }): this {
    if (this.has(key)) this.older.set(key, (this.older.get(key) ?? 0) + 1);
    return super.set(key, value);
  }
  /** Delete every version of exactly this key; how many there were. */
  removeEveryVersion(key: string): number {
    const count = (this.has(key) ? 1 : 0) + (this.older.get(key) ?? 0);
    super.delete(key);
    this.older.delete(key);
    return count;
  }
  /** Every version of every key. */
  versionCount(): number {
    return this.size + [...this.older.values()].reduce((sum, n) => sum + n, 0);
  }
  override clear(): void {
    this.older.clear();
    super.clear();
  }
}

/** S3: the stack's versioned recordings bucket, until `deleteAll` deletes it (a new stack creates a new one). */
export class SimulatedRecordingsBucket {
  /** The recordings bucket's current objects: key → text and upload time. */
  readonly objects = new VersionedObjects();
  deletedRecordings = false;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly stackName: string,
  ) {}

  private object(key: string): { body: string; at: number } {
    this.bucketExists();
    const found = this.objects.get(key);
    if (!found) throw new PortError('other', 'NoSuchKey', `The specified key does not exist: ${key}`);
    return found;
  }
  /** The recordings bucket is gone once `deleteAll` deleted it (a new stack creates a new one). */
  private bucketExists(): void {
    if (this.deletedRecordings) throw new PortError('other', 'NoSuchBucket', 'The specified bucket does not exist');
  }

  readonly port: ControlPorts['recordings'] = {
    owner: async (bucket) => {
      this.ctx.call();
      if (bucket !== SIMULATED_RECORDINGS_BUCKET)
        throw new PortError('other', 'NoSuchBucket', 'The specified bucket does not exist');
      return this.stackName;
    },
    deleteAll: async () => {
      this.ctx.call();
      this.ctx.mutation('deleteAll');
      this.bucketExists();
      const versions = this.objects.versionCount();
      this.objects.clear();
      this.deletedRecordings = true;
      return versions;
    },
    list: async (_bucket, prefix) => {
      this.ctx.call();
      this.bucketExists();
      // S3 lists keys in UTF-8 binary order; sizes are bytes.
      return [...this.objects.entries()]
        .filter(([key]) => key.startsWith(prefix))
        .sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
        .map(([key, o]) => ({ key, size: Buffer.byteLength(o.body), lastModified: o.at }));
    },
    read: async (_bucket, key) => {
      this.ctx.call();
      return this.object(key).body;
    },
    download: async (_bucket, key, file) => {
      this.ctx.call();
      const { body } = this.object(key);
      writeFileSync(file, body, { flag: 'wx' });
      return Buffer.byteLength(body);
    },
    remove: async (_bucket, key) => {
      this.ctx.call();
      this.ctx.mutation(`remove ${key}`);
      this.bucketExists();
      return this.objects.removeEveryVersion(key);
    },
    link: async (bucket, key, seconds) => {
      this.ctx.call();
      this.object(key);
      return `https://${bucket}.s3.us-west-2.amazonaws.com/${encodeURI(key)}?X-Amz-Expires=${seconds}&X-Amz-Signature=simulated`;
    },
  };
}
