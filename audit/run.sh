#!/bin/sh
# Audits Cargo.lock (and fuzz/Cargo.lock) against a local copy of the RustSec advisory database,
# with the accepted advisories of audit/audit.toml.
#
#   audit/run.sh /path/to/advisory-db
#
# cargo-audit reads its config only from ./.cargo/audit.toml or ~/.cargo/audit.toml, so this runs it
# from a scratch directory holding a copy of audit/audit.toml as .cargo/audit.toml.
set -eu
db=${1:?usage: audit/run.sh /path/to/advisory-db (a git checkout of github.com/rustsec/advisory-db)}
db=$(cd "$db" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/.cargo"
cp "$root/audit/audit.toml" "$scratch/.cargo/audit.toml"
cd "$scratch"
status=0
for lock in "$root/Cargo.lock" "$root/fuzz/Cargo.lock"; do
  [ -f "$lock" ] || continue
  echo "== cargo audit --file ${lock#"$root"/}"
  cargo audit --db "$db" --no-fetch --stale --file "$lock" || status=$?
done
exit $status
