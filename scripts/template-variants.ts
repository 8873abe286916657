// Synthesizes every stack variant the tests use and compares two such sets, resource for resource and
// property for property: the check a refactor of src/infra/ runs before and after (docs/testing.md).
//
//   npx tsx scripts/template-variants.ts write <dir>            one <variant>.json per variant
//   npx tsx scripts/template-variants.ts compare <before> <after>
//
// `compare` is a JSON deep-equal of each whole template (logical ids, properties, conditions, outputs,
// metadata and asset hashes included) and of each stack's list of construct paths (which `cdk deploy`
// writes into every resource's aws:cdk:path metadata); it prints every difference by variant and path and exits 1
// when there is one. Lambda bundling is skipped as in the tests, except for the variant named
// `bundled`, whose asset hashes come from the esbuild output: they change only when a handler's
// bundled code changes.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import type { ConfigInput } from '../src/config/schema.js';
import { buildApp } from '../src/infra/app.js';
import { configWith } from '../test/support/fixtures.js';
import { TEMPLATE_VARIANTS } from '../test/support/template-variants.js';

/** Synthesized with Lambda bundling (esbuild), as test/infra/lambda-bundle.test.ts does. */
const BUNDLED: Record<string, Partial<ConfigInput>> = { bundled: { rotateSecretsMonthly: true } };

function write(dir: string, only?: string): void {
  mkdirSync(dir, { recursive: true });
  const all: Record<string, Partial<ConfigInput>> = { ...TEMPLATE_VARIANTS, ...BUNDLED };
  for (const [name, changes] of Object.entries(all)) {
    if (only && name !== only) continue;
    const { stack } = buildApp(configWith(changes), { skipBundling: !(name in BUNDLED) });
    const json = Template.fromStack(stack).toJSON();
    writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify(json, null, 1)}\n`);
    // The construct paths too: `cdk deploy` writes each into its resource's aws:cdk:path metadata.
    const paths = stack.node.findAll().map((c) => c.node.path);
    writeFileSync(path.join(dir, `${name}.construct-paths.json`), `${JSON.stringify(paths.sort(), null, 1)}\n`);
    console.log(`${name}: ${Object.keys(json.Resources ?? {}).length} resources`);
  }
}

/** Every path where two JSON values differ (a missing key is a difference). */
function differences(a: unknown, b: unknown, at: string, into: string[]): string[] {
  if (a === b) return into;
  const bothObjects = a && b && typeof a === 'object' && typeof b === 'object';
  if (!bothObjects || Array.isArray(a) !== Array.isArray(b)) {
    into.push(`${at}: ${JSON.stringify(a)?.slice(0, 200)} -> ${JSON.stringify(b)?.slice(0, 200)}`);
    return into;
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  for (const key of new Set([...Object.keys(left), ...Object.keys(right)])) {
    const where = `${at}/${key}`;
    if (!(key in left)) into.push(`${where}: only after`);
    else if (!(key in right)) into.push(`${where}: only before`);
    else differences(left[key], right[key], where, into);
  }
  return into;
}

function compare(before: string, after: string): number {
  const names = new Set([...readdirSync(before), ...readdirSync(after)].filter((f) => f.endsWith('.json')));
  let failed = 0;
  for (const name of [...names].sort()) {
    const read = (dir: string) => {
      try {
        return JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as { Resources?: object };
      } catch {
        return undefined;
      }
    };
    const [a, b] = [read(before), read(after)];
    const found = a && b ? differences(a, b, '', []) : [`missing in ${a ? after : before}`];
    const resources = Object.keys(a?.Resources ?? {}).length;
    console.log(`${found.length ? 'DIFFERENT' : 'identical'} ${name} (${resources} resources)`);
    for (const line of found.slice(0, 50)) console.log(`  ${line}`);
    if (found.length > 50) console.log(`  … and ${found.length - 50} more`);
    if (found.length) failed++;
  }
  console.log(`${names.size - failed} of ${names.size} templates identical`);
  return failed ? 1 : 0;
}

const [command, first, second] = process.argv.slice(2);
if (command === 'write' && first) write(first, second);
else if (command === 'compare' && first && second) process.exitCode = compare(first, second);
else {
  console.error('usage: npx tsx scripts/template-variants.ts write <dir> [variant] | compare <before-dir> <after-dir>');
  process.exitCode = 2;
}
