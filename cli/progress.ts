/**
 * A one-line progress display for long CLI commands (imports, compactions): rows done (of the
 * total when known), rows/s and elapsed time, redrawn in place on stderr. It draws only when
 * stderr is a terminal, so piped or captured output never holds escape codes or partial lines.
 */

/** Where the bar draws: a stream that may be a terminal. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(s: string): unknown;
}

export interface ProgressOptions {
  /** Total rows, when known: the bar then shows a percentage. */
  readonly total?: number;
  readonly stream?: ProgressStream;
  /** Draw even if the stream is not a terminal (tests). Default: `stream.isTTY`. */
  readonly enabled?: boolean;
  /** Minimum milliseconds between redraws (default 100). */
  readonly intervalMs?: number;
}

const BAR_WIDTH = 24;

/** 1234567 → "1,234,567". */
export const thousands = (n: number): string => Math.round(n).toLocaleString('en-US');

function seconds(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.floor(s - m * 60)).padStart(2, '0')}s`;
}

function rate(perSec: number): string {
  if (perSec >= 1e6) return `${(perSec / 1e6).toFixed(1)}M rows/s`;
  if (perSec >= 1e3) return `${(perSec / 1e3).toFixed(1)}k rows/s`;
  return `${perSec.toFixed(0)} rows/s`;
}

export class Progress {
  private done = 0;
  private note = '';
  private lastDraw = 0;
  private drawn = false;
  private readonly started = performance.now();
  private readonly stream: ProgressStream;
  private readonly enabled: boolean;
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly label: string,
    private readonly opts: ProgressOptions = {},
  ) {
    this.stream = opts.stream ?? process.stderr;
    this.enabled = opts.enabled ?? this.stream.isTTY === true;
    // Keeps elapsed time moving between (possibly rare) updates; never holds the process open.
    this.timer = this.enabled ? setInterval(() => this.draw(), 500).unref() : undefined;
  }

  /** Sets the rows done so far, and an optional note shown after the numbers. */
  update(done: number, note?: string): void {
    this.done = done;
    if (note !== undefined) this.note = note;
    if (!this.enabled) return;
    const now = performance.now();
    if (now - this.lastDraw >= (this.opts.intervalMs ?? 100)) this.draw();
  }

  /** The current line (without escape codes). */
  line(): string {
    const ms = performance.now() - this.started;
    const parts = [this.label];
    const total = this.opts.total;
    if (total !== undefined && total > 0) {
      const f = Math.min(1, this.done / total);
      const full = Math.round(f * BAR_WIDTH);
      parts.push(
        `[${'█'.repeat(full)}${'░'.repeat(BAR_WIDTH - full)}] ${(f * 100).toFixed(0).padStart(3)}%`,
        `${thousands(this.done)}/${thousands(total)} rows`,
      );
    } else parts.push(`${thousands(this.done)} rows`);
    parts.push(rate(ms > 0 ? (this.done * 1000) / ms : 0), seconds(ms));
    if (this.note) parts.push(this.note);
    return parts.join('  ');
  }

  private draw(): void {
    if (!this.enabled) return;
    this.lastDraw = performance.now();
    const width = this.stream.columns || 120;
    this.stream.write(`\r\x1b[2K${this.line().slice(0, Math.max(20, width - 1))}`);
    this.drawn = true;
  }

  /** Stops redrawing and clears the line (the caller prints its own summary). */
  finish(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.enabled && this.drawn) this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }
}
