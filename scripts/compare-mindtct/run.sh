#!/usr/bin/env bash
# run.sh: runs the side-by-side comparison of ciekit's extractor with NIST MINDTCT on synthetic
# prints with ground truth and, when ../shared/data/fingerprints/fvc2002 exists, on the FVC2002
# DB_B images. Prints a Markdown table.
#
#   MINDTCT_DRIVER=/path/to/driver scripts/compare-mindtct/run.sh [-synthetic N] [-reps N]
#
# MINDTCT_DRIVER is c/driver.c (ciekit's own driver program) compiled against the MINDTCT library
# of NBIS 5.0.0 (lessandro/nbis@3d3b05f, public domain), built by you OUTSIDE the repository, e.g.
# under /work/tools/nbis: no NBIS code, binary or build recipe is kept in ciekit.
# Single-threaded on both sides (GOMAXPROCS=1; MINDTCT is single-threaded); pinned to one CPU with
# taskset when available so the two are timed on the same core.
set -euo pipefail
cd "$(dirname "$0")/../.."
driver=${MINDTCT_DRIVER:?set MINDTCT_DRIVER to the MINDTCT driver binary built outside the repository}
[ -x "$driver" ] || { echo "run.sh: $driver is not an executable" >&2; exit 2; }
pin=()
if command -v taskset >/dev/null; then
	pin=(taskset -c 0)
fi
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/compare" ./scripts/compare-mindtct
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "command: scripts/compare-mindtct/run.sh $*"
"${pin[@]}" "$bin/compare" -driver "$driver" "$@"
