import * as path from 'node:path';
import ts from 'typescript';
import type { Layer } from './layers.js';
import { parse } from './source-files.js';

/** One import of a module from another part of the code: file → file, and the parts they belong to. */
export interface PartImport {
  readonly from: string;
  readonly to: string;
  readonly fromPart: string;
  readonly toPart: string;
}

/**
 * Every module specifier a file names: imports and re-exports (type-only ones included), `import()`
 * calls and `import('…')` types, `require(…)` and `import x = require(…)`.
 */
export function specifiersOf(source: ts.SourceFile): string[] {
  const found: string[] = [];
  const literal = (node: ts.Node | undefined): void => {
    if (node && ts.isStringLiteralLike(node)) found.push(node.text);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) literal(node.moduleSpecifier);
    else if (ts.isExternalModuleReference(node)) literal(node.expression);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) literal(node.argument.literal);
    else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const isImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      if (isImport || isRequire) literal(node.arguments[0]);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The part a repository file belongs to: `bin`, the folder of `src/` it is in, or its name when it sits in `src/`. */
export function partOf(file: string): string | undefined {
  const [top, part] = file.split('/');
  if (top === 'bin') return 'bin';
  return top === 'src' ? part : undefined;
}

/** The imports between different parts, for the given repository files (relative paths). */
export function partImports(files: readonly string[]): PartImport[] {
  const imports: PartImport[] = [];
  for (const from of files) {
    const fromPart = partOf(from);
    if (fromPart === undefined) continue;
    for (const specifier of specifiersOf(parse(from))) {
      if (!specifier.startsWith('.')) continue;
      const to = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier)).replace(/\.js$/, '.ts');
      const toPart = partOf(to);
      if (toPart !== undefined && toPart !== fromPart) imports.push({ from, to, fromPart, toPart });
    }
  }
  return imports;
}

/** The index of each part's layer in the table (0 = the top). */
export function layerIndex(layers: readonly Layer[]): Map<string, number> {
  const index = new Map<string, number>();
  layers.forEach((layer, i) => {
    for (const part of layer.parts) index.set(part, i);
  });
  return index;
}

/** The imports that point up the table: from a part to a part of a higher layer. */
export function upwardImports(imports: readonly PartImport[], layers: readonly Layer[]): PartImport[] {
  const index = layerIndex(layers);
  return imports.filter((i) => (index.get(i.toPart) ?? Number.POSITIVE_INFINITY) < (index.get(i.fromPart) ?? 0));
}

/**
 * The import cycles between parts: each strongly connected group of two or more parts (Tarjan), as the
 * sorted part names with the file imports that join them.
 */
export function partCycles(imports: readonly PartImport[]): { parts: string[]; imports: PartImport[] }[] {
  const next = new Map<string, Set<string>>();
  for (const i of imports) {
    if (!next.has(i.fromPart)) next.set(i.fromPart, new Set());
    next.get(i.fromPart)?.add(i.toPart);
  }
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const groups: string[][] = [];
  const connect = (part: string): void => {
    order.set(part, order.size);
    low.set(part, order.get(part) as number);
    stack.push(part);
    for (const to of next.get(part) ?? []) {
      if (!order.has(to)) {
        connect(to);
        low.set(part, Math.min(low.get(part) as number, low.get(to) as number));
      } else if (stack.includes(to)) low.set(part, Math.min(low.get(part) as number, order.get(to) as number));
    }
    if (low.get(part) !== order.get(part)) return;
    const group: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop() as string;
      group.push(member);
    } while (member !== part);
    if (group.length > 1) groups.push(group.sort());
  };
  for (const part of [...next.keys()].sort()) if (!order.has(part)) connect(part);
  return groups.map((parts) => ({
    parts,
    imports: imports.filter((i) => parts.includes(i.fromPart) && parts.includes(i.toPart)),
  }));
}
