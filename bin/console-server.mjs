// One local server for `refundkit console`: the admin console page, a relay that carries its signed
// requests to the real gateways named on the command line, and, when asked, the sandbox gateways.
// It listens on 127.0.0.1 only and answers only loopback host names.
import { once } from 'node:events';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createNodeRelay, relayGateways } from '../js/relay.mjs';
import { startSandbox } from '../www/sandbox/index.mjs';
import { createStaticHandler } from '../www/sandbox/static.mjs';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
export const RELAY_PATH = '/relay';
/** What the console page reads to learn what this server serves besides itself. */
const SERVED_PATH = '/console/relay.json';
const LOOPBACK_HOST = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/;

/**
 * @param {object} options
 * @param {number} [options.port=0]
 * @param {Record<string, string>} [options.gateways] gateway id -> environment name or base URL, for the relay
 * @param {boolean|object} [options.sandbox=false] also serve the sandbox gateways (an object: its options)
 * @param {(line: string) => void} [options.log]
 * @returns {Promise<{ url: string, port: number, relayed: object, sandbox: object|null, close: () => Promise<void> }>}
 */
export async function startConsoleServer({ port = 0, gateways = {}, sandbox = false, log = () => {} } = {}) {
  const relayed = describeRelayed(gateways);
  // Made once before listening so a wrong gateway or URL is reported before anything starts.
  if (Object.keys(gateways).length > 0) createNodeRelay({ gateways });
  let relay = null;
  const serveConsole = createStaticHandler({
    root: join(packageDir, 'www'),
    pkgDir: join(packageDir, 'pkg'),
    entryDir: join(packageDir, 'js'),
    // The page talks to its own origin only: the sandbox and the relay are both here.
    connectOrigins: () => [],
  });
  const served = JSON.stringify({
    sandbox: Boolean(sandbox),
    relay: Object.keys(relayed).length > 0 ? { basePath: RELAY_PATH, gateways: relayed } : null,
  });

  async function handle(req, res) {
    const path = new URL(req.url, 'http://127.0.0.1').pathname;
    if (path === SERVED_PATH && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(served);
      return true;
    }
    if (relay && (path === RELAY_PATH || path.startsWith(`${RELAY_PATH}/`))) {
      await relay(req, res);
      return true;
    }
    return serveConsole(req, res);
  }

  const server = sandbox
    ? await startSandbox({ ...(typeof sandbox === 'object' ? sandbox : {}), port, fallback: handle, log })
    : await listen(port, handle, log);
  const origins = [server.url, `http://localhost:${server.port}`];
  if (Object.keys(gateways).length > 0) relay = createNodeRelay({ gateways, origins, basePath: RELAY_PATH, audit: auditLine(log) });
  return {
    url: server.url,
    port: server.port,
    relayed,
    sandbox: sandbox ? server : null,
    close: () => server.close(),
  };
}

/** gateway id -> { environment?, baseUrl } as the page shows it. */
function describeRelayed(gateways) {
  const known = relayGateways();
  const out = {};
  for (const [id, where] of Object.entries(gateways)) {
    const preset = known[id]?.presets?.[where];
    out[id] = preset ? { environment: where, baseUrl: preset } : { baseUrl: where };
  }
  return out;
}

function auditLine(log) {
  return (e) =>
    log(`relay ${e.gateway} ${e.operation}${e.refundId ? ` ${e.refundId}` : ''}: ${e.status} ${e.outcome}${e.latencyMs === null ? '' : ` in ${e.latencyMs} ms`}`);
}

/** A plain server for the page and the relay, when the sandbox is not wanted. */
async function listen(port, handle, log) {
  const server = createServer((req, res) => {
    if (!LOOPBACK_HOST.test(req.headers.host ?? '')) {
      // A page on some other site that resolves its name to 127.0.0.1 gets nothing.
      res.writeHead(421, { 'content-type': 'text/plain' }).end('only loopback host names are served');
      return;
    }
    Promise.resolve(handle(req, res))
      .then((answered) => {
        if (!answered) res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      })
      .catch((err) => {
        log(`internal error: ${err.stack ?? err}`);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('internal error');
      });
  });
  // once() rejects on 'error', so a taken port surfaces as EADDRINUSE.
  await once(server.listen(port, '127.0.0.1'), 'listening');
  const actual = server.address().port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
