/**
 * A small evaluator for the part of Go's text/template that docker-jitsi-meet's configuration
 * templates use, so a test can render a template excerpt with a container's environment the way
 * the image does at start (`tpl /defaults/jicofo.conf > …`, jitsi/tpl v1.5.0 in the base image of
 * stable-11146-2). Covered, as text/template defines them: text with `{{- ` / ` -}}` trimming;
 * `{{ $X := pipeline }}`; `{{ if }}` / `{{ else if }}` / `{{ else }}` / `{{ end }}` (a variable set
 * inside a branch stays in it); pipelines whose commands get the previous value as their last
 * argument; `.Env.NAME` (a missing one is nil and prints `<no value>`, tpl's `missingkey=default`);
 * string literals; parentheses; the built-ins `and`, `or`, `not`, `eq`; sprout's `default`,
 * `splitList`, `compact`, `join`; and tpl's `toBool` (func.go: strconv.ParseBool after removing
 * quotes, otherwise true for a non-empty string, false for nil). Anything else throws, so an
 * excerpt that needs more fails loudly instead of rendering wrong.
 */

type Value = string | boolean | number | null | readonly Value[];

type Node =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'print'; readonly expr: string }
  | { readonly kind: 'assign'; readonly name: string; readonly expr: string }
  | { readonly kind: 'if'; readonly branches: Array<{ cond: string | undefined; body: Node[] }> };

/** Go's notion of empty, which `if`, `and`, `or`, `not` and sprout's `default` use. */
const empty = (v: Value): boolean => v === null || v === false || v === 0 || v === '' || (Array.isArray(v) && v.length === 0);

function toBool(v: Value): boolean {
  if (v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') {
    const s = v.replaceAll('"', '').replaceAll("'", '');
    if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
    if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
    return s.length > 0;
  }
  throw new Error(`toBool: unsupported value ${JSON.stringify(v)}`);
}

const print = (v: Value): string => (v === null ? '<no value>' : Array.isArray(v) ? `[${v.map(print).join(' ')}]` : String(v));

const FUNCTIONS: Record<string, (...args: Value[]) => Value> = {
  toBool: (v) => toBool(v ?? null),
  default: (fallback, given) => (given === undefined || empty(given) ? (fallback ?? null) : given),
  and: (...args) => args.find(empty) ?? args[args.length - 1] ?? null,
  or: (...args) => args.find((a) => !empty(a)) ?? args[args.length - 1] ?? null,
  not: (v) => empty(v ?? null),
  eq: (a, ...rest) => rest.some((b) => a === b),
  splitList: (sep, s) => String(s ?? '').split(String(sep)),
  compact: (list) => (Array.isArray(list) ? list.filter((x) => !empty(x)) : []),
  join: (sep, list) => (Array.isArray(list) ? list.map(print).join(String(sep)) : print(list ?? null)),
};

/** Split the template into text and actions, applying the trim markers. */
function lex(template: string): Array<{ text: string } | { action: string }> {
  const out: Array<{ text: string } | { action: string }> = [];
  const action = /\{\{(- )?([\s\S]*?)( -)?\}\}/g;
  let last = 0;
  let trimNext = false;
  for (let m = action.exec(template); m; m = action.exec(template)) {
    let text = template.slice(last, m.index);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (m[1]) text = text.replace(/\s+$/, '');
    out.push({ text }, { action: (m[2] ?? '').trim() });
    trimNext = Boolean(m[3]);
    last = action.lastIndex;
  }
  const tail = template.slice(last);
  out.push({ text: trimNext ? tail.replace(/^\s+/, '') : tail });
  return out;
}

function parse(template: string): Node[] {
  const root: Node[] = [];
  const stack: Array<{ node: Extract<Node, { kind: 'if' }>; body: Node[] }> = [];
  let body = root;
  for (const item of lex(template)) {
    if ('text' in item) {
      if (item.text) body.push({ kind: 'text', text: item.text });
      continue;
    }
    const a = item.action;
    const assign = /^\$(\w+)\s*:=\s*([\s\S]+)$/.exec(a);
    if (a.startsWith('if ')) {
      const node: Extract<Node, { kind: 'if' }> = { kind: 'if', branches: [{ cond: a.slice(3), body: [] }] };
      body.push(node);
      stack.push({ node, body });
      body = node.branches[0]?.body as Node[];
    } else if (a.startsWith('else')) {
      const top = stack[stack.length - 1];
      if (!top) throw new Error('else without if');
      const cond = a.startsWith('else if ') ? a.slice(8) : undefined;
      const branch = { cond, body: [] as Node[] };
      top.node.branches.push(branch);
      body = branch.body;
    } else if (a === 'end') {
      const top = stack.pop();
      if (!top) throw new Error('end without if');
      body = top.body;
    } else if (assign) {
      body.push({ kind: 'assign', name: assign[1] as string, expr: assign[2] as string });
    } else {
      body.push({ kind: 'print', expr: a });
    }
  }
  if (stack.length > 0) throw new Error('if without end');
  return root;
}

/** Tokens of a pipeline: string literals, $variables, .Env fields, names, parentheses and pipes. */
function tokens(expr: string): string[] {
  const out: string[] = [];
  const token = /\s*("(?:[^"\\]|\\.)*"|\$\w+|\.[\w.]+|[A-Za-z_]\w*|\(|\)|\|)/y;
  let at = 0;
  while (at < expr.length) {
    if (/^\s*$/.test(expr.slice(at))) break;
    token.lastIndex = at;
    const m = token.exec(expr);
    if (!m) throw new Error(`cannot read ${JSON.stringify(expr.slice(at))} in ${JSON.stringify(expr)}`);
    out.push(m[1] as string);
    at = token.lastIndex;
  }
  return out;
}

function evaluate(expr: string, env: Readonly<Record<string, string>>, vars: Map<string, Value>): Value {
  const toks = tokens(expr);
  let i = 0;
  const operand = (): Value => {
    const t = toks[i++];
    if (t === undefined) throw new Error(`missing operand in ${expr}`);
    if (t === '(') {
      const v = pipeline(')');
      i++;
      return v;
    }
    if (t.startsWith('"')) return JSON.parse(t) as string;
    if (t.startsWith('$')) {
      const name = t.slice(1);
      if (!vars.has(name)) throw new Error(`undefined variable $${name}`);
      return vars.get(name) as Value;
    }
    const field = /^\.Env\.(\w+)$/.exec(t);
    if (field) return env[field[1] as string] ?? null;
    throw new Error(`unsupported operand ${t} in ${expr}`);
  };
  const command = (end: string | undefined, piped: Value | undefined): Value => {
    const head = toks[i];
    if (head && /^[A-Za-z_]\w*$/.test(head)) {
      i++;
      const fn = FUNCTIONS[head];
      if (!fn) throw new Error(`unsupported function ${head}`);
      const args: Value[] = [];
      while (i < toks.length && toks[i] !== '|' && toks[i] !== end) args.push(operand());
      if (piped !== undefined) args.push(piped);
      return fn(...args);
    }
    if (piped !== undefined) throw new Error(`cannot pipe into ${head} in ${expr}`);
    return operand();
  };
  const pipeline = (end: string | undefined): Value => {
    let value = command(end, undefined);
    while (toks[i] === '|') {
      i++;
      value = command(end, value);
    }
    return value;
  };
  const value = pipeline(undefined);
  if (i !== toks.length) throw new Error(`unexpected ${toks[i]} in ${expr}`);
  return value;
}

function render(nodes: readonly Node[], env: Readonly<Record<string, string>>, vars: Map<string, Value>): string {
  let out = '';
  for (const node of nodes) {
    if (node.kind === 'text') out += node.text;
    else if (node.kind === 'print') out += print(evaluate(node.expr, env, vars));
    else if (node.kind === 'assign') vars.set(node.name, evaluate(node.expr, env, vars));
    else {
      const taken = node.branches.find((b) => b.cond === undefined || !empty(evaluate(b.cond, env, vars)));
      if (taken) out += render(taken.body, env, new Map(vars));
    }
  }
  return out;
}

/** Render a template (or an excerpt of one) with the container's environment. */
export function renderGoTemplate(template: string, env: Readonly<Record<string, string>>): string {
  return render(parse(template), env, new Map());
}
