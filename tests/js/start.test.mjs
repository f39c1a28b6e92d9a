// `npm start` as a user runs it: it comes up, serves the console and the sandbox with the strict
// Content-Security-Policy, prints the credentials, and stops cleanly on Ctrl-C.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
// Generous: the README states under a second for a warm start; this only catches a start that hangs.
const READY_LIMIT_MS = 60_000;

const freePort = () =>
  new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });

test('npm start serves the console and the sandbox, then stops on SIGINT', async () => {
  const port = await freePort();
  const child = spawn(process.execPath, ['scripts/start.mjs', '--connect', 'https://pay-gate-uat.payermax.com'], {
    cwd: root,
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  try {
    const started = Date.now();
    while (!/Ready in/.test(output)) {
      assert.ok(Date.now() - started < READY_LIMIT_MS, `not ready after ${READY_LIMIT_MS} ms:\n${output}`);
      assert.equal(child.exitCode, null, `npm start exited early:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(output, new RegExp(`admin console: +http://127\\.0\\.0\\.1:${port}/`));
    for (const gateway of ['wisepay', 'payermax', 'bluepay', 'bieases']) {
      assert.match(output, new RegExp(`"gateway": "${gateway}"`), `credentials for ${gateway} printed`);
    }
    const page = await fetch(`http://127.0.0.1:${port}/`);
    assert.equal(page.status, 200);
    const csp = page.headers.get('content-security-policy');
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
    assert.match(csp, new RegExp(`connect-src 'self' http://127\\.0\\.0\\.1:${port} .*https://pay-gate-uat\\.payermax\\.com`));
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.match(await page.text(), /<script type="module" src=/);
    const entry = await fetch(`http://127.0.0.1:${port}/refundkit/web.mjs`);
    assert.equal(entry.status, 200);
    const info = await (await fetch(`http://127.0.0.1:${port}/sandbox/info`)).json();
    assert.ok(info, 'the sandbox answers');
  } finally {
    child.kill('SIGINT');
    const { code } = await exited;
    assert.equal(code, 0, `npm start did not stop cleanly:\n${output}`);
  }
});
