#!/usr/bin/env bash
# run.sh: the ciekit-vs-OpenJPEG conformance table (scripts/compare-openjpeg/RESULTS.md).
#
# The judge is OpenJPEG's opj_compress and opj_decompress from Debian's libopenjp2-tools,
# installed here with apt-get when missing; nothing of OpenJPEG is built or committed.
# Other binaries: OPJ_COMPRESS=/path OPJ_DECOMPRESS=/path scripts/compare-openjpeg/run.sh
# Extra arguments go to the Go program (e.g. -runs 9, -only decoder).
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -z "${OPJ_COMPRESS:-}" ] && ! command -v opj_compress >/dev/null; then
	if [ "$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	$SUDO apt-get install -y -qq --no-install-recommends libopenjp2-tools
fi
out=scripts/compare-openjpeg/RESULTS.md
tmp=$(mktemp)
go run ./scripts/compare-openjpeg "$@" >"$tmp"
{
	echo "# ciekit's JPEG 2000 codec vs OpenJPEG"
	echo
	echo "Produced by \`scripts/compare-openjpeg/run.sh $*\` on $(date -u +%Y-%m-%d)."
	echo "Judge: OpenJPEG $(dpkg-query -W -f='${Version}' libopenjp2-tools 2>/dev/null || echo '(custom binaries)')"
	echo "(Debian libopenjp2-tools; upstream source github.com/uclouvain/openjpeg, v2.5.0, read at commit 9dd4b3c for facts)."
	echo "ciekit: $(git rev-parse --short HEAD) built with $(go version | cut -d' ' -f3-4); cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')."
	echo "Machine load (uptime) after the run: $(uptime | sed 's/.*load average/load average/')."
	echo "The machine has 2 vCPUs shared by about eight developers: absolute times are inflated by their work."
	echo
	echo "Test images are synthetic face-like portraits (scripts/compare-openjpeg/synth.go); no real faces are used."
	echo "Nothing was tuned on these images: the encoder's only choices (5 levels, 64x64 code-blocks, one layer,"
	echo "PCRD truncation) are fixed, and the decoder has no parameters."
	echo
	cat "$tmp"
} >"$out"
rm -f "$tmp"
echo "wrote $out"
