// The browser entry timed where it runs: in Chromium (Debian's, driven by the pinned playwright-core
// of scripts/runtimes.mjs). Serves the package's js/ and pkg/ with bench/chromium-page.mjs and its
// bench/race.mjs on 127.0.0.1, cross-origin isolated for fine timers, and returns what the page
// measured.
import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { setup } from '../scripts/setup.mjs';
import { pinnedPlaywrightChromium } from '../scripts/runtimes.mjs';

const TYPES = { '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
const PAGE = '<!doctype html>\n<meta charset="utf-8">\n<title>refundkit bench</title>\n<script type="module" src="/bench/chromium-page.mjs"></script>\n';
/** Headers that make the page cross-origin isolated, and its files loadable by it. */
const ISOLATED = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
};

/** Serves `/` (the page), `/data.json`, the package's js/ and pkg/, and the page's modules. */
function serve(root, data) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (path === '/') return res.writeHead(200, { 'content-type': 'text/html', ...ISOLATED }).end(PAGE);
    if (path === '/data.json') return res.writeHead(200, { 'content-type': TYPES['.json'], ...ISOLATED }).end(data);
    const file = normalize(join(root, path));
    const allowed = ['js', 'pkg'].some((dir) => file.startsWith(join(root, dir) + sep)) || ['chromium-page.mjs', 'race.mjs'].some((name) => file === join(root, 'bench', name));
    if (!allowed || !existsSync(file) || !statSync(file).isFile()) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', ...ISOLATED }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** playwright-core's launcher for Debian's Chromium, each installed where missing; throws where
 * they cannot be (no root to install Chromium with, no registry to install playwright-core from). */
export function chromiumLauncher() {
  setup({ browser: true });
  return pinnedPlaywrightChromium();
}

/**
 * Times, in Chromium (`chromium`: the launcher), each scenario's async builds against a bare
 * WebCrypto sign of the same bytes, and its synchronous builds on the RSA fallback module.
 * `scenarios`: `{ id, config, now, operations: [{ build, buildAsync, arg, request, bytes }] }`, with
 * `request` as the Node entry made it and `bytes` (base64) what its signature covers. Returns
 * `{ userAgent, results: [{ gateway, build, buildAsync, async, webcrypto, fallback }] }`, in
 * milliseconds.
 */
export async function timeInChromium({ chromium, root, merchantPrivate, scenarios, rounds, warmup }) {
  const server = await serve(root, JSON.stringify({ merchantPrivate, scenarios, rounds, warmup }));
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const tab = await browser.newPage();
    const errors = [];
    // An error the page did not catch (a module that fails to load, say) ends the wait at once.
    const uncaught = new Promise((_, reject) => tab.on('pageerror', (e) => reject(new Error(`the Chromium page failed: ${e.message}`))));
    uncaught.catch(() => {});
    tab.on('pageerror', (e) => errors.push(e.message));
    await tab.goto(`http://127.0.0.1:${server.address().port}/`);
    await Promise.race([
      tab.waitForFunction(() => globalThis.__result !== undefined || globalThis.__error !== undefined, null, { timeout: 600_000 }),
      uncaught,
    ]);
    const { result, error } = await tab.evaluate(() => ({ result: globalThis.__result, error: globalThis.__error }));
    if (error !== undefined || errors.length) throw new Error(`the Chromium page failed: ${error ?? errors.join(' | ')}`);
    return result;
  } finally {
    await browser.close();
    server.close();
  }
}
