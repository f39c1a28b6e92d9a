// A module Web Worker (import maps do not reach workers, so the entry is named by its path).
import * as rk from '/node_modules/refundkit/js/web.mjs';
import { scenario } from '/scenario.mjs';
import data from '/data.mjs';

scenario(rk, data).then(
  (result) => postMessage(result),
  (error) => postMessage({ ok: false, error: String(error?.stack ?? error) }),
);
