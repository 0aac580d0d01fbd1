// @ts-check
/** How times, durations and token counts read on the page. */

/**
 * @param {number} ms
 * @returns {string}
 */
export function duration(ms) {
  if (!Number.isFinite(ms) || ms < 0) return "";
  if (ms < 10) return `${Number(ms.toFixed(1))} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/**
 * @param {number} time
 * @returns {string}
 */
export function clock(time) {
  const date = new Date(time);
  const pad = (/** @type {number} */ n, width = 2) => String(n).padStart(width, "0");
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/**
 * @param {{ input_tokens: number, output_tokens: number, total_tokens: number } | undefined} usage
 * @returns {string}
 */
export function tokens(usage) {
  if (usage === undefined) return "";
  return `${usage.total_tokens} (${usage.input_tokens} in, ${usage.output_tokens} out)`;
}

/**
 * @param {{ startTime: number, endTime?: number }} run
 * @param {number} now
 * @returns {number}
 */
export function elapsed(run, now) {
  return (run.endTime ?? now) - run.startTime;
}
