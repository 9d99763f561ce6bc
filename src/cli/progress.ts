// Upload progress for the CLI: a one-line bar with bytes, rate and time left, redrawn in place on a
// terminal; on anything else (CI logs, pipes) no bar, just one plain line at the end, because redraws
// in a log file are noise. The formatting functions are pure so they can be tested exactly.

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/** 1536 → "1.50 KiB": binary units, three significant digits. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '?';
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digitsFor = (v: number): number => (v >= 100 ? 0 : v >= 10 ? 1 : 2);
  // Round first, then re-check: 1023.99 KiB must print as "1.00 MiB", not "1024 KiB".
  if (Number(value.toFixed(digitsFor(value))) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(digitsFor(value))} ${UNITS[unit]}`;
}

export function formatRate(bytesPerSecond: number): string {
  if (!Number.isFinite(bytesPerSecond) || bytesPerSecond <= 0) return '-- B/s';
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** Seconds → "0:07", "12:05", "1:02:03"; unknown → "--:--". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export interface ProgressState {
  sent: number;
  total: number;
  /** Current transfer rate; 0 or less when not known yet. */
  bytesPerSecond: number;
  /** Terminal width in columns. */
  width: number;
}

/**
 * "[#######-------]  45%  1.17 GiB / 2.60 GiB  35.2 MiB/s  0:42 left" fitted to `width` columns:
 * the bar takes what the figures leave; on a very narrow terminal the bar is dropped.
 */
export function renderProgress(state: ProgressState): string {
  const total = Math.max(0, state.total);
  const sent = Math.min(Math.max(0, state.sent), total || state.sent);
  const fraction = total > 0 ? sent / total : 0;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const left = state.bytesPerSecond > 0 ? (total - sent) / state.bytesPerSecond : Number.NaN;
  const figures = `${percent}  ${formatBytes(sent)} / ${formatBytes(total)}  ${formatRate(state.bytesPerSecond)}  ${formatDuration(left)} left`;
  const barWidth = Math.min(40, state.width - figures.length - 4);
  if (barWidth < 10) return figures.slice(0, Math.max(0, state.width - 1));
  const filled = Math.round(fraction * barWidth);
  return `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}] ${figures}`;
}

/**
 * "Uploaded 2.60 GiB in 1:15 (35.5 MiB/s)"; after a resume, the bytes of this run and where it
 * started: "Uploaded 1.04 GiB in 0:30 (35.5 MiB/s), resumed at 1.56 GiB".
 */
export function renderSummary(bytes: number, elapsedMs: number, resumedAt = 0): string {
  const seconds = elapsedMs / 1000;
  const rate = seconds > 0 ? bytes / seconds : Number.NaN;
  const resumed = resumedAt > 0 ? `, resumed at ${formatBytes(resumedAt)}` : '';
  return `Uploaded ${formatBytes(bytes)} in ${formatDuration(seconds)} (${formatRate(rate)})${resumed}`;
}

/**
 * Rate over a sliding window of recent samples: reacts to a network that speeds up or stalls, unlike
 * the average since the start, and does not jitter like the rate between two samples.
 */
export class RateMeter {
  readonly #windowMs: number;
  readonly #samples: Array<{ t: number; bytes: number }> = [];

  constructor(windowMs = 5000) {
    this.#windowMs = windowMs;
  }

  add(t: number, bytes: number): void {
    this.#samples.push({ t, bytes });
    while (this.#samples.length > 2 && t - (this.#samples[1]?.t ?? t) >= this.#windowMs) this.#samples.shift();
  }

  /** Bytes per second across the window; 0 until two samples span some time. */
  rate(): number {
    const first = this.#samples[0];
    const last = this.#samples[this.#samples.length - 1];
    if (!first || !last || last.t <= first.t) return 0;
    return ((last.bytes - first.bytes) * 1000) / (last.t - first.t);
  }
}

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/** Drives the bar from (sent, total) updates; throttled so a fast disk does not flood the terminal. */
export class ProgressBar {
  readonly #out: ProgressStream;
  readonly #now: () => number;
  readonly #interval: number;
  #meter = new RateMeter();
  #start: number;
  #resumedAt = 0;
  #lastDraw = -Infinity;
  #sent = 0;
  #total = 0;
  #drawn = false;
  #finished = false;

  constructor(out: ProgressStream, options: { now?: () => number; intervalMs?: number } = {}) {
    this.#out = out;
    this.#now = options.now ?? (() => performance.now());
    this.#interval = options.intervalMs ?? 100;
    this.#start = this.#now();
    this.#meter.add(this.#start, 0);
  }

  /**
   * A resumed upload starts at `offset`: the bar starts there, and the rate and the summary count only
   * the bytes sent in this run.
   */
  resumeAt(offset: number, total: number): void {
    if (this.#finished || offset <= 0) return;
    this.#resumedAt = offset;
    this.#sent = offset;
    this.#total = total;
    this.#start = this.#now();
    this.#meter = new RateMeter();
    this.#meter.add(this.#start, offset);
  }

  get interactive(): boolean {
    return this.#out.isTTY === true;
  }

  update(sent: number, total: number): void {
    if (this.#finished) return;
    this.#sent = sent;
    this.#total = total;
    const t = this.#now();
    this.#meter.add(t, sent);
    if (!this.interactive || t - this.#lastDraw < this.#interval) return;
    this.#lastDraw = t;
    this.#draw();
  }

  #draw(): void {
    const line = renderProgress({
      sent: this.#sent,
      total: this.#total,
      bytesPerSecond: this.#meter.rate(),
      width: this.#out.columns ?? 80,
    });
    // \r back to column 0, then erase what a longer previous line left behind.
    this.#out.write(`\r${line}\x1b[K`);
    this.#drawn = true;
  }

  /** Ends the bar: on a terminal the bar line is replaced by the summary; elsewhere the summary is printed. */
  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    const summary = renderSummary(this.#sent - this.#resumedAt, this.#now() - this.#start, this.#resumedAt);
    this.#out.write(this.interactive && this.#drawn ? `\r${summary}\x1b[K\n` : `${summary}\n`);
  }

  /** Ends the bar after a failure: clears the line so the error message starts at column 0. */
  abort(): void {
    if (this.#finished) return;
    this.#finished = true;
    if (this.interactive && this.#drawn) this.#out.write('\r\x1b[K');
  }
}
