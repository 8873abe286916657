import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { folderProblem, readTextFile, writeProblem } from '../../src/cli/file-access.js';

// The real file system: what `--config` and `start --record-timings` meet on a user's machine.
const dir = mkdtempSync(path.join(tmpdir(), 'meetctl-file-access-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readTextFile', () => {
  it('reads a file up to the limit, a byte more is EFBIG, and an endless device ends too', () => {
    const file = path.join(dir, 'config.json');
    writeFileSync(file, `{"domain":"é"}`);
    expect(readTextFile(file)).toBe('{"domain":"é"}');
    writeFileSync(file, 'x'.repeat(16));
    expect(readTextFile(file, 16)).toHaveLength(16);
    writeFileSync(file, 'x'.repeat(17));
    expect(() => readTextFile(file, 16)).toThrow(expect.objectContaining({ code: 'EFBIG', message: 'larger than 16 bytes' }));
    expect(() => readTextFile('/dev/zero')).toThrow(expect.objectContaining({ code: 'EFBIG' }));
    expect(() => readTextFile(dir)).toThrow(expect.objectContaining({ code: 'EISDIR' }));
  });
});

describe('writeProblem', () => {
  it('a new file in a folder that can be written: none, and no scratch file is left behind', () => {
    const folder = path.join(dir, 'writable');
    mkdirSync(folder);
    expect(writeProblem(path.join(folder, 'timings.json'))).toBeUndefined();
    expect(readdirSync(folder)).toEqual([]);
  });

  it('an existing file is opened, not truncated', () => {
    const file = path.join(dir, 'kept.json');
    writeFileSync(file, '{"schema":1}');
    expect(writeProblem(file)).toBeUndefined();
    expect(readTextFile(file)).toBe('{"schema":1}');
  });

  it('names why a file cannot be written: a missing folder, a directory, /sys (even for root)', () => {
    expect(writeProblem(path.join(dir, 'nowhere', 'timings.json'))).toBe('ENOENT');
    expect(writeProblem(dir)).toBe('EISDIR');
    // sysfs refuses new files to everyone, root included: permission bits alone would say yes.
    expect(writeProblem('/sys/kernel/meetctl-timings.json')).toMatch(/^(EACCES|EPERM|EROFS)$/);
  });
});

describe('folderProblem (MEETCTL_SIMULATE_DIR)', () => {
  it('folderProblem names why a folder cannot take files: a file in its place, /sys; creates a missing one, leaving nothing else', () => {
    const file = path.join(dir, 'a-file');
    writeFileSync(file, '');
    expect(folderProblem(file)).toBe('EEXIST');
    expect(folderProblem(path.join(file, 'below'))).toBe('ENOTDIR');
    // sysfs refuses new folders to everyone, root included.
    expect(folderProblem('/sys/kernel/meetctl-simulation')).toMatch(/^(EACCES|EPERM|EROFS)$/);
    const missing = path.join(dir, 'new', 'folder');
    expect(folderProblem(missing)).toBeUndefined();
    expect(readdirSync(missing)).toEqual([]);
  });
});
