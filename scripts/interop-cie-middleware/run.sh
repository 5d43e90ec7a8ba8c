#!/usr/bin/env bash
# Interop run: the official CIE middleware (a judge nobody here wrote)
# against ciekit's simulated CIE, served to pcscd through vsmartcard's vpcd.
#
#   CIE_PKCS11_LIB=/path/to/libcie-pkcs11.so scripts/interop-cie-middleware/run.sh [OUTDIR]
#
# The middleware is NOT built here: build italia/cie-middleware-linux from
# its public source yourself, outside this repository, and pass the path of
# its PKCS#11 library. This script installs only Debian packages (pcscd,
# vsmartcard-vpcd, opensc, gcc, libpcsclite-dev), needs root for pcscd, and
# writes the transcripts to OUTDIR (default: a temporary directory). Copy
# them to cardserve/testdata to update the replayed recordings.
set -euo pipefail
: "${CIE_PKCS11_LIB:?set CIE_PKCS11_LIB to the middleware library}"
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$(mktemp -d)}
mkdir -p "$out"
work=$(mktemp -d)
trap 'kill "${srv:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

need=()
for p in pcscd vsmartcard-vpcd opensc gcc libpcsclite-dev; do
	dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then apt-get install -y --no-install-recommends "${need[@]}"; fi
pgrep -x pcscd >/dev/null || { pcscd; sleep 1; }

cc -shared -fPIC -I/usr/include/PCSC -o "$work/atrshim.so" "$here/atrshim.c" -ldl
cc -o "$work/enrol" "$here/enrol.c" -ldl
cc -o "$work/pinmgr" "$here/pinmgr.c" -ldl
(cd "$root" && go build -o "$work/cardserve" ./scripts/interop-cie-middleware/cardserve)

export LD_PRELOAD="$work/atrshim.so" HOME="$work/home"
mkdir -p "$HOME"
serve() { "$work/cardserve" -out "$out/$1" & srv=$!; sleep 8; }
stop() { kill "$srv"; wait "$srv" || true; }

echo "== slot list (pkcs11-tool -L)"
serve middleware-list.apdu
pkcs11-tool --module "$CIE_PKCS11_LIB" -L | tee "$out/pkcs11-tool-L.txt"
stop

echo "== enrolment with the PIN (DH, DAPP, VERIFY PIN, certificate, IAS SOD)"
serve middleware-enrol.apdu
"$work/enrol" "$CIE_PKCS11_LIB" 12345678 | tee "$out/enrol.txt"
stop

echo "== wrong PINs with the retries, blocked, wrong PUK, unblock with the PUK, change"
serve middleware-pin.apdu
{
	for _ in 1 2 3; do "$work/pinmgr" "$CIE_PKCS11_LIB" change 11111111 22222222; done
	"$work/pinmgr" "$CIE_PKCS11_LIB" change 12345678 22222222
	"$work/pinmgr" "$CIE_PKCS11_LIB" unblock 00000000 12345678
	"$work/pinmgr" "$CIE_PKCS11_LIB" unblock 87654321 12345678
	"$work/pinmgr" "$CIE_PKCS11_LIB" change 12345678 24681357
} 2>/dev/null | tee "$out/pin.txt"
stop

echo "== PKCS#11 login and object list (see RESULTS.md: C_OpenSession crashed in our build)"
serve middleware-pkcs11.apdu
pkcs11-tool --module "$CIE_PKCS11_LIB" --login --pin 5678 -O || echo "pkcs11-tool exit status $?"
stop
echo "transcripts in $out"
