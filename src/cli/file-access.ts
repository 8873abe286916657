import { closeSync, existsSync, mkdirSync, openSync, readSync, rmSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The largest file meetctl reads: a config or a start timings file is a few kB. Without a limit,
 * `--config /dev/zero` reads until Node runs out of memory and aborts.
 */
export const MAX_READ_BYTES = 1024 * 1024;

/** Read a UTF-8 text file of at most `maxBytes`; a longer one (or an endless device) throws code EFBIG. */
export function readTextFile(file: string, maxBytes = MAX_READ_BYTES): string {
  const fd = openSync(file, 'r');
  try {
    // One byte more than allowed tells a file of exactly maxBytes from a longer one.
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    // Until the end of the file, or until the buffer is full (a read of 0 bytes returns 0).
    for (let read = -1; read !== 0; length += read) {
      read = readSync(fd, buffer, length, buffer.length - length, null);
    }
    if (length > maxBytes) {
      throw Object.assign(new Error(`larger than ${maxBytes} bytes`), { code: 'EFBIG' });
    }
    return buffer.toString('utf8', 0, length);
  } finally {
    closeSync(fd);
  }
}

/**
 * Why `file` could not be written (an error code), or undefined. An existing file is opened for
 * writing (not truncated); a new one is tried as a scratch file next to it, removed at once:
 * permissions alone do not tell, since root passes every permission check and still cannot create
 * a file under /sys.
 */
export function writeProblem(file: string): string | undefined {
  try {
    if (existsSync(file)) closeSync(openSync(file, 'r+'));
    else {
      const scratch = path.join(path.dirname(file), `.meetctl-write-check-${process.pid}`);
      closeSync(openSync(scratch, 'wx'));
      rmSync(scratch);
    }
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? String(error);
  }
}

/**
 * Why files cannot be made in `folder` (an error code such as EEXIST, ENOTDIR or EACCES), or
 * undefined: it is created if missing, then tried as `writeProblem` tries a new file.
 */
export function folderProblem(folder: string): string | undefined {
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? String(error);
  }
  return writeProblem(path.join(folder, `.meetctl-folder-check-${process.pid}`));
}
