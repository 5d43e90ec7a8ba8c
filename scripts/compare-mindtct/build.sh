#!/usr/bin/env bash
# build.sh: builds NIST MINDTCT (NBIS 5.0.0, public domain) from public source OUTSIDE the
# repository, together with driver.c, into $CIEKIT_MINDTCT_DIR (default /tmp/ciekit-mindtct).
# Nothing from NBIS is ever copied into ciekit.
#
# Source, first found:
#   NBIS_GIT=<git dir of lessandro/nbis>   (e.g. a local mirror; read with git archive)
#   otherwise: git clone https://github.com/lessandro/nbis (commit 3d3b05f, "Update to version 5.0.0")
# Only the MINDTCT library (minus its three ANSI/NIST Type-9 output files) and the common
# headers are compiled, with plain gcc -O2, as in the research notes (spec §5).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=${CIEKIT_MINDTCT_DIR:-/tmp/ciekit-mindtct}
commit=3d3b05f
mkdir -p "$work"
if [ -x "$work/driver" ] && [ "$work/driver" -nt "$here/c/driver.c" ]; then
	echo "$work/driver"
	exit 0
fi
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
git --git-dir="$NBIS_GIT" archive "$rev" mindtct/include mindtct/src/lib/mindtct commonnbis/include 2>"$work/archive.log" |
	tar -x -C "$work/src"
# lfs.h includes an2k.h only for the Type-9 prototypes of the files left out below;
# a stub with opaque types is enough.
cat >"$work/src/an2k.h" <<'H'
#ifndef CIEKIT_AN2K_STUB_H
#define CIEKIT_AN2K_STUB_H
typedef struct ciekit_an2k_record RECORD;
typedef struct ciekit_an2k_field FIELD;
typedef struct ciekit_an2k_ansi_nist ANSI_NIST;
#endif
H
lib=$work/src/mindtct/src/lib/mindtct
srcs=()
for f in "$lib"/*.c; do
	case $(basename "$f") in
	results.c | to_type9.c | update.c) ;;
	*) srcs+=("$f") ;;
	esac
done
gcc -O2 -w -o "$work/driver" -I"$work/src" -I"$work/src/mindtct/include" \
	-I"$work/src/commonnbis/include" "$here/c/driver.c" "${srcs[@]}" -lm >&2
echo "$work/driver"
