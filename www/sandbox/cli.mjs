#!/usr/bin/env node
// Runs the sandbox gateways alone: node www/sandbox/cli.mjs [--port N] [--json]
import { startSandbox } from './index.mjs';
import { printBanner } from './banner.mjs';

const args = process.argv.slice(2);
const portIndex = args.indexOf('--port');
const port = Number(portIndex >= 0 ? args[portIndex + 1] : process.env.PORT ?? 8700);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error('usage: node www/sandbox/cli.mjs [--port N] [--json]');
  process.exit(2);
}
const sandbox = await startSandbox({ port, log: (line) => console.error(`[sandbox] ${line}`) });
if (args.includes('--json')) {
  console.log(JSON.stringify({ url: sandbox.url, credentials: sandbox.credentials, orders: sandbox.orders }, null, 2));
} else {
  printBanner(sandbox);
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    await sandbox.close();
    process.exit(0);
  });
}
