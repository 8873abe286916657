import { existsSync } from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { layerIndex, type PartImport, partCycles, partImports, partOf, specifiersOf, upwardImports } from './import-graph.js';
import { LAYERS } from './layers.js';
import { ROOT, typeScriptFiles } from './source-files.js';

// Issue 22 item 5: imports go one way. The allowed direction is the table in ./layers.ts.
const files = typeScriptFiles('bin', 'src');
const imports = partImports(files);
const line = (i: PartImport): string => `${i.from} → ${i.to} (${i.fromPart} imports ${i.toPart})`;

describe('the dependency rule between the parts of src/ (test/architecture/layers.ts)', () => {
  it('places every part of bin/ and src/ in exactly one layer, and names no part that is gone', () => {
    const parts = new Set(files.map(partOf));
    const listed = LAYERS.flatMap((layer) => layer.parts);
    expect([...parts].filter((part) => !listed.includes(part as string))).toEqual([]);
    expect(listed.filter((part, i) => listed.indexOf(part) !== i)).toEqual([]);
    const gone = listed.filter((part) => !existsSync(path.join(ROOT, part === 'bin' ? 'bin' : path.join('src', part))));
    expect(gone).toEqual([]);
  });

  it('finds the imports between parts, type-only ones included', () => {
    // A floor under the check: if the parser stopped seeing imports, the rules below would pass vacuously.
    expect(imports.some((i) => i.from === 'bin/meetctl.ts' && i.toPart === 'cli')).toBe(true);
    expect(imports.some((i) => i.from === 'src/control/ports.ts' && i.toPart === 'recording')).toBe(true);
  });

  it('has no upward import: a part imports only from its own layer or lower ones', () => {
    expect(upwardImports(imports, LAYERS).map(line)).toEqual([]);
  });

  it('has no import cycle between parts', () => {
    const joins = (cycle: { imports: PartImport[] }): string[] => {
      const firstOfEachPair = cycle.imports.filter(
        (i, n) => cycle.imports.findIndex((j) => j.fromPart === i.fromPart && j.toPart === i.toPart) === n,
      );
      return firstOfEachPair.map(line);
    };
    expect(partCycles(imports).map((cycle) => `${cycle.parts.join(' ↔ ')}: ${joins(cycle).join('; ')}`)).toEqual([]);
  });
});

describe('the checker itself', () => {
  const edge = (fromPart: string, toPart: string): PartImport => ({
    from: `src/${fromPart}/a.ts`,
    to: `src/${toPart}/b.ts`,
    fromPart,
    toPart,
  });

  it('sees every way a module names another, type-only ones included', () => {
    const source = [
      "import type { A } from './type-only.js';",
      "import { type B } from './inline-type.js';",
      "export type { C } from './re-export.js';",
      "export * from './star.js';",
      "type D = import('./import-type.js').D;",
      "const e = await import('./dynamic.js');",
      "import f = require('./import-equals.js');",
      "const g = require('./require.js');",
    ].join('\n');
    expect(specifiersOf(ts.createSourceFile('sample.ts', source, ts.ScriptTarget.Latest, true))).toEqual([
      './type-only.js',
      './inline-type.js',
      './re-export.js',
      './star.js',
      './import-type.js',
      './dynamic.js',
      './import-equals.js',
      './require.js',
    ]);
  });

  it('reports an import from a lower layer to a higher one, and not the other way', () => {
    expect(layerIndex(LAYERS).get('cli')).toBeLessThan(layerIndex(LAYERS).get('control') as number);
    expect(upwardImports([edge('control', 'cli')], LAYERS)).toHaveLength(1);
    expect(upwardImports([edge('cli', 'control'), edge('aws', 'sim')], LAYERS)).toEqual([]);
  });

  it('reports a cycle through several parts, and none in a chain', () => {
    const loop = [edge('page', 'auth'), edge('auth', 'branding'), edge('branding', 'page'), edge('cli', 'page')];
    expect(partCycles(loop).map((c) => c.parts)).toEqual([['auth', 'branding', 'page']]);
    expect(partCycles(loop.slice(0, 2))).toEqual([]);
  });
});
