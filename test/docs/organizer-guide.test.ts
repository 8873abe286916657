import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/fixtures.js';

// docs/organizer-guide.md shows the pages as the browser tests photograph them (test/page/browser.test.ts
// and test/page/asleep-browser.test.ts write docs/images): every state at desktop and phone width, each
// picture the size its name says, none missing and none left over; and no doc contradicts what the
// code does (claims an earlier review found false).
const IMAGES = path.join(ROOT, 'docs', 'images');
const guide = readFileSync(path.join(ROOT, 'docs', 'organizer-guide.md'), 'utf8');
const SIZES = { desktop: [1280, 800], phone: [390, 844] } as const;
const STATES = [
  'signed-out',
  'member',
  'stopped',
  'starting',
  'ready',
  'recording',
  'pending-recording',
  'meetup-error',
  // A meeting on a stack CloudFormation left for a person to repair (test/page/browser.test.ts).
  'broken-stack',
  'asleep',
  'asleep-no-meetup',
  // The TLS sidecar's waking page (test/infra/tls-proxy.test.ts), with and without branding.
  'waking',
  'waking-unbranded',
];

/** Width and height of a PNG, from its IHDR chunk (PNG specification, 11.2.2: bytes 16-23). */
function pngSize(file: string): [number, number] {
  const bytes = readFileSync(file);
  expect(bytes.subarray(1, 4).toString('latin1'), file).toBe('PNG');
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

describe('the organizer guide and its screenshots', () => {
  const files = readdirSync(IMAGES).filter((f) => f.endsWith('.png'));
  const shown = [...guide.matchAll(/images\/([\w-]+\.png)/g)].map((m) => m[1] as string);

  it('shows every state at desktop and at phone width', () => {
    const expected = STATES.flatMap((state) => [`${state}-desktop.png`, `${state}-phone.png`]);
    expect([...new Set(shown)].sort()).toEqual(expected.sort());
  });

  it('has each picture it shows, at the size its name says, and no other', () => {
    expect(files.sort()).toEqual([...new Set(shown)].sort());
    for (const file of files) {
      const size = file.endsWith('-phone.png') ? SIZES.phone : SIZES.desktop;
      expect(pngSize(path.join(IMAGES, file)), file).toEqual([...size]);
    }
  });
});

describe('what the docs say about recording and who opens rooms', () => {
  const docs = [
    'README.md',
    ...readdirSync(path.join(ROOT, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
  ];
  const text = docs.map((file) => [file, readFileSync(path.join(ROOT, file), 'utf8').replace(/\s+/g, ' ')] as const);

  it('no doc says recording on the server is planned or not set up: it works (src/recording, the recorder)', () => {
    for (const [file, content] of text) {
      expect(content, file).not.toMatch(/record\w*[^.]{0,60}\b(planned|not set up yet|not yet (available|supported))/i);
    }
  });

  it('no doc says only host links open rooms: members do, from the organizer page', () => {
    for (const [file, content] of text) expect(content, file).not.toMatch(/only (a |the )?host links? (can )?open/i);
  });
});
