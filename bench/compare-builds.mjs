// Compares wasm-bindgen `--target nodejs` builds of the library in one process, interleaved, so
// that machine load hits them alike: sync buildRefund (RSA sign in wasm), parseRefundResponse and
// verifyNotification (RSA verify in wasm), per gateway, plus each .wasm's raw and gzip size.
//   node bench/compare-builds.mjs [--rounds N] LABEL=DIR LABEL=DIR ...
// DIR holds refundkit.js and refundkit_bg.wasm (for example a copy of pkg/node).
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { scenarios } from './gateways.mjs';

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const roundsAt = args.indexOf('--rounds');
const ROUNDS = roundsAt >= 0 ? Number(args[roundsAt + 1]) : 60;
const builds = args
  .filter((a, i) => a.includes('=') && i !== roundsAt + 1)
  .map((a) => {
    const [label, dir] = a.split('=');
    const wasm = readFileSync(join(resolve(dir), 'refundkit_bg.wasm'));
    return { label, mod: require(join(resolve(dir), 'refundkit.js')), raw: wasm.length, gzip: gzipSync(wasm, { level: 9 }).length };
  });

const now = () => Number(process.hrtime.bigint()) / 1e6;
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

for (const b of builds) console.log(`${b.label}: ${b.raw} bytes raw, ${b.gzip} gzip -9`);
console.log(`\nmedian ms over ${ROUNDS} interleaved rounds`);
console.log(['gateway', 'operation', ...builds.map((b) => b.label)].join('\t'));
for (const s of scenarios()) {
  const clients = builds.map((b) => {
    try {
      return new b.mod.RefundClient(s.config);
    } catch {
      return null;
    }
  });
  if (clients.some((c) => c === null)) continue;
  const ops = {
    buildRefund: (c) => c.buildRefund(s.input, { now: s.now }),
    parseRefundResponse: (c) => c.parseRefundResponse(s.response),
    verifyNotification: (c) => c.verifyNotification(s.notification, { now: s.now }),
  };
  for (const [name, op] of Object.entries(ops)) {
    const samples = builds.map(() => []);
    for (let round = 0; round < ROUNDS + 10; round++) {
      for (let k = 0; k < builds.length; k++) {
        const i = (round + k) % builds.length;
        const t0 = now();
        op(clients[i]);
        if (round >= 10) samples[i].push(now() - t0);
      }
    }
    console.log([s.id, name, ...samples.map((x) => median(x).toFixed(3))].join('\t'));
  }
}
