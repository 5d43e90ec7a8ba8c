#!/usr/bin/env bash
# System packages the tests use. Installed only when missing, so a second run is fast.
set -euo pipefail
pkgs=(make pcscd vsmartcard-vpcd libpcsclite-dev libusb-1.0-0-dev pkg-config)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && { echo "apt: all present"; exit 0; }
if [ "$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
