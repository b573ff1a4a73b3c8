#!/usr/bin/env bash
# ensure-postgres.sh makes sure a PostgreSQL server accepts connections as
# user postgres on 127.0.0.1:5432, which is what `make run`, `make test` and
# .ci/run expect (internal/pgtest's default TEST_DATABASE_URL).
#
# In order: nothing to do if the server is already up; else start the
# Debian cluster under /etc/postgresql; else (as root, with apt-get) install
# the `postgresql` package and start its cluster. Idempotent; prints one
# line on success and one line saying what to do when it cannot help.
set -euo pipefail

HOST=127.0.0.1
PORT=5432
WAIT_SECONDS=30

export DEBIAN_FRONTEND=noninteractive
# Unprompted, untranslated messages so the checks below can read them.
export LC_ALL=C
export PGCONNECT_TIMEOUT=5

GIVE_UP="PostgreSQL is not running on $HOST:$PORT: install and start it, or set DATABASE_URL (TEST_DATABASE_URL for tests) to a server you can use"

LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT

# fail prints one line (and, if there is any, the captured output of the
# step that went wrong) and exits 1.
fail() {
	if [[ -s "$LOG" ]]; then
		sed 's/^/  /' "$LOG" >&2
	fi
	echo "$1" >&2
	exit 1
}

is_root() { [[ $(id -u) -eq 0 ]]; }
have() { command -v "$1" >/dev/null 2>&1; }

ready() {
	if have pg_isready; then
		pg_isready -q -h "$HOST" -p "$PORT" >/dev/null 2>&1
	else
		(exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null
	fi
}

wait_ready() {
	local i
	for ((i = 0; i < WAIT_SECONDS; i++)); do
		if ready; then
			return 0
		fi
		sleep 1
	done
	ready
}

apt_updated=0
apt_install() {
	is_root && have apt-get || return 1
	if [[ $apt_updated -eq 0 ]]; then
		apt-get update -qq >"$LOG" 2>&1 || return 1
		apt_updated=1
	fi
	apt-get install -y -qq --no-install-recommends "$@" >"$LOG" 2>&1
}

# cluster prints "VERSION NAME" of the Debian cluster that uses port 5432,
# else of the first cluster, else nothing.
cluster() {
	have pg_lsclusters || return 0
	pg_lsclusters -h 2>/dev/null | awk -v port="$PORT" '
		$3 == port { print $1, $2; found = 1; exit }
		NR == 1 { first = $1 " " $2 }
		END { if (!found && first != "") print first }'
}

start_cluster() {
	local ver name
	read -r ver name <<<"$1"
	if ! pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start >"$LOG" 2>&1; then
		grep -qi 'already running' "$LOG" || return 1
	fi
	: >"$LOG"
}

# trust_postgres_over_tcp lets user postgres connect over 127.0.0.1 and ::1
# without a password. This is for a development/CI machine only: a fresh
# Debian cluster asks for a password on TCP, and the tests and `make run`
# connect as postgres@127.0.0.1 with none. Never do this on a server that
# holds real data.
trust_postgres_over_tcp() {
	local ver name hba tmp
	read -r ver name <<<"$1"
	hba=/etc/postgresql/$ver/$name/pg_hba.conf
	[[ -f "$hba" ]] || return 1
	if grep -Eq '^[[:space:]]*host[[:space:]]+all[[:space:]]+postgres[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$hba" &&
		grep -Eq '^[[:space:]]*host[[:space:]]+all[[:space:]]+postgres[[:space:]]+::1/128[[:space:]]+trust' "$hba"; then
		return 0
	fi
	tmp=$(mktemp)
	{
		echo '# Added by zhucun scripts/ensure-postgres.sh: development/CI machine only.'
		echo 'host all postgres 127.0.0.1/32 trust'
		echo 'host all postgres ::1/128 trust'
		cat "$hba"
	} >"$tmp"
	# Rewrite in place so the file keeps its owner and mode.
	cat "$tmp" >"$hba"
	rm -f "$tmp"
	pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" reload >"$LOG" 2>&1 || return 1
	: >"$LOG"
}

# check runs `select 1` as postgres over TCP; its error text goes to $LOG.
check() {
	local out
	out=$(psql -h "$HOST" -p "$PORT" -U postgres -d postgres -w -X -Atqc 'select 1' 2>"$LOG") &&
		[[ "$out" == 1 ]]
}

auth_error() {
	grep -Eqi 'authentication failed|no password supplied|pg_hba\.conf|password' "$LOG"
}

installed=0
if ! ready; then
	c=$(cluster)
	if [[ -z "$c" ]]; then
		# No cluster: install Debian's PostgreSQL (root and apt-get only).
		apt_install postgresql || fail "$GIVE_UP"
		installed=1
		c=$(cluster)
		if [[ -z "$c" ]] && have pg_createcluster; then
			# postgresql-common may be configured not to create one.
			ver=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
			pg_createcluster "$ver" main >"$LOG" 2>&1 || fail "$GIVE_UP"
			: >"$LOG"
			c=$(cluster)
		fi
		[[ -n "$c" ]] || fail "$GIVE_UP"
	fi
	# pg_ctlcluster must run as root or as the cluster's owner.
	is_root || [[ $(id -un) == postgres ]] || fail "$GIVE_UP"
	start_cluster "$c" || fail "$GIVE_UP"
	wait_ready || fail "PostgreSQL cluster $c did not accept connections on $HOST:$PORT within ${WAIT_SECONDS}s (see /var/log/postgresql/)"
	if [[ $installed -eq 1 ]]; then
		trust_postgres_over_tcp "$c" || fail "$GIVE_UP"
	fi
fi

if ! have psql; then
	apt_install postgresql-client || fail "psql is missing: install postgresql-client"
fi

if ! check; then
	c=$(cluster)
	if auth_error && [[ -n "$c" ]] && is_root; then
		trust_postgres_over_tcp "$c" || fail "$GIVE_UP"
		# The reload is asynchronous: give it a moment.
		for _ in 1 2 3 4 5; do
			check && break
			sleep 1
		done
	fi
	check || fail "PostgreSQL on $HOST:$PORT refuses 'select 1' as user postgres without a password: allow it in pg_hba.conf, or set DATABASE_URL (TEST_DATABASE_URL for tests)"
fi

echo "PostgreSQL ready at $HOST:$PORT"
