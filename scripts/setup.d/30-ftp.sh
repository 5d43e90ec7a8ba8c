#!/usr/bin/env bash
# vsftpd: the real FTP daemon that the sad package's ftp tests start on a loopback port with a
# temporary root (the daemon is never enabled as a system service). Quick when already present.
set -euo pipefail
if command -v vsftpd >/dev/null 2>&1 || [ -x /usr/sbin/vsftpd ]; then
	echo "ftp: vsftpd present"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends vsftpd
# The tests run their own instance; stop the packaged one if the postinst started it.
if command -v service >/dev/null 2>&1; then $SUDO service vsftpd stop >/dev/null 2>&1 || true; fi
