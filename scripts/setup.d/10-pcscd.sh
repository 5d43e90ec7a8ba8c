#!/usr/bin/env bash
# Start pcscd (with vsmartcard-vpcd's two virtual readers, installed by
# 00-apt.sh) so the PC/SC tests can serve the simulated CIE and SCO to it.
# pcscd needs root to create /run/pcscd; elsewhere the tests skip.
set -euo pipefail
if pgrep -x pcscd >/dev/null; then echo "pcscd: already running"; exit 0; fi
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO=sudo; else
		echo "pcscd: not root, not started (the PC/SC tests will skip)"; exit 0
	fi
else SUDO=; fi
$SUDO pcscd
for _ in $(seq 50); do
	[ -S /run/pcscd/pcscd.comm ] && { echo "pcscd: started"; exit 0; }
	sleep 0.1
done
echo "pcscd: socket did not appear (the PC/SC tests will skip)"
