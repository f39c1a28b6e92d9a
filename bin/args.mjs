// What every refundkit command shares: strict option parsing, the exit codes scripts branch on,
// and reading a file or stdin.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

/** Exit codes: 0 done, 1 the input was read and refused (invalid key, failed verification, a
 * server that cannot start), 2 the command line itself is wrong or names a file that cannot be read. */
export const EXIT = { OK: 0, REFUSED: 1, USAGE: 2 };

/** A mistake on the command line: reported with a pointer to --help, exit code 2. */
export class UsageError extends Error {
  constructor(message) {
    super(message);
    this.name = 'UsageError';
  }
}

/** node:util parseArgs in strict mode, with its errors turned into UsageError. */
export function parse(argv, options, { positionals = false } = {}) {
  try {
    return parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' }, ...options }, allowPositionals: positionals, strict: true });
  } catch (err) {
    throw new UsageError(err.message);
  }
}

/** A whole number option within [min, max]. */
export function integerOption(name, text, { min, max }) {
  const value = Number(text);
  if (!/^\d+$/.test(String(text)) || value < min || value > max) {
    throw new UsageError(`--${name} takes a whole number from ${min} to ${max}, not ${JSON.stringify(text)}`);
  }
  return value;
}

/** The bytes of a file, or of stdin for `-`. A file that cannot be read is a usage error. */
export async function readInput(path, what) {
  if (path === '-') return readStdin();
  try {
    return await readFile(path);
  } catch (err) {
    throw new UsageError(`cannot read ${what} from ${path}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  }
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** How a refundkit error is shown: its stable code first, so scripts and people read the same line. */
export function describeError(err) {
  if (typeof err?.code === 'string' && err.name === 'RefundKitError') {
    return `${err.code}${err.field ? ` (${err.field})` : ''}: ${err.message}`;
  }
  return err?.message ?? String(err);
}

/** Runs a server until Ctrl-C or SIGTERM, then closes it and exits 0. */
export function stopOnSignal(server, what) {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, async () => {
      if (stopping) process.exit(130); // a second Ctrl-C does not wait
      stopping = true;
      console.error(`\nStopping the ${what} ...`);
      await server.close();
      process.exit(EXIT.OK);
    });
  }
}

/** A server that cannot listen: a taken port is said plainly. */
export function listenError(err, port) {
  if (err?.code === 'EADDRINUSE') return new Error(`port ${port} is taken: stop what uses it, or pass --port <another port> (0 picks a free one)`);
  return err;
}
