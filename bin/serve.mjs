// `refundkit console` and `refundkit sandbox`: the two commands that start a local server and keep
// it running until Ctrl-C.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printBanner } from '../www/sandbox/banner.mjs';
import { DEFAULT_KEYS_DIR, startSandbox } from '../www/sandbox/index.mjs';
import { EXIT, UsageError, integerOption, listenError, parse, stopOnSignal } from './args.mjs';
import { startConsoleServer } from './console-server.mjs';

const DEFAULT_PORT = 8700;
const webBuild = fileURLToPath(new URL('../pkg/web/refundkit_bg.wasm', import.meta.url));

export const consoleCommand = {
  name: 'console',
  summary: 'serve the admin console, and a relay to the real gateways you name, on 127.0.0.1',
  usage: `usage: refundkit console [<gateway>=<environment|url> ...] [--sandbox] [--port N]

Serves the admin console on http://127.0.0.1:<port>/ with a relay beside it: the page signs each
request with keys that stay in the browser, and the relay carries the signed bytes, unchanged, to
the gateways named here (real gateways answer no CORS, and only the IPs you whitelisted with them).

  <gateway>=<environment|url>  a gateway the relay may reach, and where: one of the gateway's
                               environments or its https base URL. Repeat for more gateways, e.g.
                               payermax=production wisepay=n-age bluepay=https://<your host>
  --sandbox                    also serve the local sandbox gateways (test keys, seeded orders)
  --port N                     the port (default ${DEFAULT_PORT}; 0 picks a free one)

The environments: wisepay sg-sandbox | sg-production | n-age; payermax sandbox | production;
bieases sandbox | production; bluepay has none (give the host BluePay issued you).`,
  options: { sandbox: { type: 'boolean' }, port: { type: 'string' } },
  positionals: true,
  async run({ values, positionals }) {
    const gateways = gatewayArguments(positionals);
    if (Object.keys(gateways).length === 0 && !values.sandbox) {
      throw new UsageError('name at least one gateway for the relay (e.g. payermax=sandbox), or pass --sandbox');
    }
    if (!existsSync(webBuild)) {
      console.error('The package has no web build (pkg/web): in a clone of refundkit, run npm run build first.');
      return EXIT.REFUSED;
    }
    const port = values.port === undefined ? DEFAULT_PORT : integerOption('port', values.port, { min: 0, max: 65535 });
    let server;
    try {
      server = await startConsoleServer({
        port,
        gateways,
        sandbox: values.sandbox ? { keysDir: DEFAULT_KEYS_DIR } : false,
        log: (line) => console.error(`[console] ${line}`),
      });
    } catch (err) {
      // A gateway or URL the relay refuses is a mistake on the command line.
      if (err?.name === 'RelayConfigError') throw new UsageError(err.message.replace(/^refundkit relay: /, ''));
      throw listenError(err, port);
    }
    const lines = [`refundkit console: ${server.url}/`];
    for (const [id, { environment, baseUrl }] of Object.entries(server.relayed)) {
      lines.push(`  relay: ${id} -> ${baseUrl}${environment ? ` (${environment})` : ''}`);
    }
    if (server.sandbox) lines.push(`  sandbox gateways: ${server.url}/sandbox/info`);
    lines.push('Press Ctrl-C to stop.');
    console.log(lines.join('\n'));
    stopOnSignal(server, 'console');
    return null;
  },
};

/** `payermax=production bluepay=https://…` into { payermax: 'production', bluepay: 'https://…' }. */
function gatewayArguments(positionals) {
  const gateways = {};
  for (const arg of positionals) {
    const match = /^([a-z]+)=(.+)$/.exec(arg);
    if (!match) throw new UsageError(`${JSON.stringify(arg)} is not <gateway>=<environment|url>, e.g. payermax=production`);
    if (Object.hasOwn(gateways, match[1])) throw new UsageError(`${match[1]} is given twice: the relay sends each gateway to one place`);
    gateways[match[1]] = match[2];
  }
  return gateways;
}

export const sandboxCommand = {
  name: 'sandbox',
  summary: 'run the local sandbox gateways (all four, with test keys and seeded orders)',
  usage: `usage: refundkit sandbox [--port N] [--json] [--keys DIR]

Runs local stand-ins for WisePay, PayerMax, BluePay and BIEASES on http://127.0.0.1:<port>, each
under /<gateway>/ and at the gateway's own paths, with signed answers and signed notifications.

  --port N     the port (default ${DEFAULT_PORT}; 0 picks a free one)
  --json       print { url, credentials, orders } as one JSON document instead of the banner
               (credentials: a RefundClient config per gateway)
  --keys DIR   where the generated test keys are kept (default: inside the package)`,
  options: { port: { type: 'string' }, json: { type: 'boolean' }, keys: { type: 'string' } },
  async run({ values }) {
    const port = values.port === undefined ? DEFAULT_PORT : integerOption('port', values.port, { min: 0, max: 65535 });
    let sandbox;
    try {
      sandbox = await startSandbox({
        port,
        keysDir: values.keys ?? DEFAULT_KEYS_DIR,
        log: (line) => console.error(`[sandbox] ${line}`),
      });
    } catch (err) {
      throw listenError(err, port);
    }
    if (values.json) {
      console.log(JSON.stringify({ url: sandbox.url, credentials: sandbox.credentials, orders: sandbox.orders }, null, 2));
    } else {
      printBanner(sandbox);
    }
    stopOnSignal(sandbox, 'sandbox');
    return null;
  },
};
