import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DNS_INSYNC_SECONDS,
  DNS_SWITCH_SECONDS,
  directStartBudget,
  directStartSecondsWith,
  modelledStartSeconds,
  START_TARGET_SECONDS,
  startSecondsWithPullBarrier,
  startStages,
  TASK_TIMELINE,
} from '../../src/control/start-time.js';
import { ROOT } from '../support/fixtures.js';

// Every start-time figure the docs state, checked against the model `meetctl plan` prints
// (src/control/start-time.ts): a model change that leaves a figure in the docs stale fails here.
const direct = modelledStartSeconds('direct');
const balanced = modelledStartSeconds('load-balancer');
const barrier = startSecondsWithPullBarrier();
const doneAt = (name: string): number => {
  const stage = [...startStages('direct'), ...startStages('load-balancer')].find((s) => s.name === name);
  if (stage?.endsAt === undefined) throw new Error(`no stage "${name}"`);
  return stage.endsAt;
};

interface Claim {
  readonly file: string;
  /** Finds the claim; each capture group is one figure in seconds, in order. */
  readonly pattern: RegExp;
  readonly expected: readonly number[];
}

const CLAIMS: readonly Claim[] = [
  {
    file: 'README.md',
    pattern: /modelled \(about (\d+) s direct, (\d+) s with the load balancer\)/,
    expected: [direct.seconds, balanced.seconds],
  },
  { file: 'docs/guide.md', pattern: /A start takes about (\d+) s \(modelled\)/, expected: [direct.seconds] },
  {
    file: 'docs/deploy.md',
    pattern: /`meetctl plan` shows \(about (\d+) s direct, (\d+) s load-balancer\)/,
    expected: [direct.seconds, balanced.seconds],
  },
  { file: 'docs/deploy.md', pattern: /every image is pulled and a start takes about (\d+) s\)/, expected: [barrier] },
  {
    file: 'docs/architecture.md',
    pattern: /\| Stopped → READY \(model\) +\| about (\d+) s \((\d+)–(\d+) s\) +\| about (\d+) s +\|/,
    expected: [direct.seconds, ...direct.range, balanced.seconds],
  },
  {
    file: 'docs/architecture.md',
    pattern: /about \*\*(\d+) s for direct\*\* \((\d+)–(\d+) s;[^)]*\) and (\d+) s for load-balancer/,
    expected: [direct.seconds, ...direct.range, balanced.seconds],
  },
  {
    file: 'docs/architecture.md',
    pattern: /the switch would come at about (\d+) s and\s+READY at about (\d+) s/,
    expected: [TASK_TIMELINE.pulled + 1 + DNS_SWITCH_SECONDS, barrier],
  },
  {
    file: 'docs/architecture.md',
    pattern: /The JDK images are in \(modelled (\d+) s\)[\s\S]*?`INSYNC` \(modelled at its documented bound, about (\d+) s\)/,
    expected: [doneAt('images pulled'), doneAt('Route 53 change INSYNC')],
  },
  {
    file: 'docs/deploy.md',
    pattern: /every image is in, and a start\s+takes about (\d+) s longer/,
    expected: [barrier - direct.seconds],
  },
  { file: 'docs/guide.md', pattern: /\| start the task \(about (\d+) s, modelled\) \|/, expected: [balanced.seconds] },
  {
    file: 'docs/architecture.md',
    pattern: /about (\d+) s into the start/,
    expected: [doneAt('DNS record switched to the task')],
  },
  {
    file: 'docs/architecture.md',
    pattern:
      /still start \(about (\d+) s\)\. Then it waits for the task `HEALTHY` \(jicofo's start-up check passes once\s+jicofo counts the bridge that has joined, about (\d+) s\)/,
    expected: [doneAt('endpoints checked at the task address'), doneAt('containers healthy')],
  },
  {
    file: 'docs/architecture.md',
    pattern:
      /placement \((\d+) s\) \+ the image pull\s+\((\d+) s\) \+ the containers'\s+start \((\d+) s\) \+ jicofo seeing the bridge, one check and ECS's report \((\d+) s\)/,
    expected: [
      TASK_TIMELINE.placed,
      TASK_TIMELINE.pulled - TASK_TIMELINE.placed,
      TASK_TIMELINE.running - TASK_TIMELINE.pulled,
      TASK_TIMELINE.healthy - TASK_TIMELINE.running,
    ],
  },
  {
    file: 'docs/architecture.md',
    pattern:
      /\*\*the images pulled within (\d+) s of placement\*\* \(the model has (\d+) s\)[\s\S]*?\*\*Route 53 `INSYNC` within (\d+) s of the switch\*\* \(modelled at its documented bound, (\d+) s\)[\s\S]*?about (\d+) s in: with no pull at all, propagation at\s+its bound would still put READY at about (\d+) s/,
    expected: [
      directStartBudget().pull,
      TASK_TIMELINE.pulled - TASK_TIMELINE.placed,
      directStartBudget().insync,
      DNS_INSYNC_SECONDS,
      doneAt('DNS record switched to the task'),
      directStartSecondsWith({ pull: 0, insync: DNS_INSYNC_SECONDS }),
    ],
  },
  {
    file: 'docs/deploy.md',
    pattern:
      /READY within (\d+) s in direct mode[\s\S]*?`images pulled` within (\d+) s of `task placed` and `INSYNC` within (\d+) s\s+of `DNS switched`/,
    expected: [START_TARGET_SECONDS, directStartBudget().pull, directStartBudget().insync],
  },
];

/** The modelled stages' table in docs/architecture.md: `| stage | done at | range | source |`. */
const TABLE_ROWS: ReadonlyArray<{ readonly row: string; readonly stage: string }> = [
  { row: 'task placed', stage: 'task placed' },
  { row: 'TLS sidecar answering (direct)', stage: 'TLS sidecar answering (waking page)' },
  { row: 'DNS switched (direct)', stage: 'DNS record switched to the task' },
  { row: 'Route 53 `INSYNC` (direct)', stage: 'Route 53 change INSYNC' },
  { row: 'images pulled', stage: 'images pulled' },
  { row: 'containers started', stage: 'containers started' },
  { row: 'endpoint checks at the task (direct)', stage: 'endpoints checked at the task address' },
  { row: 'containers healthy', stage: 'containers healthy' },
  { row: 'NLB target healthy (load-balancer)', stage: 'NLB target healthy' },
  { row: 'endpoints checked through the load balancer', stage: 'endpoints checked through the load balancer' },
];

/** Where the docs say it in words: "about a minute and a half" is the model rounded to half minutes. */
const IN_WORDS: ReadonlyArray<{ readonly file: string; readonly text: string }> = [
  { file: 'docs/deploy.md', text: 'A start takes about a minute and a half' },
  { file: 'docs/organizer-guide.md', text: 'how long a start usually takes (about\n   a minute and a half)' },
];

const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('start-time figures in the docs', () => {
  it.each(CLAIMS.map((c) => [`${c.file}: ${c.pattern.source.slice(0, 60)}`, c] as const))('%s', (_name, claim) => {
    const match = read(claim.file).match(claim.pattern);
    expect(match, `${claim.file} no longer says ${claim.pattern}`).not.toBeNull();
    expect(match?.slice(1).map(Number)).toEqual(claim.expected);
  });

  it("docs/architecture.md's table has each stage's time and range as the model", () => {
    const text = read('docs/architecture.md');
    const all = [...startStages('direct'), ...startStages('load-balancer')];
    for (const { row, stage } of TABLE_ROWS) {
      const model = all.find((s) => s.name === stage);
      const match = text.match(new RegExp(`\\| ${literal(row)} +\\| (\\d+) +\\| ([\\d–]*)(?: s)? +\\|`));
      expect(match, row).not.toBeNull();
      expect(Number(match?.[1]), row).toBe(model?.endsAt);
      expect(match?.[2], row).toBe(model?.range ? `${model.range[0]}–${model.range[1]}` : '');
    }
    // Every row of the model is in the table.
    expect(new Set(all.map((s) => s.name)).size).toBe(TABLE_ROWS.length);
  });

  it('says "a minute and a half" where the model rounds to it', () => {
    expect(Math.round(direct.seconds / 30) / 2).toBe(1.5);
    for (const { file, text } of IN_WORDS) expect(read(file), file).toContain(text);
  });

  it('keeping the asleep page until the task is healthy would be "over 100 s"', () => {
    expect(read('docs/architecture.md')).toContain('(READY = healthy + INSYNC, over 100 s)');
    expect(TASK_TIMELINE.healthy + DNS_SWITCH_SECONDS + DNS_INSYNC_SECONDS).toBeGreaterThan(100);
  });
});
