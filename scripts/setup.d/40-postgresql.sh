#!/usr/bin/env bash
# PostgreSQL for sad/sqlregistry's tests: Debian's postgresql, and a dedicated cluster "ciekit" that
# listens on loopback port 55432 and on a Unix socket in /var/run/postgresql, trusting local
# connections (a throwaway test server: never expose it). Idempotent and quiet when already running;
# a cluster it started is stopped again when scripts/test exits (through $CIEKIT_CLEANUP).
# The tests find it through CIEKIT_POSTGRES_DSN, or this default; they skip with the reason otherwise.
set -euo pipefail
PORT="${CIEKIT_POSTGRES_PORT:-55432}"
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO=sudo; else
		echo "postgresql: not root, not started (the PostgreSQL tests will skip)"; exit 0
	fi
else SUDO=; fi
if ! command -v pg_createcluster >/dev/null 2>&1; then
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	$SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi
VER=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! $SUDO pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -qx "$VER ciekit"; then
	# trust: the tests connect as postgres without a password, over the socket or loopback.
	$SUDO pg_createcluster "$VER" ciekit -p "$PORT" -- --auth=trust >/dev/null
	$SUDO sh -c "echo \"listen_addresses = '127.0.0.1'\" > /etc/postgresql/$VER/ciekit/conf.d/ciekit.conf"
	$SUDO sh -c "echo \"fsync = off\" >> /etc/postgresql/$VER/ciekit/conf.d/ciekit.conf"
fi
if $SUDO pg_lsclusters -h | awk -v v="$VER" '$1==v && $2=="ciekit" {print $4}' | grep -q online; then
	echo "postgresql: cluster ciekit already running on port $PORT"
	exit 0
fi
# pg_ctlcluster switches to the postgres user itself (postgres refuses to run as root).
$SUDO pg_ctlcluster "$VER" ciekit start
if [ -n "${CIEKIT_CLEANUP:-}" ]; then
	echo "$SUDO pg_ctlcluster $VER ciekit stop # started by scripts/setup.d/40-postgresql.sh" >>"$CIEKIT_CLEANUP"
fi
echo "postgresql: cluster ciekit started on 127.0.0.1:$PORT and /var/run/postgresql"
