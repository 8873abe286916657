import type { ProgressEvent } from '../control/execute.js';
import type { Output, Writer } from './output.js';

/** `m:ss` */
export function clockTime(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** `[2/4 1:05 | step 0:35, limit 8:00]`: where we are, the elapsed time and the step's time limit (its deadline, not how long it takes). */
export function progressPrefix(event: ProgressEvent, stepElapsedMs = event.stepElapsedMs): string {
  const deadline = event.deadlineSeconds ? `, limit ${clockTime(event.deadlineSeconds * 1000)}` : '';
  return `[${event.index}/${event.total} ${clockTime(event.elapsedMs)} | step ${clockTime(stepElapsedMs)}${deadline}]`;
}

/** One line per event, for logs and pipes. The core reports a waiting step at least every 15 s. */
export function plainProgress(out: Output): (event: ProgressEvent) => void {
  return (event) => {
    const at = progressPrefix(event);
    switch (event.type) {
      case 'step':
        out.note(`${out.style('cyan', at)} ${event.description}`);
        break;
      case 'waiting':
        out.note(`${out.style('dim', at)}   ${event.detail ?? ''}`);
        break;
      case 'done':
        out.note(`${out.style('green', at)}   done`);
        break;
      case 'failed':
        out.note(`${out.style('red', at)}   failed: ${event.detail ?? ''}`);
        break;
      case 'compensating':
        out.note(`${out.style('yellow', at)} ${event.description}${event.detail ? ` (${event.detail})` : ''}`);
        break;
      case 'compensated':
        out.note(`${out.style('green', at)} ${event.description}`);
        break;
    }
  };
}

/** What the live view needs of a spinner (ora's API). */
interface Spinner {
  text: string;
  start(text?: string): Spinner;
  succeed(text?: string): Spinner;
  fail(text?: string): Spinner;
  warn(text?: string): Spinner;
  stop(): Spinner;
}

/**
 * On a terminal: one live line (ora's spinner) per step, redrawn every second with the elapsed time
 * and the step's deadline, then kept as a ✔/✖ line. Returns the handler and a `close` to call at the end.
 */
export async function liveProgress(
  stream: Writer,
  now: () => number,
): Promise<{ handle: (event: ProgressEvent) => void; close: () => void }> {
  const { default: ora } = await import('ora');
  // One line, never wrapped: the spinner redraws it in place.
  const toWidth = (text: string) => {
    const width = ((stream as { columns?: number }).columns ?? 80) - 3;
    return text.length > width ? `${text.slice(0, width - 1)}…` : text;
  };
  let spinner: Spinner | undefined;
  let current: { event: ProgressEvent; seenAt: number } | undefined;
  const draw = () => {
    if (!spinner || !current) return;
    const { event, seenAt } = current;
    const drift = now() - seenAt;
    const prefix = progressPrefix({ ...event, elapsedMs: event.elapsedMs + drift }, event.stepElapsedMs + drift);
    spinner.text = toWidth(`${prefix} ${event.description}${event.detail ? `: ${event.detail}` : ''}`);
  };
  const timer = setInterval(draw, 1000);
  timer.unref();
  const handle = (event: ProgressEvent) => {
    const text = toWidth(`${progressPrefix(event)} ${event.description}${event.detail ? `: ${event.detail}` : ''}`);
    if (event.type === 'step' || event.type === 'compensating') {
      spinner?.stop();
      // The first frame already names the step. The caller has decided the stream is live (from the
      // environment it was given), so ora must not decide again from process.env (it turns itself
      // off when CI is set at all, which made the live view depend on the test runner's environment).
      spinner = ora({
        stream: stream as NodeJS.WritableStream,
        discardStdin: false,
        isEnabled: true,
        text,
      }).start() as unknown as Spinner;
    }
    current = { event, seenAt: now() };
    draw();
    if (event.type === 'done' || event.type === 'compensated') spinner?.succeed(text);
    if (event.type === 'failed') spinner?.fail(text);
  };
  return {
    handle,
    close: () => {
      clearInterval(timer);
      spinner?.stop();
    },
  };
}
