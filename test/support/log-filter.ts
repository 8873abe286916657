/**
 * CloudWatch Logs metric filters on JSON lines, as AWS documents them, for the parts the stack's
 * filters use (nothing independent implements them offline: moto treats JSON patterns as
 * unsupported). Sources:
 * - "Using filter patterns to match terms in JSON log events" (CloudWatch Logs User Guide,
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html): a JSON
 *   pattern is `{ SELECTOR OPERATOR VALUE }`; `$.` selects a property (`.name` and `[index]`);
 *   strings compare with `=`/`!=` and may use `*` as a wildcard; numbers compare with `=`, `!=`, `<`,
 *   `>`, `<=`, `>=`; `IS TRUE`, `IS FALSE`, `IS NULL`, `NOT EXISTS`; `&&` and `||` combine
 *   expressions, with parentheses. An event that is not JSON does not match a JSON pattern.
 * - CDK `MetricFilterProps.metricValue`: "either a literal number (typically "1"), or the name of a
 *   field in the structure to take the value from the matched event"; a field whose value is not a
 *   number publishes nothing. CDK's `FilterPattern.exists` writes `$.field = "*"`: it "matches if the
 *   field exists".
 */

type Value = unknown;

function select(event: Value, selector: string): Value {
  const path = selector.replace(/^\$/, '');
  let current: Value = event;
  for (const part of path.match(/\.[A-Za-z0-9_-]+|\[\d+\]/g) ?? []) {
    if (current === null || typeof current !== 'object') return undefined;
    const key = part.startsWith('[') ? Number(part.slice(1, -1)) : part.slice(1);
    current = (current as Record<string | number, Value>)[key];
  }
  return current;
}

const wildcard = (pattern: string) =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );

function compare(actual: Value, op: string, raw: string): boolean {
  if (raw === '*' || raw === '"*"') return op === '=' ? actual !== undefined && actual !== null : actual === undefined;
  if (raw.startsWith('"')) {
    const text = JSON.parse(raw) as string;
    if (typeof actual !== 'string' && typeof actual !== 'number') return op === '!=';
    const equal = wildcard(text).test(String(actual));
    return op === '=' ? equal : op === '!=' ? !equal : false;
  }
  const number = Number(raw);
  if (typeof actual !== 'number' || Number.isNaN(number)) return false;
  switch (op) {
    case '=':
      return actual === number;
    case '!=':
      return actual !== number;
    case '<':
      return actual < number;
    case '>':
      return actual > number;
    case '<=':
      return actual <= number;
    case '>=':
      return actual >= number;
    default:
      return false;
  }
}

const TOKEN = /\s*(\(|\)|&&|\|\||"(?:[^"\\]|\\.)*"|IS TRUE|IS FALSE|IS NULL|NOT EXISTS|!=|<=|>=|=|<|>|[^\s()]+)/y;

function tokens(text: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const m = TOKEN.exec(text);
    if (!m) break;
    if (m[1]) out.push(m[1]);
  }
  return out;
}

/** Whether `message` matches the JSON filter pattern `pattern` (`{ … }`). */
export function matchesFilter(pattern: string, message: string): boolean {
  const inner = pattern.trim();
  if (!inner.startsWith('{') || !inner.endsWith('}')) throw new Error(`not a JSON filter pattern: ${pattern}`);
  let event: Value;
  try {
    event = JSON.parse(message);
  } catch {
    return false;
  }
  const t = tokens(inner.slice(1, -1));
  let i = 0;
  const term = (): boolean => {
    if (t[i] === '(') {
      i++;
      const value = or();
      if (t[i++] !== ')') throw new Error(`unbalanced parentheses in ${pattern}`);
      return value;
    }
    const selector = t[i++] ?? '';
    const op = t[i++] ?? '';
    const actual = select(event, selector);
    if (op === 'IS TRUE') return actual === true;
    if (op === 'IS FALSE') return actual === false;
    if (op === 'IS NULL') return actual === null;
    if (op === 'NOT EXISTS') return actual === undefined;
    return compare(actual, op, t[i++] ?? '');
  };
  const and = (): boolean => {
    let value = term();
    while (t[i] === '&&') {
      i++;
      value = term() && value;
    }
    return value;
  };
  const or = (): boolean => {
    let value = and();
    while (t[i] === '||') {
      i++;
      value = and() || value;
    }
    return value;
  };
  const result = or();
  if (i !== t.length) throw new Error(`unparsed rest of ${pattern}: ${t.slice(i).join(' ')}`);
  return result;
}

/** The datapoint a metric filter publishes for `message`, or undefined when it publishes none. */
export function metricValue(filter: { pattern: string; value: string }, message: string): number | undefined {
  if (!matchesFilter(filter.pattern, message)) return undefined;
  if (!filter.value.startsWith('$')) return Number(filter.value);
  const value = select(JSON.parse(message), filter.value);
  return typeof value === 'number' ? value : undefined;
}
