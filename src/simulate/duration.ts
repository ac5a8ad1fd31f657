/**
 * Parses a duration written for people: `250ms`, `2s`, `1.5s`, `3m`, or a bare number of seconds.
 * Returns milliseconds; throws a RangeError naming the text otherwise.
 */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min)?\s*$/i.exec(text);
  if (!m) throw new RangeError(`"${text}" is not a duration such as 500ms, 2s or 1m`);
  const value = Number(m[1]);
  const unit = (m[2] ?? 's').toLowerCase();
  return Math.round(value * (unit === 'ms' ? 1 : unit === 's' ? 1000 : 60_000));
}

/** `1.2 s`, `850 ms` — for progress lines and summaries. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
