import { describe, expect, it, vi } from 'vitest';
import { metadataOf, recordingsFrom } from '../../src/recording/catalog.js';

const [withMetadata, without] = recordingsFrom([
  { key: 'recordings/2026-12-03/weekly/weekly_2026-12-03-18-00-05.mp4', size: 10, lastModified: 2 },
  { key: 'recordings/2026-12-03/weekly/weekly_2026-12-03-18-00-05.json', size: 1, lastModified: 2 },
  { key: 'recordings/2026-12-01/weekly/weekly_2026-12-01-18-00-05.mp4', size: 10, lastModified: 1 },
]) as [never, never];

describe('metadataOf', () => {
  it('reads the metadata file next to the video and keeps its well-formed fields', async () => {
    const read = vi.fn(async () => JSON.stringify({ room: 'weekly', durationSeconds: 3600, sizeBytes: 'big' }));
    expect(await metadataOf(withMetadata, read)).toEqual({ room: 'weekly', durationSeconds: 3600 });
    expect(read).toHaveBeenCalledWith('recordings/2026-12-03/weekly/weekly_2026-12-03-18-00-05.json');
  });

  it('reads nothing for a recording without a metadata file', async () => {
    const read = vi.fn(async () => '{}');
    expect(await metadataOf(without, read)).toEqual({});
    expect(read).not.toHaveBeenCalled();
  });

  it('gives no metadata rather than failing when the file cannot be read', async () => {
    expect(await metadataOf(withMetadata, async () => Promise.reject(new Error('AccessDenied')))).toEqual({});
  });
});
