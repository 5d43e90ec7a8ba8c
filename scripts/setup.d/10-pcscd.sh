#!/usr/bin/env bash
# Start pcscd (with vsmartcard-vpcd's two virtual readers, installed by 00-apt.sh) so the PC/SC
# tests can serve the simulated CIE and SCO to it. pcscd needs root to create /run/pcscd;
# elsewhere the tests skip. A pcscd started here is stopped when scripts/test exits: its pid is
# added to the cleanup list $CIEKIT_CLEANUP (one shell command per line, run in reverse order).
set -euo pipefail
if pgrep -x pcscd >/dev/null; then echo "pcscd: already running (left as it is)"; exit 0; fi
if ! command -v pcscd >/dev/null 2>&1 && [ ! -x /usr/sbin/pcscd ]; then
	echo "pcscd: not installed (the PC/SC tests will skip)"; exit 0
fi
if [ "$(id -u)" = 0 ]; then SUDO=(); elif sudo -n true 2>/dev/null; then SUDO=(sudo); else
	echo "pcscd: not root, not started (the PC/SC tests will skip)"; exit 0
fi
"${SUDO[@]}" pcscd
for _ in $(seq 50); do
	if [ -S /run/pcscd/pcscd.comm ]; then
		pid=$(tr -dc 0-9 2>/dev/null </run/pcscd/pcscd.pid || true)
		[ -n "$pid" ] || pid=$(pgrep -x -n pcscd || true)
		if [ -n "$pid" ] && [ -n "${CIEKIT_CLEANUP:-}" ]; then
			echo "${SUDO[*]} kill $pid # pcscd started by scripts/setup.d/10-pcscd.sh" >>"$CIEKIT_CLEANUP"
			echo "pcscd: started (pid $pid; stopped when the tests end)"
		else
			echo "pcscd: started (pid ${pid:-unknown}; left running)"
		fi
		exit 0
	fi
	sleep 0.1
done
echo "pcscd: socket did not appear (the PC/SC tests will skip)"
