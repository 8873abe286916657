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
  ) {}

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

/** Render rows as an aligned text table. Numbers (and `$` amounts) are right-aligned. */
export function table(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => /^[-+]?\$?[-+]?[\d,.]+%?$|^-$/.test(r[i] ?? '')));
  const format = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [format(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(format)].join('\n');
}

export function usd(amount: number, digits = 2): string {
  const sign = amount < 0 ? '-' : '';
  return `${sign}$${Math.abs(amount).toFixed(digits)}`;
}
