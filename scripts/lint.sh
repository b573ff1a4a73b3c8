#!/usr/bin/env bash
# scripts/lint.sh: static checks beyond `go vet`, run by `make lint` and
# .ci/run. Exits non-zero on any finding.
#
#   staticcheck ./...    staticcheck's default checks; staticcheck.conf at
#                        the root, if there is one, changes them, and
#                        `//lint:ignore CHECK reason` silences one line.
#   workflowcheck ./...  Temporal's determinism check of every workflow
#                        function and what it calls; a false positive is
#                        silenced with `//workflowcheck:ignore reason` on or
#                        above its line.
#
# Both are installed with `go install` at the versions pinned below into
# .tools/bin (ignored by git), only when missing, at another version, or
# built by another Go than the one on PATH. The first install downloads
# their modules from the Go module proxy.
#
# Pins: staticcheck 2026.2.2 (module v0.8.2) is the newest release, and
# its go.mod needs Go 1.26; workflowcheck v0.6.0 is the newest tag of
# go.temporal.io/sdk/contrib/tools/workflowcheck and builds and runs with
# Go 1.26.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
	export PATH="/usr/local/go/bin:$PATH"
fi

STATICCHECK=honnef.co/go/tools/cmd/staticcheck
STATICCHECK_VERSION=v0.8.2
WORKFLOWCHECK=go.temporal.io/sdk/contrib/tools/workflowcheck
WORKFLOWCHECK_VERSION=v0.6.0

bin="$(pwd)/.tools/bin"
goversion=$(go env GOVERSION)

# ensure PKG VERSION installs PKG@VERSION into $bin unless the binary there
# already is that version, built by this Go.
ensure() {
	local pkg=$1 version=$2 exe="$bin/${1##*/}" info
	if [[ -x "$exe" ]] && info=$(go version -m "$exe" 2>/dev/null) &&
		[[ $(head -1 <<<"$info") == "$exe: $goversion" ]] &&
		grep -qE "^[[:space:]]+mod[[:space:]]+[^[:space:]]+[[:space:]]+${version}[[:space:]]" <<<"$info"; then
		return 0
	fi
	echo "installing ${pkg}@${version} into .tools/bin"
	GOBIN="$bin" GOFLAGS= go install "${pkg}@${version}"
}

ensure "$STATICCHECK" "$STATICCHECK_VERSION" || exit 1
ensure "$WORKFLOWCHECK" "$WORKFLOWCHECK_VERSION" || exit 1

failed=0

echo "staticcheck ./..."
"$bin/staticcheck" ./... || failed=1

# Every package, so that a workflow defined anywhere (today workflows/ and
# bench/) is checked; test files too (its -test flag defaults to true).
echo "workflowcheck ./..."
"$bin/workflowcheck" -show-pos ./... || failed=1

if [[ $failed -ne 0 ]]; then
	echo "lint: findings above" >&2
fi
exit $failed
