// Runs the cargo-fuzz targets in fuzz/ for a given time each and prints, per target, the runs,
// executions, corpus size and any crash found.
//
//   npm run fuzz                          every target, 60 s each
//   npm run fuzz -- --seconds 600 amount  one target, 10 minutes
//   npm run fuzz -- --jobs 1              one target at a time (default: 2 side by side)
//   npm run fuzz -- --list                the target names
//
// Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`). The fuzzers run under
// `nice -n 19` so other work on the machine keeps going. New corpus entries go to
// fuzz/target/corpus/<target> (not committed); the committed seeds in fuzz/corpus/<target> are read
// only. Crashing inputs land in fuzz/artifacts/<target>/; add each one as a test in
// tests/regressions.rs once understood.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { output, root, run } from './lib.mjs';

const fuzzDir = join(root, 'fuzz');

function parseArgs(argv) {
  const opts = { seconds: 60, jobs: 2, targets: [], list: false, sanitizer: 'none' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === '--seconds') opts.seconds = Number(value());
    else if (arg === '--jobs') opts.jobs = Number(value());
    else if (arg === '--sanitizer') opts.sanitizer = value();
    else if (arg === '--list') opts.list = true;
    else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}`);
    else opts.targets.push(arg);
  }
  if (!Number.isInteger(opts.seconds) || opts.seconds < 1) throw new Error('--seconds must be a whole number of seconds');
  if (!Number.isInteger(opts.jobs) || opts.jobs < 1) throw new Error('--jobs must be 1 or more');
  return opts;
}

function allTargets() {
  const listed = output('cargo', ['+nightly', 'fuzz', 'list'], { cwd: root });
  if (listed === null) {
    throw new Error('cargo +nightly fuzz is not available: install it with `cargo install cargo-fuzz` (and `rustup toolchain install nightly`)');
  }
  return listed.split('\n').map((s) => s.trim()).filter(Boolean);
}

/** libFuzzer's final statistics and the last status line. */
function summarize(target, log, code, seconds) {
  const stat = (name) => {
    const m = log.match(new RegExp(`stat::${name}:\\s*(\\d+)`));
    return m ? Number(m[1]) : null;
  };
  const done = log.match(/Done (\d+) runs in (\d+) second/);
  const corpus = [...log.matchAll(/ corp: (\d+)\/(\S+)/g)].pop();
  const cov = [...log.matchAll(/ cov: (\d+)/g)].pop();
  const artifactDir = join(fuzzDir, 'artifacts', target);
  const artifacts = existsSync(artifactDir) ? readdirSync(artifactDir) : [];
  return {
    target,
    seconds,
    exitCode: code,
    runs: done ? Number(done[1]) : stat('number_of_executed_units'),
    executions: stat('number_of_executed_units'),
    execsPerSecond: stat('average_exec_per_sec'),
    peakRssMb: stat('peak_rss_mb'),
    corpusEntries: corpus ? Number(corpus[1]) : null,
    coverage: cov ? Number(cov[1]) : null,
    crashed: code !== 0 || /==\d+== ERROR|panicked at|deadly signal|SUMMARY: libFuzzer/.test(log),
    artifacts,
  };
}

function runTarget(target, opts) {
  const workCorpus = join(fuzzDir, 'target', 'corpus', target);
  mkdirSync(workCorpus, { recursive: true });
  const args = [
    '-n', '19', 'cargo', '+nightly', 'fuzz', 'run', '--sanitizer', opts.sanitizer, '--debug-assertions', target,
    workCorpus, join(fuzzDir, 'corpus', target), '--',
    `-max_total_time=${opts.seconds}`, '-print_final_stats=1', '-timeout=10', '-rss_limit_mb=4096',
  ];
  console.log(`\n$ nice ${args.join(' ')}`);
  return new Promise((resolve) => {
    const child = spawn('nice', args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const keep = (chunk) => {
      log += chunk;
      if (log.length > 4_000_000) log = log.slice(-2_000_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('close', (code) => {
      const summary = summarize(target, log, code, opts.seconds);
      writeFileSync(join(fuzzDir, 'target', `${target}.log`), log);
      console.log(`${target}: ${summary.runs ?? '?'} runs, ${summary.execsPerSecond ?? '?'} exec/s, corpus ${summary.corpusEntries ?? '?'}${summary.crashed ? ', CRASH (see fuzz/target/' + target + '.log)' : ''}`);
      resolve(summary);
    });
  });
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const targets = allTargets();
  if (opts.list) {
    console.log(targets.join('\n'));
    return;
  }
  for (const t of opts.targets) {
    if (!targets.includes(t)) throw new Error(`unknown target ${t}; targets: ${targets.join(', ')}`);
  }
  const chosen = opts.targets.length ? opts.targets : targets;
  run('nice', ['-n', '19', 'cargo', '+nightly', 'fuzz', 'build', '--sanitizer', opts.sanitizer, '--debug-assertions', ...(opts.targets.length === 1 ? chosen : [])]);

  const queue = [...chosen];
  const results = [];
  const worker = async () => {
    while (queue.length) results.push(await runTarget(queue.shift(), opts));
  };
  await Promise.all(Array.from({ length: Math.min(opts.jobs, chosen.length) }, worker));

  results.sort((a, b) => chosen.indexOf(a.target) - chosen.indexOf(b.target));
  const report = join(fuzzDir, 'target', 'fuzz-report.json');
  writeFileSync(report, JSON.stringify({ date: new Date().toISOString(), results }, null, 2));
  console.log('\n| target | seconds | runs (executions) | exec/s | corpus | result |');
  console.log('|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(`| ${r.target} | ${r.seconds} | ${r.runs ?? '?'} | ${r.execsPerSecond ?? '?'} | ${r.corpusEntries ?? '?'} | ${r.crashed ? `crash: ${r.artifacts.join(' ')}` : 'no crash'} |`);
  }
  console.log(`\n(report written to ${report})`);
  if (results.some((r) => r.crashed)) process.exit(1);
}

main().catch((error) => {
  console.error(`fuzz: ${error.message}`);
  process.exit(1);
});
