#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL cluster:
#   scripts/with-postgres.sh npx jest test/e2e/reports.e2e-spec.ts
# initdb in a temporary directory, postgres listening on a free loopback port (Unix socket in the same
# directory, nothing else), one database `lianfang` (and `lianfang_1`…`lianfang_N` for PG_WORKER_DATABASES=N,
# one per Jest worker: see test/support/postgres-worker-database.js), the command run with TEST_DATABASE_URL
# (and BENCH_DATABASE_URL) pointing at `lianfang`; the cluster is stopped and removed when the command ends,
# however it ends. The command's exit status is the script's.
#
# The server binaries are found on PATH or under /usr/lib/postgresql/<version>/bin (Debian's
# `postgresql` package). initdb refuses to run as root: as root the cluster belongs to the `postgres`
# user (created by that package) and is run through runuser.
#
# The cluster is for tests: fsync is off unless PG_FSYNC=on (the benchmarks set it, so their figures
# include the durable commit a deployment pays).
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 <command> [args…]" >&2
  exit 2
fi

bindir=""
if command -v initdb >/dev/null 2>&1; then
  # Follow symlinks: the other binaries (psql, pg_ctl) sit beside the real initdb.
  bindir="$(dirname "$(readlink -f "$(command -v initdb)")")"
else
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ]; then bindir="$d"; break; fi
  done
fi
if [ -z "$bindir" ]; then
  echo "with-postgres: no initdb on PATH or under /usr/lib/postgresql/*/bin (apt-get install -y postgresql)" >&2
  exit 1
fi

as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  if ! id postgres >/dev/null 2>&1; then
    echo "with-postgres: running as root and there is no postgres user to own the cluster" >&2
    exit 1
  fi
  as_owner=(runuser -u postgres --)
fi

dir="$(mktemp -d "${TMPDIR:-/tmp}/lianfang-pg-XXXXXX")"
chmod 0755 "$dir"
[ ${#as_owner[@]} -gt 0 ] && chown postgres "$dir"

port="$(node -e "const s=require('node:net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"

cleanup() {
  "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"${as_owner[@]}" "$bindir/initdb" -D "$dir/data" -U lianfang --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
  { cat "$dir/initdb.log" >&2; exit 1; }
fsync="${PG_FSYNC:-off}"
"${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=$fsync -c full_page_writes=$fsync \
      -c synchronous_commit=$fsync -c max_connections=200 -c shared_buffers=128MB" start >/dev/null ||
  { cat "$dir/server.log" >&2; exit 1; }
"${as_owner[@]}" "$bindir/psql" -h "$dir" -p "$port" -U lianfang -d postgres -qc 'CREATE DATABASE lianfang' >/dev/null
for i in $(seq 1 "${PG_WORKER_DATABASES:-0}"); do
  "${as_owner[@]}" "$bindir/psql" -h "$dir" -p "$port" -U lianfang -d postgres -qc "CREATE DATABASE lianfang_$i" >/dev/null
done

export TEST_DATABASE_URL="postgres://lianfang@127.0.0.1:$port/lianfang"
export BENCH_DATABASE_URL="$TEST_DATABASE_URL"
echo "with-postgres: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (fsync=$fsync)" >&2
set +e
"$@"
status=$?
set -e
exit $status
