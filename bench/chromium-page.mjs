// The Chromium half of the benchmark (bench/chromium.mjs serves and opens it): the browser entry's
// async builds beside a bare WebCrypto sign of the same bytes in the same tab, and its synchronous
// builds on the RSA fallback module. The page is cross-origin isolated, so performance.now() counts
// in 5 µs steps rather than 100 µs. Reports `globalThis.__result`, or `__error`.
import { init, RefundClient } from '/js/web.mjs';
import { race } from '/bench/race.mjs';

/** Calls per timed sample of the async races: a sign takes about half a millisecond here. */
const ASYNC_BATCH = 4;

const fromBase64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
const toBase64 = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer)));

async function run() {
  if (!globalThis.crossOriginIsolated) throw new Error('the page is not cross-origin isolated: timers would count in 100 µs steps');
  const { merchantPrivate, scenarios, rounds, warmup } = await (await fetch('/data.json')).json();
  await init(undefined, { syncSigning: true });
  const rsa = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const key = await crypto.subtle.importKey('pkcs8', fromBase64(merchantPrivate), rsa, false, ['sign']);
  // Every road warmed before the first race, so that the first gateway's figures do not carry the
  // engine's compiling of the module's code (the Node rows are timed after other work too).
  const clients = scenarios.map((s) => new RefundClient(s.config));
  for (let i = 0; i < 50; i++) {
    for (const [n, s] of scenarios.entries()) {
      for (const { build, buildAsync, arg } of s.operations) {
        await clients[n][buildAsync](arg, { now: s.now });
        if (i % 10 === 0) clients[n][build](arg, { now: s.now });
      }
    }
  }
  const results = [];
  for (const [n, s] of scenarios.entries()) {
    const client = clients[n];
    const opts = { now: s.now };
    for (const { build, buildAsync, arg, request, bytes } of s.operations) {
      // The comparison is fair only where both sides sign the same bytes: the request made here
      // must be the one Node made, whose signed bytes the baseline signs.
      for (const made of [client[build](arg, opts), await client[buildAsync](arg, opts)]) {
        if (JSON.stringify(made) !== JSON.stringify(request)) throw new Error(`${s.id} ${build}: Chromium made another request than Node`);
      }
      const message = fromBase64(bytes);
      const webcrypto = async () => toBase64(await crypto.subtle.sign(rsa, key, message.slice()));
      const r = {
        ...(await race({ async: () => client[buildAsync](arg, opts), webcrypto }, { rounds, warmup, batch: ASYNC_BATCH })),
        ...(await race({ fallback: () => client[build](arg, opts) }, { rounds, warmup })),
      };
      results.push({ gateway: s.id, build, buildAsync, ...r });
    }
    client.free();
  }
  return { userAgent: navigator.userAgent, results };
}

run().then(
  (result) => (globalThis.__result = result),
  (error) => (globalThis.__error = String(error?.stack ?? error)),
);
