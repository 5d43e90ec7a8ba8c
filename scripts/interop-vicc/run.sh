#!/usr/bin/env bash
# Interop run: vsmartcard's ePass emulator (virtualsmartcard's vicc, a
# passport emulator nobody here wrote) read by ciekit through pcscd and
# vpcd; every exchange is recorded for the replay tests (epass_test.go).
#
#   VICC=/path/to/vicc [VICC_PYTHONPATH=...] scripts/interop-vicc/run.sh NAME [go test env...]
#
#   scripts/interop-vicc/run.sh vicc-epass.apdu
#   scripts/interop-vicc/run.sh vicc-epass-dg12.apdu CIEKIT_VICC_DGS=1,2
#   scripts/interop-vicc/run.sh vicc-epass-do99.apdu   # with a vicc copy that sends DO 99 (RESULTS.md)
#
# vicc is NOT installed or patched here: take frankmorgner/vsmartcard's
# virtualsmartcard from its public source, outside this repository, and
# give the path of its vicc program (vicc.in with its @...@ placeholders
# filled in); RESULTS.md says which Python 3 faults of the published
# emulator had to be fixed in the copy that ran. Needs pcscd with
# vsmartcard-vpcd (Debian packages), python3 with PIL and pycryptodome
# (python3-pil, python3-pycryptodome), and Go. The emulator takes the second
# vpcd reader (port 35964, "Virtual PCD 00 01"); VICC_PORT and VICC_READER
# change that. The transcript is written to testdata/NAME.
set -euo pipefail
: "${VICC:?set VICC to the vicc program}"
name=${1:?usage: run.sh NAME.apdu [VAR=value...]}
shift
port=${VICC_PORT:-35964}
reader=${VICC_READER:-Virtual PCD 00 01}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'kill "${vicc:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

need=()
for p in pcscd vsmartcard-vpcd python3-pil python3-pycryptodome; do
	dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then apt-get install -y --no-install-recommends "${need[@]}"; fi
pgrep -x pcscd >/dev/null || { pcscd; sleep 1; }

# The emulator asks for the MRZ and a facial image: ICAO Doc 9303's specimen
# passport, and a small generated JPEG.
/usr/bin/python3 -c 'from PIL import Image; Image.new("RGB", (24, 32), (200, 150, 120)).save("'"$work"'/face.jpg", "JPEG", quality=50)'
printf '%s\n%s\n' 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<L898902C36UTO7408122F1204159ZE184226B<<<<<10' "$work/face.jpg" >"$work/answers"
PYTHONPATH=${VICC_PYTHONPATH:-} /usr/bin/python3 "$VICC" -t ePass -P "$port" -vvvv <"$work/answers" >"$work/vicc.log" 2>&1 &
vicc=$!
sleep 4
(cd "$here" && env "$@" CIEKIT_VICC_READER="$reader" CIEKIT_VICC_OUT="$name" go test -count=1 -v -run TestRecordEPass .)
kill "$vicc"
echo "transcript: $here/testdata/$name (emulator log: kept only while this script runs)"
