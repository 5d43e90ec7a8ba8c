#!/usr/bin/env bash
# Interop run: OpenSC's npa-tool (PACE, SM and EAC on OpenPACE; a judge
# nobody here wrote) against ciekit's simulated CIE, served to pcscd through
# vsmartcard's vpcd by npaserve, which records every exchange.
#
#   NPA_TOOL=/path/to/npa-tool [CVC_PRINT=/path/to/cvc-print] scripts/interop-npa/run.sh [OUTDIR]
#
# npa-tool is NOT built here and not in Debian's opensc package (it needs
# OpenPACE): build frankmorgner/openpace and OpenSC/OpenSC from their public
# source yourself, outside this repository, and pass the path of npa-tool
# (a libtool wrapper is fine). This script installs only Debian packages
# (pcscd, vsmartcard-vpcd), needs root to start pcscd, serves the card in
# the second vpcd reader ("Virtual PCD 00 01", port 35964; NPA_READER and
# NPA_ADDR change that) and writes the transcripts and npa-tool's output to
# OUTDIR (default: a temporary directory). Copy the .apdu files to
# npaserve/testdata, and OUTDIR/cvc to npaserve/testdata/cvc, to update the
# replayed recordings (see RESULTS.md). With CVC_PRINT (OpenPACE's
# cvc-print, built with OpenPACE), it also has OpenPACE parse and verify
# the test CVCA -> DV -> IS chain of the simulator.
set -euo pipefail
: "${NPA_TOOL:?set NPA_TOOL to the npa-tool binary}"
reader=${NPA_READER:-1}
addr=${NPA_ADDR:-127.0.0.1:35964}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$(mktemp -d)}
mkdir -p "$out"
work=$(mktemp -d)
trap 'kill "${srv:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

need=()
for p in pcscd vsmartcard-vpcd; do
	dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then apt-get install -y --no-install-recommends "${need[@]}"; fi
pgrep -x pcscd >/dev/null || { pcscd; sleep 1; }

(cd "$root" && go build -o "$work/npaserve" ./scripts/interop-npa/npaserve)
# No opensc.conf: npa-tool's defaults (it forces OpenSC's default card driver).
export OPENSC_CONF=/dev/null

serve() { # serve NAME [npaserve flags...]
	local name=$1
	shift
	"$work/npaserve" -addr "$addr" -out "$out/$name.apdu" "$@" &
	srv=$!
	sleep 3
}
stop() { kill -INT "$srv"; wait "$srv" || true; }
npa() { # npa NAME [npa-tool flags...]: run npa-tool, keep its output and status
	local name=$1
	shift
	echo "\$ npa-tool -r $reader $*" | tee "$out/$name.txt"
	set +e
	"$NPA_TOOL" -r "$reader" "$@" >>"$out/$name.txt" 2>&1
	echo "exit status $?" >>"$out/$name.txt"
	set -e
	cat "$out/$name.txt"
}

echo "== PACE DH GM (2048-bit group, as a real CIE's EF.CardAccess), DG1 and DG2"
serve npa-dh -pace dh
npa npa-dh --can=123456 --application eMRTD --read-dg1 --read-dg2
stop

echo "== EF.CardAccess with DH GM and ECDH GM P-256 (OpenPACE takes the first: DH)"
serve npa-both -pace both
npa npa-both --can=123456 --application eMRTD --read-dg1
stop

echo "== PACE ECDH GM P-256 (EF.CardAccess lists only ECDH GM), DG1 and DG2"
serve npa-ecdh -pace ecdh
npa npa-ecdh --can=123456 --application eMRTD --read-dg1 --read-dg2
stop

echo "== PACE ECDH GM with the MRZ as password (TD1, one line), DG1"
serve npa-ecdh-mrz -pace ecdh
npa npa-ecdh-mrz --mrz="$("$work/npaserve" -print-mrz)" --application eMRTD --read-dg1
stop

echo "== the same, DG2 read through npa-tool's SM with READ BINARY Le DF (--translate)"
# DG2 of the npaserve card is 3085 bytes: 14 reads of up to 223 (DF) bytes.
{
	echo "00B08200DF"
	for off in $(seq 223 223 3084); do printf '00B0%04XDF\n' "$off"; done
	echo
} >"$work/dg2.apdus"
cp "$work/dg2.apdus" "$out/npa-ecdh-dg2-apdus.txt"
serve npa-ecdh-dg2 -pace ecdh
npa npa-ecdh-dg2 --can=123456 --application eMRTD --read-dg1 --translate "$work/dg2.apdus"
stop

echo "== EAC with an inspection system certificate of the simulator's test CVCA"
serve npa-ecdh-eac -pace ecdh -eac-dir "$work/eac"
npa npa-ecdh-eac --can=123456 --application eMRTD --cv-certificate "$work/eac/dv.cvcert" \
	--cv-certificate "$work/eac/is.cvcert" --private-key "$work/eac/is.pkcs8" --cvc-dir "$work/eac" \
	--disable-ta-checks --read-dg1 --read-dg3
stop

if [ -n "${CVC_PRINT:-}" ]; then
	echo "== OpenPACE's cvc-print on the test CVCA, DV and IS certificates (dated today)"
	"$work/npaserve" -eac-dir "$out/cvc" -eac-date "$(date -u +%F)" -certs-only
	rm -f "$out/cvc/is.pkcs8" "$out/cvc/dv.cvcert"
	(
		cd "$out/cvc"
		for c in ITCVCA00001 ITDV000001 is.cvcert; do
			echo "\$ cvc-print --cvc $c --cvc-dir ."
			set +e
			"$CVC_PRINT" --cvc "$c" --cvc-dir . 2>&1
			echo "exit status $?"
			set -e
		done
		# The same IS certificate with one bit of its signature flipped.
		cp is.cvcert "$work/is-bad.cvcert"
		at=$(($(stat -c %s "$work/is-bad.cvcert") - 5))
		b=$(od -An -tu1 -j "$at" -N1 "$work/is-bad.cvcert" | tr -d ' ')
		printf "$(printf '\\%03o' $((b ^ 1)))" | dd of="$work/is-bad.cvcert" bs=1 seek="$at" conv=notrunc status=none
		echo "\$ cvc-print --cvc is-bad.cvcert --cvc-dir .   # is.cvcert with one signature bit flipped"
		set +e
		"$CVC_PRINT" --cvc "$work/is-bad.cvcert" --cvc-dir . 2>&1
		echo "exit status $?"
		set -e
	) | tee "$out/cvc/cvc-print.txt"
fi

"$NPA_TOOL" --version | head -1 >"$out/npa-tool-version.txt"
echo "transcripts and outputs in $out"
