// Timing shared by scripts/bench.mjs (in Node) and bench/chromium-page.mjs (in Chromium).

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** A copy of `items` in random order (Fisher-Yates). */
export function shuffled(items) {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

/**
 * Times candidates ({ name: fn }) interleaved: `warmup` untimed rounds, then `rounds` timed rounds,
 * one sample of each candidate per round, in a new random order each round (in a fixed rotation
 * each candidate mostly follows the same neighbour, whose after-effects then look like its own
 * cost). A sample is the mean of `batch` calls, each awaited where fn returns a promise; `now()`
 * reads the clock in milliseconds. Returns { name: median ms }.
 */
export async function race(candidates, { rounds, warmup, batch = 1, now = () => performance.now() }) {
  const names = Object.keys(candidates);
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < warmup + rounds; round++) {
    for (const name of shuffled(names)) {
      const t0 = now();
      for (let i = 0; i < batch; i++) {
        const result = candidates[name]();
        if (result && typeof result.then === 'function') await result;
      }
      const elapsed = (now() - t0) / batch;
      if (round >= warmup) samples[name].push(elapsed);
    }
  }
  return Object.fromEntries(names.map((n) => [n, median(samples[n])]));
}
