import { styleText } from 'node:util';

export interface Writer {
  write(chunk: string): unknown;
}

type Style = 'bold' | 'dim' | 'green' | 'yellow' | 'red' | 'cyan';

/**
 * Everything a command prints goes through here: results to stdout, progress and errors to stderr.
 * Colour only when stderr/stdout is a TTY, NO_COLOR is unset and --json is off.
 */
export class Output {
  constructor(
    private readonly stdout: Writer,
    private readonly stderr: Writer,
    readonly color: boolean,
    /** Columns to fit prose and tables into (the terminal's, or 100 when not a terminal). */
    readonly width = 100,
  ) {}

  /** A paragraph of the result, wrapped at word boundaries to the width; `indent` starts every line. */
  paragraph(text: string, indent = '', firstIndent = indent): void {
    this.line(wrap(text, this.width, indent, firstIndent));
  }

  /** A line of the command's result (stdout). */
  line(text = ''): void {
    this.stdout.write(`${text}\n`);
  }

  /** Machine-readable result (stdout). */
  json(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** Progress, notices and warnings (stderr), so that stdout stays clean for pipes. */
  note(text: string): void {
    this.stderr.write(`${text}\n`);
  }

  error(message: string, hint?: string): void {
    this.stderr.write(`${this.style('red', 'error:')} ${message}\n`);
    if (hint) this.stderr.write(`${this.style('dim', 'hint:')} ${hint}\n`);
  }

  style(style: Style, text: string): string {
    return this.color ? styleText(style, text) : text;
  }
}

/** Wrap `text` at word boundaries so no line is longer than `width`. */
export function wrap(text: string, width: number, indent = '', firstIndent = indent): string {
  const lines: string[] = [];
  let line = firstIndent;
  let empty = true;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent + word;
    } else line = empty ? line + word : `${line} ${word}`;
    empty = false;
  }
  lines.push(line);
  return lines.join('\n');
}

/**
 * Render rows as an aligned text table. Numbers (and `$` amounts) are right-aligned. When the table
 * is wider than `maxWidth`, the last column wraps inside its cell.
 */
export function table(headers: readonly string[], rows: ReadonlyArray<readonly string[]>, maxWidth = Infinity): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => /^[-+]?\$?[-+]?[\d,.]+%?$|^-$/.test(r[i] ?? '')));
  const last = headers.length - 1;
  const before = widths.slice(0, last).reduce((sum, w) => sum + w + 2, 0);
  if (before + 30 > maxWidth) return stacked(headers, rows, maxWidth);
  const lastWidth = Math.max(Math.min(widths[last] ?? 0, maxWidth - before), Math.min(widths[last] ?? 0, 20));
  widths[last] = lastWidth;
  const format = (cells: readonly string[]) => {
    const lastLines = wrap(cells[last] ?? '', lastWidth).split('\n');
    const first = cells
      .map((cell, i) =>
        i === last ? (lastLines[0] ?? '') : numeric[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0),
      )
      .join('  ')
      .trimEnd();
    return [first, ...lastLines.slice(1).map((l) => `${' '.repeat(before)}${l}`)].join('\n');
  };
  return [format(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(format)].join('\n');
}

export function usd(amount: number, digits = 2): string {
  const sign = amount < 0 ? '-' : '';
  return `${sign}$${Math.abs(amount).toFixed(digits)}`;
}

/** A table too wide for the terminal, as one block per row: the first cell, then `header: value` lines. */
function stacked(headers: readonly string[], rows: ReadonlyArray<readonly string[]>, maxWidth: number): string {
  return rows
    .map((row) =>
      [
        wrap(row[0] ?? '', maxWidth),
        ...headers.slice(1).map((h, i) => wrap(`${h}: ${row[i + 1] ?? ''}`, maxWidth, '      ', '    ')),
      ].join('\n'),
    )
    .join('\n');
}
