#!/usr/bin/env bash
# scripts/bench-levers.sh: before and after of each speed lever, one run.
# Builds zhucun at each git ref given (in throw-away worktrees), then runs
# `zhucun bench` with each binary in turn, and again in the reverse order,
# so every ref is measured early and late in the run and the machine's
# drift falls on all of them alike. It prints each run's summary table,
# labelled with its ref, and keeps the full outputs in a folder it names.
#
#   bash scripts/bench-levers.sh e938337 ebf3c8b 6477dfe 6892651 cf615ac
#   CLIENTS=1 N=100 ROUNDS=1 bash scripts/bench-levers.sh HEAD~1 HEAD
#
# Run it on a quiet machine: the figures are only as steady as the load.
# Needs what `zhucun bench` needs (PostgreSQL on 127.0.0.1:5432) and Go.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ $# -lt 1 ]]; then
	echo "usage: bash scripts/bench-levers.sh REF [REF...]" >&2
	exit 2
fi
if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
	export PATH="/usr/local/go/bin:$PATH"
fi

CLIENTS=${CLIENTS:-1,16,64}
N=${N:-300}
ROUNDS=${ROUNDS:-2}
OUT=$(mktemp -d -t zhucun-levers-XXXXXX)
echo "outputs in $OUT"

worktrees=()
cleanup() {
	for w in "${worktrees[@]}"; do
		git worktree remove --force "$w" >/dev/null 2>&1 || true
	done
}
trap cleanup EXIT

refs=("$@")
for ref in "${refs[@]}"; do
	sha=$(git rev-parse --short "$ref^{commit}")
	w="$OUT/src-$sha"
	git worktree add -q --detach "$w" "$sha"
	worktrees+=("$w")
	(cd "$w" && go build -o "$OUT/zhucun-$sha" ./cmd/zhucun)
	echo "built $ref ($sha)"
done

order=("${refs[@]}")
for ((round = 1; round <= ROUNDS; round++)); do
	for ref in "${order[@]}"; do
		sha=$(git rev-parse --short "$ref^{commit}")
		log="$OUT/round$round-$sha.txt"
		"$OUT/zhucun-$sha" bench --clients "$CLIENTS" --n "$N" >"$log" 2>&1
		echo
		echo "== round $round, $ref ($sha): $(git log -1 --format=%s "$sha" | cut -c1-80)"
		sed -n '/^load average/,$p' "$log"
	done
	# The next round runs in the reverse order.
	rev=()
	for ((i = ${#order[@]} - 1; i >= 0; i--)); do rev+=("${order[$i]}"); done
	order=("${rev[@]}")
done
