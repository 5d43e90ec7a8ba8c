#!/usr/bin/env bash
# run.sh: builds NIST MINDTCT outside the repository (build.sh) and runs the side-by-side
# comparison with ciekit's extractor on synthetic prints with ground truth and, when
# ../shared/data/fingerprints/fvc2002 exists, on the FVC2002 DB_B images. Prints a Markdown table.
#
#   scripts/compare-mindtct/run.sh [-synthetic N] [-reps N]
#   NBIS_GIT=/path/to/nbis.git scripts/compare-mindtct/run.sh     # use a local copy of lessandro/nbis
#
# Single-threaded on both sides (GOMAXPROCS=1; MINDTCT is single-threaded); pin to one CPU with
# taskset when available so the two are timed on the same core.
set -euo pipefail
cd "$(dirname "$0")/../.."
driver=$(scripts/compare-mindtct/build.sh)
pin=()
if command -v taskset >/dev/null; then
	pin=(taskset -c 0)
fi
go build -o /tmp/ciekit-mindtct/compare ./scripts/compare-mindtct
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "command: scripts/compare-mindtct/run.sh $*"
"${pin[@]}" /tmp/ciekit-mindtct/compare -driver "$driver" "$@"
