#!/usr/bin/env node
// `npm start`: builds the package if it has never been built, then runs the sandbox gateways and the
// admin console from one local server, prints where and the client configs, and stops on Ctrl-C.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printBanner } from '../www/sandbox/banner.mjs';
import { startSandbox } from '../www/sandbox/index.mjs';
import { createStaticHandler } from '../www/sandbox/static.mjs';

const DEFAULT_PORT = 8700;
const repo = fileURLToPath(new URL('..', import.meta.url));
const started = Date.now();

function buildIfMissing() {
  if (existsSync(join(repo, 'pkg'))) return;
  const manifest = join(repo, 'package.json');
  const scripts = existsSync(manifest) ? JSON.parse(readFileSync(manifest, 'utf8')).scripts ?? {} : {};
  if (!scripts.build) {
    console.warn('pkg/ is missing and there is no build script: the console will run without the package.');
    return;
  }
  console.log('pkg/ is missing: running npm run build (first start only) ...');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['run', 'build'], { cwd: repo, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('npm run build failed; fix the build, or run it by hand, then npm start again.');
    process.exit(result.status ?? 1);
  }
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

buildIfMissing();
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
origins = [sandbox.url, `http://localhost:${sandbox.port}`];
printBanner(sandbox, { consoleUrl: `${sandbox.url}/` });
console.log(`Ready in ${((Date.now() - started) / 1000).toFixed(1)} s.`);

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
