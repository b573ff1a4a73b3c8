#!/usr/bin/env bash
# scripts/bench-split.sh: runs the split deployment on this machine and
# measures it with `zhucun bench`: one `zhucun temporal` server persisted to
# PostgreSQL, two `zhucun worker` and two `zhucun api --demo` processes, all
# built from this checkout, on the database zhucun_bench_split (dropped
# first, with its _temporal and _temporal_visibility siblings). Every
# process is stopped on exit; their logs stay in a temporary folder whose
# path is printed.
#
#   bash scripts/bench-split.sh                  # clients 1,16,64, 300 processes per level
#   CLIENTS=1,16 N=50 bash scripts/bench-split.sh
#   SHARDS=8 ...                                 # history shards of the Temporal server
#
# The all-in-one figures to set beside these, on the same PostgreSQL:
#   zhucun bench --temporal-store postgres --clients 1,16,64 --n 300
#
# Needs PostgreSQL on 127.0.0.1:5432 as user postgres without a password
# (scripts/ensure-postgres.sh starts it), Go, psql and curl.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
	export PATH="/usr/local/go/bin:$PATH"
fi

DB=zhucun_bench_split
SERVER=postgres://postgres@127.0.0.1:5432
export DATABASE_URL="$SERVER/$DB?sslmode=disable"
# Each api and worker keeps at most 8 connections: with the Temporal
# server's own (up to 56) the five processes stay within PostgreSQL's
# default max_connections of 100.
APP_DATABASE_URL="$DATABASE_URL&pool_max_conns=8"
# The caller's own zhucun settings must not leak into these processes.
unset TEMPORAL_ADDRESS ZHUCUN_TEMPORAL_STORE ZHUCUN_TEMPORAL_LISTEN ZHUCUN_DATA_DIR ZHUCUN_ADDR ZHUCUN_DEMO TEMPORAL_NAMESPACE

tmp=$(mktemp -d -t zhucun-bench-split.XXXXXX)
pids=()
names=()

# stop_all asks every started process to shut down, the last started
# first (apis before workers before the server), and kills any that is
# still there after 20 s.
stop_all() {
	local status=$? i pid
	trap - EXIT INT TERM
	for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
		pid=${pids[i]}
		kill -TERM "$pid" 2>/dev/null || continue
		for _ in $(seq 200); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$pid" 2>/dev/null; then
			echo "bench-split: ${names[i]} did not stop in 20 s; killing it" >&2
			kill -KILL "$pid" 2>/dev/null || true
		fi
		wait "$pid" 2>/dev/null || true
	done
	echo "bench-split: logs in $tmp"
	exit "$status"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

die() {
	echo "bench-split: $*" >&2
	exit 1
}

# start NAME ARGS... runs the binary in the background, logging to
# $tmp/NAME.log.
start() {
	local name=$1
	shift
	"$tmp/zhucun" "$@" >"$tmp/$name.log" 2>&1 &
	pids+=("$!")
	names+=("$name")
}

# alive NAME fails, showing its log, if the process NAME has exited.
alive() {
	local i
	for i in "${!names[@]}"; do
		if [[ ${names[i]} == "$1" ]] && ! kill -0 "${pids[i]}" 2>/dev/null; then
			tail -n 20 "$tmp/$1.log" >&2
			die "$1 exited; its log is $tmp/$1.log"
		fi
	done
}

# free_port prints a port below 32000 that nothing listens on.
free_port() {
	local p
	for _ in $(seq 100); do
		p=$((20000 + RANDOM % 12000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return
		fi
	done
	die "no free port between 20000 and 32000"
}

# wait_for NAME SECONDS CHECK... retries CHECK until it passes, failing if
# NAME exits or the time is up.
wait_for() {
	local name=$1 secs=$2
	shift 2
	local deadline=$((SECONDS + secs))
	until "$@" >/dev/null 2>&1; do
		alive "$name"
		((SECONDS < deadline)) || die "$name was not ready after ${secs} s; its log is $tmp/$name.log"
		sleep 0.5
	done
}

scripts/ensure-postgres.sh
echo "bench-split: building zhucun into $tmp"
go build -o "$tmp/zhucun" ./cmd/zhucun

for suffix in "" _temporal _temporal_visibility; do
	PGOPTIONS=--client-min-messages=warning psql "$SERVER/postgres?sslmode=disable" -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS ${DB}${suffix} WITH (FORCE)"
done
# Created and migrated once, before four processes would race to do it.
"$tmp/zhucun" migrate

start temporal temporal --data-dir "$tmp/temporal-data" --embedded-temporal 127.0.0.1:0 --history-shards "${SHARDS:-4}"
wait_for temporal 180 grep -q 'zhucun temporal: serving at' "$tmp/temporal.log"
TEMPORAL=$(sed -n 's/^zhucun temporal: serving at \([^,]*\),.*/\1/p' "$tmp/temporal.log" | head -n 1)
echo "bench-split: temporal at $TEMPORAL"

for i in 1 2; do
	DATABASE_URL=$APP_DATABASE_URL TEMPORAL_ADDRESS=$TEMPORAL start "worker$i" worker
done
# Both load the demo organisation (idempotent, one at a time under an
# advisory lock); the bench logs in every demo member from one address.
apis=()
for i in 1 2; do
	port=$(free_port)
	DATABASE_URL=$APP_DATABASE_URL TEMPORAL_ADDRESS=$TEMPORAL start "api$i" api --demo --addr "127.0.0.1:$port" --login-per-minute 1000000
	apis+=("http://127.0.0.1:$port")
done
for i in 1 2; do
	wait_for "api$i" 120 curl -fsS "${apis[i - 1]}/readyz"
done
for name in worker1 worker2; do
	alive "$name"
done
echo "bench-split: api at ${apis[*]}"

# In the background and waited for, so that a signal to this script stops
# it at once instead of after the run.
start bench bench --temporal-address "$TEMPORAL" --api "$(IFS=,; echo "${apis[*]}")" \
	--database-url "$DATABASE_URL" --clients "${CLIENTS:-1,16,64}" --n "${N:-300}"
tail -n +1 -f --pid "${pids[-1]}" "$tmp/bench.log" &
tailer=$!
wait "${pids[-1]}"
wait "$tailer"
