#!/usr/bin/env bash
# System packages the tests use, installed with apt in one quiet step (the full apt log goes to
# a file and is shown only if apt fails); only the missing ones, so a second run takes a second.
#   make pkg-config libpcsclite-dev libusb-1.0-0-dev  build the cgo adapters scard/pcsc, biometric/usbscan
#   pcscd vsmartcard-vpcd                              serve the simulated cards through real PC/SC (10-pcscd.sh)
#   vsftpd                                             the real ftp daemon of sad's ftp tests (30-ftp.sh)
# (nodejs and npm for cie's peer tests: 20-node-peers.sh, which keeps a Node already installed.)
# Needs root or passwordless sudo, and network access to the Debian mirrors.
set -euo pipefail
pkgs=(make pkg-config libpcsclite-dev libusb-1.0-0-dev pcscd vsmartcard-vpcd vsftpd)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then echo "apt: all present (${pkgs[*]})"; exit 0; fi
if [ "$(id -u)" = 0 ]; then SUDO=(); elif sudo -n true 2>/dev/null; then SUDO=(sudo); else
	echo "apt: missing ${missing[*]}, and neither root nor passwordless sudo to install them" >&2
	exit 1
fi
log=$(mktemp -t ciekit-apt.XXXXXX.log)
echo "apt: installing ${missing[*]} (log: $log)"
export DEBIAN_FRONTEND=noninteractive
if ! { "${SUDO[@]}" apt-get update -q && "${SUDO[@]}" apt-get install -y -q --no-install-recommends \
	-o Dpkg::Use-Pty=0 "${missing[@]}"; } >"$log" 2>&1; then
	tail -n 40 "$log" >&2
	echo "apt: failed (whole log in $log)" >&2
	exit 1
fi
# Their packages may start system services (vsftpd, pcscd) where an init system runs: the
# tests start their own instances (10-pcscd.sh, sad's ftp tests), so stop the packaged ones.
if command -v service >/dev/null 2>&1; then
	for s in vsftpd; do "${SUDO[@]}" service "$s" stop >/dev/null 2>&1 || true; done
fi
rm -f "$log"
echo "apt: installed"
