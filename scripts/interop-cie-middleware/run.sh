#!/usr/bin/env bash
# Interop run: the official CIE middleware (a judge nobody here wrote)
# against ciekit's simulated CIE, served to pcscd through vsmartcard's vpcd.
#
#   CIE_PKCS11_LIB=/path/to/libcie-pkcs11.so scripts/interop-cie-middleware/run.sh [OUTDIR]
#
# The middleware is NOT built here: build italia/cie-middleware-linux from
# its public source yourself, outside this repository, and pass the path of
# its PKCS#11 library (RESULTS.md says what a g++ build of it needs). This
# script installs only Debian packages (pcscd, vsmartcard-vpcd, opensc,
# openssl, gcc, libpcsclite-dev), needs root for pcscd, and writes the
# transcripts and the tools' output to OUTDIR (default: a temporary
# directory). Copy the *.apdu files to cardserve/testdata to update the
# replayed recordings.
#
# CIE_SLOT is the PKCS#11 slot id the middleware gives vpcd's first reader
# ("Virtual PCD 00 00", where cardserve listens); 1 unless other readers
# come first.
set -euo pipefail
: "${CIE_PKCS11_LIB:?set CIE_PKCS11_LIB to the middleware library}"
slot=${CIE_SLOT:-1}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$(mktemp -d)}
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'kill "${srv:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

need=()
for p in pcscd vsmartcard-vpcd opensc openssl gcc libpcsclite-dev; do
	dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then apt-get install -y --no-install-recommends "${need[@]}"; fi
pgrep -x pcscd >/dev/null || { pcscd; sleep 1; }

cc -shared -fPIC -I/usr/include/PCSC -o "$work/atrshim.so" "$here/atrshim.c" -ldl
cc -o "$work/enrol" "$here/enrol.c" -ldl
cc -o "$work/pinmgr" "$here/pinmgr.c" -ldl
(cd "$root" && go build -o "$work/cardserve" ./scripts/interop-cie-middleware/cardserve)

# The middleware tells the user about a wrong or blocked PIN, or a card
# not enrolled, by starting the CIEID Java application with one word
# (sendMessage in CSP/AbilitaCIE.cpp). A stand-in "java" records the word.
mkdir -p "$work/bin"
printf '#!/bin/sh\nfor a; do last=$a; done\necho "$last" >>"%s/notifications.txt"\n' "$out" >"$work/bin/java"
chmod +x "$work/bin/java"
export PATH="$work/bin:$PATH"

# The enrolment cache persists in HOME across the sessions, as on a desktop.
export LD_PRELOAD="$work/atrshim.so" HOME="$work/home"
mkdir -p "$HOME"
serve() { "$work/cardserve" -out "$out/$1" & srv=$!; sleep 8; }
stop() { kill "$srv"; wait "$srv" || true; }
p11() {
	echo "\$ pkcs11-tool $*"
	# The module prints debugging hex dumps on stdout; keep pkcs11-tool's lines.
	local rc=0
	pkcs11-tool --module "$CIE_PKCS11_LIB" --slot "$slot" "$@" >"$work/p11.out" 2>&1 || rc=$?
	sed -E 's/^([0-9A-F]{2} )+//' "$work/p11.out" | grep -v -e '^Card Dir' -e '^File INI' -e '^Inizio Sessione' -e 'RESET CARD' \
		-e '^$' -e 'C_GetAttributeValue' -e 'MainApplication' || true
	echo "exit status $rc"
}

echo "== slot list (pkcs11-tool -L)"
serve middleware-list.apdu
pkcs11-tool --module "$CIE_PKCS11_LIB" -L 2>/dev/null | grep -v '^File INI\|^Inizio' | tee "$out/pkcs11-tool-L.txt"
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

# PKCS#11 looks for the enrolment cache under the hex of EF.SN.ICC bytes
# 5-10, AbilitaCIE wrote it under the NIS (see RESULTS.md): give it the
# name the PKCS#11 side looks for, as a card whose EF.SN.ICC carries the
# NIS would.
cache="$HOME/.CIEPKI"
cp "$cache/$(ls "$cache" | grep '\.cache$' | head -1)" "$cache/$("$work/cardserve" -pan).cache"

echo "== PKCS#11: log in, list the objects, read the certificate, sign and verify"
printf 'ciekit interop: a message signed through the CIE middleware\n' >"$out/msg.txt"
# A SHA-256 DigestInfo for CKM_RSA_PKCS (the caller hashes).
{ printf '3031300d060960864801650304020105000420'; sha256sum "$out/msg.txt" | cut -c1-64; } | xxd -r -p >"$work/digestinfo.bin"
serve middleware-pkcs11.apdu
{
	p11 --login --pin 5678 -O
	p11 --read-object --type cert --label CIE0 -o "$out/cert.der"
	p11 --login --pin 5678 --sign -m RSA-PKCS -i "$work/digestinfo.bin" -o "$out/sig-rsa-pkcs.bin"
	p11 --login --pin 5678 --sign -m SHA1-RSA-PKCS -i "$out/msg.txt" -o "$out/sig-sha1.bin"
	p11 --login --pin 5678 --sign -m SHA256-RSA-PKCS -i "$out/msg.txt" -o "$out/sig-sha256.bin"
} | tee "$out/pkcs11.txt"
stop
{
	openssl x509 -inform der -in "$out/cert.der" -noout -subject -issuer
	openssl x509 -inform der -in "$out/cert.der" -noout -pubkey >"$out/pub.pem"
	for s in rsa-pkcs:sha256 sha1:sha1 sha256:sha256; do
		echo "\$ openssl dgst -${s#*:} -verify pub.pem -signature sig-${s%:*}.bin msg.txt"
		openssl dgst "-${s#*:}" -verify "$out/pub.pem" -signature "$out/sig-${s%:*}.bin" "$out/msg.txt" 2>&1 | head -1 || true
	done
	echo "\$ openssl pkeyutl -verifyrecover (the signed block of sig-sha256.bin)"
	openssl pkeyutl -verifyrecover -pubin -inkey "$out/pub.pem" -in "$out/sig-sha256.bin" -pkeyopt rsa_padding_mode:none | xxd -p | tr -d '\n' | sed 's/^0001f*00//'
	echo
} | tee "$out/verify.txt"

echo "== PKCS#11: wrong PIN to blocked, wrong PUK, unblock with the PUK (C_InitPIN as SO), change (C_SetPIN)"
serve middleware-pkcs11-pin.apdu
{
	for _ in 1 2 3; do p11 --login --pin 0000 -O; done
	p11 --login --pin 5678 -O
	p11 -T
	p11 --login --login-type so --so-pin 00000000 --init-pin --new-pin 5678
	p11 --login --login-type so --so-pin 87654321 --init-pin --new-pin 5678
	p11 --login --pin 5678 -O
	p11 --change-pin --pin 5678 --new-pin 4321
	p11 --login --pin 4321 --sign -m SHA1-RSA-PKCS -i "$out/msg.txt" -o "$out/sig-after-change.bin"
} | tee "$out/pkcs11-pin.txt"
stop
openssl dgst -sha1 -verify "$out/pub.pem" -signature "$out/sig-after-change.bin" "$out/msg.txt" | tee -a "$out/verify.txt"
sleep 2
echo "== the middleware's notifications (sendMessage)"
cat "$out/notifications.txt" 2>/dev/null || true
cp "$HOME"/.CIEPKI/*.log "$out/" 2>/dev/null || true
echo "transcripts in $out"
