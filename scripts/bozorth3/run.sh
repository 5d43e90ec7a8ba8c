#!/usr/bin/env bash
# run.sh: scores ciekit's templates of the FVC2002 B sets with NIST BOZORTH3 (NBIS 5.0.0,
# lessandro/nbis@3d3b05f, public domain), built by you OUTSIDE the repository (e.g. under
# /work/tools/bozorth3); nothing from NBIS, no binary and no build recipe is kept in ciekit.
#
#   BOZORTH3=/path/to/bozorth3 scripts/bozorth3/run.sh [ours|reference]   (from anywhere in the work tree)
#
# Steps: `go run ./examples/fpbench xyt` writes our templates as .xyt (θ in degrees, origin
# top-left: bozorth3 -m1) and the FVC pairs as a bozorth3 mates list per set; bozorth3 -M scores
# them; `fpbench rates` prints the table. Work files go to $CIEKIT_BOZORTH3_DIR (default
# /tmp/ciekit-bozorth3).
set -euo pipefail
which=${1:-ours}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${CIEKIT_BOZORTH3_DIR:-/tmp/ciekit-bozorth3}
bin=${BOZORTH3:?set BOZORTH3 to the bozorth3 binary built outside the repository}
[ -x "$bin" ] || { echo "run.sh: $bin is not an executable" >&2; exit 2; }
mkdir -p "$work"
out=$work/$which
cd "$root"
flag=
[ "$which" = reference ] && flag=-reference
go run ./examples/fpbench xyt -out "$out" $flag >/dev/null
for d in "$out"/DB*_B; do
	"$bin" -m1 -M "$d/mates.lis" >"$d/scores.txt"
done
go run ./examples/fpbench rates -dir "$out" -label "bozorth3 -m1 on $which templates"
