#!/usr/bin/env bash
# run.sh: scores ciekit's templates of the FVC2002 B sets with NIST BOZORTH3 (NBIS 5.0.0,
# public domain), built from public source OUTSIDE the repository under $CIEKIT_BOZORTH3_DIR
# (default /tmp/ciekit-bozorth3). Nothing from NBIS is copied into ciekit or committed.
#
#   scripts/bozorth3/run.sh [ours|reference]     (from anywhere in the work tree)
#
# Source, first found: NBIS_GIT=<git dir of lessandro/nbis> (e.g. a local mirror), otherwise
# git clone https://github.com/lessandro/nbis (commit 3d3b05f, "Update to version 5.0.0").
# Steps: build bozorth3 (its library and driver, plain gcc -O2); `go run ./examples/fpbench xyt`
# writes our templates as .xyt (θ in degrees, origin top-left: bozorth3 -m1) and the FVC pairs
# as a bozorth3 mates list per set; bozorth3 -M scores them; `fpbench rates` prints the table.
set -euo pipefail
which=${1:-ours}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${CIEKIT_BOZORTH3_DIR:-/tmp/ciekit-bozorth3}
commit=3d3b05f
mkdir -p "$work"
bin=$work/bozorth3
if [ ! -x "$bin" ]; then
	if [ -z "${NBIS_GIT:-}" ]; then
		if [ ! -d "$work/nbis.git" ]; then
			git clone --bare --filter=blob:none https://github.com/lessandro/nbis "$work/nbis.git" >&2
		fi
		NBIS_GIT=$work/nbis.git
		rev=$commit
	else
		rev=HEAD
	fi
	rm -rf "$work/src"
	mkdir -p "$work/src"
	git --git-dir="$NBIS_GIT" archive "$rev" bozorth3 commonnbis/include commonnbis/src/lib/util 2>"$work/archive.log" | tar -x -C "$work/src"
	s=$work/src
	gcc -O2 -w -o "$bin" \
		-I"$s/bozorth3/include" -I"$s/commonnbis/include" \
		"$s"/bozorth3/src/bin/bozorth3/*.c "$s"/bozorth3/src/lib/bozorth3/*.c \
		"$s"/commonnbis/src/lib/util/syserr.c "$s"/commonnbis/src/lib/util/fatalerr.c \
		-lm >&2
fi
out=$work/$which
cd "$root"
flag=
[ "$which" = reference ] && flag=-reference
go run ./examples/fpbench xyt -out "$out" $flag >/dev/null
for d in "$out"/DB*_B; do
	"$bin" -m1 -M "$d/mates.lis" >"$d/scores.txt"
done
go run ./examples/fpbench rates -dir "$out" -label "bozorth3 -m1 on $which templates"
