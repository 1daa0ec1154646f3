// Progress for long work: a redrawn bar with rate and ETA on a TTY, a plain line
// every few seconds otherwise (CI logs, pipes), nothing with --quiet.
export interface Progress {
  tick(n?: number): void;
  /** `n` more items done, failed; `counted` of them add to the failure count shown (default all). */
  fail(n?: number, counted?: number): void;
  done(): void;
  /** The total, once known (a report plans its heatmaps while it reads). */
  setTotal(total: number): void;
}

export function progress(label: string, initialTotal: number, opts: { quiet?: boolean; stream?: NodeJS.WriteStream } = {}): Progress {
  const out = opts.stream ?? process.stderr;
  let total = initialTotal;
  const t0 = Date.now();
  let n = 0;
  let failed = 0;
  let last = 0;
  const tty = Boolean(out.isTTY);
  const line = () => {
    const s = (Date.now() - t0) / 1000;
    const rate = s > 0 ? n / s : 0;
    const eta = rate > 0 ? Math.max(0, (total - n) / rate) : 0;
    const pct = total ? Math.floor((100 * n) / total) : 100;
    const f = failed ? `, ${failed} failed` : '';
    if (!tty) return `${label}: ${n}/${total} (${pct}%), ${rate.toFixed(1)}/s${f}`;
    const width = 24;
    const fill = total ? Math.round((width * n) / total) : width;
    return `${label} [${'#'.repeat(fill)}${' '.repeat(width - fill)}] ${n}/${total} ${rate.toFixed(1)}/s ETA ${eta.toFixed(0)}s${f}`;
  };
  const draw = (force = false) => {
    if (opts.quiet) return;
    const now = Date.now();
    if (tty) {
      if (force || now - last > 100) {
        out.write(`\r${line()}\x1b[K`);
        last = now;
      }
    } else if (force || now - last > 2000) {
      out.write(line() + '\n');
      last = now;
    }
  };
  if (!tty) last = Date.now();
  return {
    tick(k = 1) {
      n += k;
      draw();
    },
    fail(k = 1, counted = k) {
      n += k;
      failed += counted;
      draw();
    },
    setTotal(t) {
      total = t;
    },
    done() {
      draw(true);
      if (tty && !opts.quiet) out.write('\n');
    },
  };
}
