#!/usr/bin/env node
// `npm start`: builds the package where it is missing or out of date, then runs the sandbox gateways and the
// admin console from one local server, prints where and the client configs, and stops on Ctrl-C.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printBanner } from '../www/sandbox/banner.mjs';
import { startSandbox } from '../www/sandbox/index.mjs';
import { createStaticHandler } from '../www/sandbox/static.mjs';
import { build } from './build.mjs';

const DEFAULT_PORT = 8700;
const repo = fileURLToPath(new URL('..', import.meta.url));

/** Gateway origins the console may call besides the sandbox: `npm start -- --connect <url>` (repeatable)
 * or CONNECT_SRC=<url>,<url>. They go into the page's Content-Security-Policy `connect-src`. */
function gatewayOrigins() {
  const given = (process.env.CONNECT_SRC ?? '').split(',');
  process.argv.forEach((arg, i) => {
    if (arg === '--connect') given.push(process.argv[i + 1] ?? '');
  });
  return given
    .map((text) => text.trim())
    .filter(Boolean)
    .map((text) => {
      let url = null;
      try {
        url = new URL(text);
      } catch {
        // reported below
      }
      if (!url || !['http:', 'https:'].includes(url.protocol)) {
        console.error(`--connect takes an http(s) URL, not ${JSON.stringify(text)}`);
        process.exit(2);
      }
      return url.origin;
    });
}

function portFromEnv() {
  const text = process.env.PORT;
  if (text === undefined || text === '') return DEFAULT_PORT;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT must be a port number, not ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return port;
}

build();
const extraOrigins = gatewayOrigins();
let origins = [];
const serveConsole = createStaticHandler({
  root: join(repo, 'www'),
  pkgDir: join(repo, 'pkg'),
  entryDir: join(repo, 'js'),
  connectOrigins: () => origins,
});
let sandbox;
try {
  sandbox = await startSandbox({
    port: portFromEnv(),
    fallback: serveConsole,
    log: (line) => console.log(`[sandbox] ${line}`),
  });
} catch (err) {
  if (err.code === 'EADDRINUSE') {
    console.error(`Port ${err.port} is taken: stop what uses it, or run PORT=<another port> npm start.`);
    process.exit(1);
  }
  throw err;
}
origins = [sandbox.url, `http://localhost:${sandbox.port}`, ...extraOrigins];
if (extraOrigins.length) console.log(`The console may also call: ${extraOrigins.join(' ')}`);
printBanner(sandbox, { consoleUrl: `${sandbox.url}/` });
// Counted from the start of the process, so loading the modules and any build are included.
console.log(`Ready in ${process.uptime().toFixed(1)} s.`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    if (stopping) process.exit(130); // a second Ctrl-C does not wait
    stopping = true;
    console.log('\nStopping the sandbox ...');
    await sandbox.close();
    process.exit(0);
  });
}
