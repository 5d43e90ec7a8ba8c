#!/usr/bin/env bash
# npm peers for the cie differential tests (go test -tags peers ./cie): mrz, codice-fiscale-js,
# @marketto/codice-fiscale-utils and its embedded Belfiore connector, at the versions pinned in
# cie/testdata/peers/package-lock.json. Skipped (quickly) when node_modules already matches the lock.
set -euo pipefail
cd "$(dirname "$0")/../../cie/testdata/peers"
if ! command -v npm >/dev/null 2>&1; then
	if command -v apt-get >/dev/null 2>&1; then
		if [ "$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi
		export DEBIAN_FRONTEND=noninteractive
		$SUDO apt-get update -qq
		$SUDO apt-get install -y -qq --no-install-recommends nodejs npm
	else
		echo "node-peers: npm not found; the peers tests will skip" >&2
		exit 0
	fi
fi
# npm writes node_modules/.package-lock.json; if it equals the committed lock's packages, nothing to do.
if [ -f node_modules/.package-lock.json ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
	echo "node-peers: already installed"
	exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
