import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';

/**
 * Screenshots for the docs (docs/images), written only when the picture changed: Chromium's
 * software rasterizer antialiases a few edge pixels differently from run to run on a loaded machine,
 * and a committed picture should not change with every test run for that. A new picture replaces
 * the old one when its size differs or more than `NOISE_PIXELS` pixels differ by more than
 * `NOISE_LEVEL` in a channel.
 */
const NOISE_PIXELS = 64;
const NOISE_LEVEL = 24;

interface Pixels {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly data: Buffer;
}

/**
 * The pixels of an 8-bit, non-interlaced RGB or RGBA PNG (what Chromium writes), unfiltered as the
 * PNG specification (section 9, filter types 0-4) says.
 */
export function decodePng(png: Buffer): Pixels {
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const body = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const [depth, colour, , , interlace] = [body[8], body[9], body[10], body[11], body[12]];
      if (depth !== 8 || (colour !== 2 && colour !== 6) || interlace !== 0) throw new Error('not an 8-bit RGB(A) PNG');
      channels = colour === 6 ? 4 : 3;
    }
    if (type === 'IDAT') idat.push(body);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const data = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const left = x >= channels ? (data[y * stride + x - channels] ?? 0) : 0;
      const up = y > 0 ? (data[(y - 1) * stride + x] ?? 0) : 0;
      const corner = x >= channels && y > 0 ? (data[(y - 1) * stride + x - channels] ?? 0) : 0;
      const p = left + up - corner;
      const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - corner)];
      const paeth = pa <= pb && pa <= pc ? left : pb <= pc ? up : corner;
      const predictor = [0, left, up, (left + up) >> 1, paeth][filter ?? 0] ?? 0;
      data[y * stride + x] = ((line[x] ?? 0) + predictor) & 0xff;
    }
  }
  return { width, height, channels, data };
}

/** Pixels that differ by more than `level` in a channel (Infinity when the sizes differ). */
export function differentPixels(a: Pixels, b: Pixels, level = NOISE_LEVEL): number {
  if (a.width !== b.width || a.height !== b.height || a.channels !== b.channels) return Number.POSITIVE_INFINITY;
  let count = 0;
  for (let i = 0; i < a.data.length; i += a.channels) {
    for (let c = 0; c < a.channels; c++) {
      if (Math.abs((a.data[i + c] ?? 0) - (b.data[i + c] ?? 0)) > level) {
        count += 1;
        break;
      }
    }
  }
  return count;
}

/** Write `png` to `file` unless the file holds the same picture but for antialiasing noise. */
export function writeScreenshot(file: string, png: Buffer): void {
  if (existsSync(file)) {
    const old = readFileSync(file);
    if (old.equals(png) || differentPixels(decodePng(old), decodePng(png)) <= NOISE_PIXELS) return;
  }
  writeFileSync(file, png);
}
