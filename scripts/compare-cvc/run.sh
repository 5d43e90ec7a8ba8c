#!/usr/bin/env bash
# run.sh: ciekit's card-verifiable certificates (scard/emrtd/cvc) judged by OpenPACE
# (scripts/compare-cvc/RESULTS.md).
#
#   CVC_CREATE=/path/to/cvc-create CVC_PRINT=/path/to/cvc-print scripts/compare-cvc/run.sh
#
# The judge is OpenPACE's cvc-create and cvc-print (github.com/frankmorgner/openpace), built outside this
# repository; this script only runs the binaries it is given (set LD_LIBRARY_PATH to their libeac if it is
# not installed system-wide). Keys come from OpenSSL (Debian's openssl; OPENSSL=/path to override).
#
# 1. cvc-create makes a CVCA -> DV -> IS chain per algorithm (plus IS certificates with other rights,
#    an expired one, one with every IS authorization bit, and a CVCA link certificate with a second DV and IS) into scard/emrtd/cvc/testdata/openpace/<alg>/;
#    the IS private key is kept there as IS-TEST-KEY.pkcs8 (a test key, nothing else).
# 2. go run ./scripts/compare-cvc makes the same chains with ciekit's cvc.Create from OpenSSL keys into
#    scard/emrtd/cvc/testdata/ciekit/<alg>/.
# 3. cvc-print reads every certificate (verifying it against its chain with --cvc-dir) into <file>.txt;
#    manifest.txt records what each certificate was asked to be.
# 4. go test ./scard/emrtd/cvc -run TestJudgedByOpenPACE compares ciekit's parse of each certificate with
#    cvc-print's fields and verdict, and writes the table below. The committed tests replay steps 1-3's
#    files without the tools.
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${CVC_CREATE:?set CVC_CREATE to OpenPACE's cvc-create}"
: "${CVC_PRINT:?set CVC_PRINT to OpenPACE's cvc-print}"
OPENSSL=${OPENSSL:-openssl}
ciekit_rev=$(git describe --always --dirty) # before the test data below is rewritten
td=scard/emrtd/cvc/testdata
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Dates: the chain is valid from 2026-01-01; the IS certificates from 2026-12-01 for six months (the
# tests give the simulated chip the current date 2026-12-01); one IS certificate expired in January.
# cvc-print checks DV and IS validity against the machine's clock: run before 2027-05-31.
# A CVCA link certificate (the CVCA's new key, signed by the old) is effective from 2026-06-01, with a second DV.
CVCA_FROM=260101 CVCA_TO=351231 DV_FROM=260101 DV_TO=281231 IS_FROM=261201 IS_TO=270531 OLD_FROM=260101 OLD_TO=260131
LINK_FROM=260601 LINK_TO=360531

# name  key parameter   scheme           tag (CHR mnemonic part)
ALGS="bp256:brainpoolP256r1:ECDSA_SHA_256:BP256
p256:prime256v1:ECDSA_SHA_256:P256
bp384:brainpoolP384r1:ECDSA_SHA_384:BP384
rsa:2048:RSA_v1_5_SHA_256:RSA
rsapss:2048:RSA_PSS_SHA_256:PSS"

# key FILE PARAM FORM: a DER PKCS#8 key; FORM explicit writes EC domain parameters in full (as OpenPACE's
# generate-eac-pki.sh does), named_curve uses the curve's OID.
key() {
	local out=$1 param=$2 form=$3
	case $param in
	[0-9]*) "$OPENSSL" genrsa -out "$tmp/k.pem" "$param" 2>/dev/null ;;
	*) "$OPENSSL" ecparam -name "$param" -genkey -param_enc "$form" -out "$tmp/k.pem" ;;
	esac
	"$OPENSSL" pkcs8 -topk8 -nocrypt -in "$tmp/k.pem" -outform DER -out "$out"
}

# printall DIR: cvc-print every certificate of DIR, with a trust directory of the chain by CHR.
printall() {
	local dir=$1 f chr
	rm -rf "$tmp/cvcdir" && mkdir "$tmp/cvcdir"
	for f in "$dir"/*.cvcert; do
		chr=$(awk '$1 == "'"$(basename "$f")"'" { print $2 }' "$dir/manifest.txt")
		cp "$f" "$tmp/cvcdir/$chr"
	done
	for f in "$dir"/*.cvcert; do
		# stdout, then the judge's own error lines (its OpenSSL error queue has addresses: left out)
		"$CVC_PRINT" --cvc="$f" --cvc-dir="$tmp/cvcdir" >"${f%.cvcert}.txt" 2>"$tmp/err" || true
		grep '^\[ERROR\]' "$tmp/err" >>"${f%.cvcert}.txt" || true
	done
}

rm -rf "$td/openpace" "$td/ciekit"
while IFS=: read -r name param scheme tag; do
	out=$td/openpace/$name
	mkdir -p "$out"
	key "$tmp/cvca.pkcs8" "$param" explicit
	key "$tmp/cvca2.pkcs8" "$param" explicit
	key "$out/IS-TEST-KEY.pkcs8" "$param" explicit
	cvca=UTCVCA${tag}01 dv=UTDV${tag}0001 is=UTIS${tag}
	common=(--scheme="$scheme")
	"$CVC_CREATE" --out-cert="$out/cvca.cvcert" --role=cvca --type=is --chr="$cvca" --issued=$CVCA_FROM --expires=$CVCA_TO \
		--sign-with="$tmp/cvca.pkcs8" "${common[@]}" --read-finger --read-iris >/dev/null
	"$CVC_CREATE" --out-cert="$out/dv.cvcert" --out-key="$tmp/dv.key" --role=dv_domestic --sign-as="$out/cvca.cvcert" --chr="$dv" \
		--issued=$DV_FROM --expires=$DV_TO --sign-with="$tmp/cvca.pkcs8" "${common[@]}" --read-finger --read-iris >/dev/null
	isopt=(--role=terminal --sign-as="$out/dv.cvcert" --sign-with="$tmp/dv.key" --key="$out/IS-TEST-KEY.pkcs8" "${common[@]}")
	"$CVC_CREATE" --out-cert="$out/is.cvcert" --chr="${is}00001" --issued=$IS_FROM --expires=$IS_TO "${isopt[@]}" --read-finger >/dev/null
	"$CVC_CREATE" --out-cert="$out/is-dg4.cvcert" --chr="${is}00002" --issued=$IS_FROM --expires=$IS_TO "${isopt[@]}" --read-iris >/dev/null
	"$CVC_CREATE" --out-cert="$out/is-expired.cvcert" --chr="${is}00003" --issued=$OLD_FROM --expires=$OLD_TO "${isopt[@]}" --read-finger >/dev/null
	"$CVC_CREATE" --out-cert="$out/is-allbits.cvcert" --chr="${is}00004" --issued=$IS_FROM --expires=$IS_TO "${isopt[@]}" \
		--read-finger --read-iris --is-rfu2 --is-rfu3 --is-rfu4 --read-eid >/dev/null
	"$CVC_CREATE" --out-cert="$out/link.cvcert" --role=cvca --sign-as="$out/cvca.cvcert" --chr="UTCVCA${tag}02" \
		--issued=$LINK_FROM --expires=$LINK_TO --sign-with="$tmp/cvca.pkcs8" --key="$tmp/cvca2.pkcs8" "${common[@]}" \
		--read-finger --read-iris >/dev/null
	"$CVC_CREATE" --out-cert="$out/dv2.cvcert" --out-key="$tmp/dv2.key" --role=dv_domestic --sign-as="$out/link.cvcert" \
		--chr="UTDV${tag}0002" --issued=$LINK_FROM --expires=$DV_TO --sign-with="$tmp/cvca2.pkcs8" "${common[@]}" \
		--read-finger --read-iris >/dev/null
	"$CVC_CREATE" --out-cert="$out/is-link.cvcert" --chr="${is}00005" --issued=$IS_FROM --expires=$IS_TO --role=terminal \
		--sign-as="$out/dv2.cvcert" --sign-with="$tmp/dv2.key" --key="$out/IS-TEST-KEY.pkcs8" "${common[@]}" --read-finger >/dev/null
	{
		echo "# file CHR scheme key-parameter (what cvc-create was asked for)"
		echo "cvca.cvcert $cvca $scheme $param"
		echo "link.cvcert UTCVCA${tag}02 $scheme $param"
		echo "dv.cvcert $dv $scheme $param"
		echo "dv2.cvcert UTDV${tag}0002 $scheme $param"
		for s in is:00001 is-dg4:00002 is-expired:00003 is-allbits:00004 is-link:00005; do
			echo "${s%%:*}.cvcert ${is}${s##*:} $scheme $param"
		done
	} >"$out/manifest.txt"
	printall "$out"

	# The same chain made by ciekit's cvc.Create, from OpenSSL keys with named curves.
	cout=$td/ciekit/$name
	mkdir -p "$cout"
	key "$tmp/cvca.pkcs8" "$param" named_curve
	key "$tmp/cvca2.pkcs8" "$param" named_curve
	key "$tmp/dv.pkcs8" "$param" named_curve
	key "$tmp/dv2.pkcs8" "$param" named_curve
	key "$tmp/is.pkcs8" "$param" named_curve
	go run ./scripts/compare-cvc -scheme "$scheme" -param "$param" -tag "$tag" -keys "$tmp" -out "$cout" \
		-dates "$CVCA_FROM,$CVCA_TO,$DV_FROM,$DV_TO,$IS_FROM,$IS_TO,$OLD_FROM,$OLD_TO,$LINK_FROM,$LINK_TO"
	printall "$cout"
done <<<"$ALGS"

table=$tmp/table.md
go test -count=1 ./scard/emrtd/cvc -run 'TestJudgedByOpenPACE' -args -table "$table" >/dev/null
out=scripts/compare-cvc/RESULTS.md
{
	echo "# ciekit's CV certificates judged by OpenPACE"
	echo
	echo "Produced by \`CVC_CREATE=... CVC_PRINT=... scripts/compare-cvc/run.sh\` on $(date -u +%Y-%m-%d)."
	echo "Judge: OpenPACE $("$CVC_CREATE" --version | awk '{print $2; exit}') (cvc-create, cvc-print; source github.com/frankmorgner/openpace"
	echo "at commit 40a5181b6abff751f756be980bfa165eb02677be, built outside the repository). Keys: $("$OPENSSL" version)."
	echo "ciekit: $ciekit_rev built with $(go version | cut -d' ' -f3-4)."
	echo
	cat scripts/compare-cvc/NOTES.md
	echo
	cat "$table"
} >"$out"
echo "wrote $out"
