#!/usr/bin/env bash
# vsftpd: the real FTP daemon that the sad package's ftp tests start on a loopback port with a
# temporary root (never enabled as a system service). Installed by 00-apt.sh; this only checks,
# so that a machine set up by hand learns why the ftp tests would skip.
set -euo pipefail
if command -v vsftpd >/dev/null 2>&1 || [ -x /usr/sbin/vsftpd ]; then
	echo "ftp: vsftpd present"
else
	echo "ftp: vsftpd not installed (apt-get install vsftpd): sad's real-daemon ftp tests will skip"
fi
