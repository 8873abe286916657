import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { parse, typeScriptFiles } from './source-files.js';

// Issue 22 item 6: no function over 80 lines in src/ and bin/, outside declarative data. A function is a
// function declaration or expression, a method, a constructor, an accessor or an arrow function; it is
// measured from its first to its last line (its doc comment left out) and the functions nested in it
// count inside it. Split a long one by meaning: named helpers, small constructs that say what they do.
const MAX_LINES = 80;

/**
 * Functions allowed past the limit because they are declarative data and do nothing else (a schema, a
 * table of prices, a template), as `file › name` with a one-line reason. Keep it short.
 */
const DECLARATIVE: Readonly<Record<string, string>> = {};

interface LongFunction {
  readonly id: string;
  readonly line: number;
  readonly lines: number;
}

/** The name a reader finds the function by: `Class.method`, `Class.constructor`, the variable or property it is bound to. */
function nameOf(node: ts.SignatureDeclaration): string {
  const owner = ts.isClassLike(node.parent) ? `${node.parent.name?.text ?? '<class>'}.` : '';
  if (ts.isConstructorDeclaration(node)) return `${owner}constructor`;
  if (node.name !== undefined) return `${owner}${node.name.getText()}`;
  const parent = node.parent;
  if ((ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) && parent.name !== undefined) {
    return parent.name.getText();
  }
  return '<anonymous>';
}

/** Every function of a file longer than `MAX_LINES`. */
function longFunctions(file: string, source: ts.SourceFile = parse(file)): LongFunction[] {
  const found: LongFunction[] = [];
  const lineOf = (position: number): number => source.getLineAndCharacterOfPosition(position).line + 1;
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
      const line = lineOf(node.getStart(source));
      const lines = lineOf(node.getEnd()) - line + 1;
      if (lines > MAX_LINES) found.push({ id: `${file} › ${nameOf(node)}`, line, lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const files = typeScriptFiles('bin', 'src');
const long = files.flatMap((file) => longFunctions(file));

describe(`functions in src/ and bin/ are at most ${MAX_LINES} lines`, () => {
  it('has none longer, outside the declarative data listed in this test', () => {
    const offenders = long.filter((f) => !(f.id in DECLARATIVE)).map((f) => `${f.id} (line ${f.line}): ${f.lines} lines`);
    expect(offenders).toEqual([]);
  });

  it('lists as declarative only functions that exist and are over the limit', () => {
    const ids = new Set(long.map((f) => f.id));
    expect(Object.keys(DECLARATIVE).filter((id) => !ids.has(id))).toEqual([]);
  });

  it('measures what a reader sees: first to last line, nested functions inside their parent', () => {
    const body = (n: number): string => Array.from({ length: n }, (_, i) => `  const v${i} = ${i};`).join('\n');
    const sample = ts.createSourceFile(
      'sample.ts',
      [
        `/** doc */\nexport function outer(): () => void {\n${body(77)}\n  return () => {\n${body(2)}\n  };\n}`,
        `class C {\n  constructor() {\n${body(79)}\n  }\n  short = (): void => {\n${body(78)}\n  };\n}`,
      ].join('\n'),
      ts.ScriptTarget.Latest,
      true,
    );
    expect(longFunctions('sample.ts', sample).map((f) => `${f.id}: ${f.lines}`)).toEqual([
      'sample.ts › outer: 83',
      'sample.ts › C.constructor: 81',
    ]);
  });
});
