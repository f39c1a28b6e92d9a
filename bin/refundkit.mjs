#!/usr/bin/env node
// The refundkit command line: `npx refundkit <command>`. Each command lives in a module beside this
// one; this file only picks it, parses its options and turns what happened into an exit code.
import { readFileSync } from 'node:fs';
import { EXIT, UsageError, parse } from './args.mjs';
import { keygenCommand, fingerprintCommand } from './keys.mjs';
import { consoleCommand, sandboxCommand } from './serve.mjs';
import { verifyCommand } from './verify.mjs';

const COMMANDS = [consoleCommand, sandboxCommand, keygenCommand, fingerprintCommand, verifyCommand];

function overview() {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'usage: refundkit <command> [options]',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'refundkit <command> --help shows what a command takes.',
    'Exit status: 0 ok, 1 refused or invalid, 2 usage.',
  ].join('\n');
}

function version() {
  return JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
}

async function main(argv) {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(overview());
    return name === undefined ? EXIT.USAGE : EXIT.OK;
  }
  if (name === '--version' || name === '-v') {
    console.log(version());
    return EXIT.OK;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) throw new UsageError(`no command ${JSON.stringify(name)}; the commands are ${COMMANDS.map((c) => c.name).join(', ')}`);
  try {
    const parsed = parse(rest, command.options, { positionals: Boolean(command.positionals) });
    if (parsed.values.help) {
      console.log(command.usage);
      return EXIT.OK;
    }
    return await command.run(parsed);
  } catch (err) {
    if (err instanceof UsageError) err.command = command.name;
    throw err;
  }
}

try {
  const code = await main(process.argv.slice(2));
  // null: a server that keeps running until a signal stops it.
  if (code !== null) process.exitCode = code;
} catch (err) {
  if (err instanceof UsageError) {
    console.error(`refundkit: ${err.message}`);
    console.error(err.command ? `Run refundkit ${err.command} --help for its options.` : 'Run refundkit --help for the commands.');
    process.exitCode = EXIT.USAGE;
  } else {
    console.error(`refundkit: ${err?.message ?? err}`);
    process.exitCode = EXIT.REFUSED;
  }
}
