#!/usr/bin/env bash
# aem log/predict/verify --live against recorded machines (tests/model/fixtures, written
# by tests/model/make-fixtures from tboot's heap layout): the TXT public space page, the
# heap, and the log at the address the heap's OsSinitData element gives.
#  1. --live --root FIXTURE prints exactly what --event-log FILE prints for the log that
#     was placed there (TCG element 8, TPM 1.2 element 5 outside the heap, legacy 7);
#     --save copies the same bytes back out (cmp with the original file).
#  2. the replayed PCRs equal tpm2_eventlog's for the original TCG log (an outside oracle).
#  3. no TXT, no log element, an empty log, and /dev/mem refused each get their message.
. "$AEM_SRC/tests/lib/common.sh"
aem=$AEM_BUILD/aem
fx=$AEM_SRC/tests/model/fixtures
data=$AEM_SRC/tests/unit/data

same_output() { # what fixture files...
	local what=$1 fix=$2; shift 2
	local args=() f
	for f in "$@"; do args+=(--event-log "$f"); done
	"$aem" log --live --root "$fix" --json > live.json || fail "$what: aem log --live failed"
	"$aem" log "${args[@]}" --json > file.json || fail "$what: aem log --event-log failed"
	cmp -s live.json file.json || fail "$what: --live differs from --event-log: $(diff live.json file.json | head -5)"
	"$aem" log --live --root "$fix" > live.txt && "$aem" log "${args[@]}" > file.txt
	cmp -s live.txt file.txt || fail "$what: text output differs"
	echo "ok: $what: aem log --live == aem log --event-log ($(jq '.events | length' live.json) events)"
}

same_output "TPM 2.0 TCG (element 8)" "$fx/txt-tpm2-tcg" "$data/intel-tboot-tpm2-tcg-heap.bin"
"$aem" log --live --root "$fx/txt-tpm2-tcg" --save saved-tcg.bin > /dev/null
cmp saved-tcg.bin "$data/intel-tboot-tpm2-tcg-heap.bin" || fail "--save (TCG) differs from the placed log"
echo "ok: --save copies the TCG log byte for byte"

same_output "TPM 1.2 container (element 5)" "$fx/txt-tpm12" "$data/txt-tpm12-container.bin"
"$aem" log --live --root "$fx/txt-tpm12" --save saved12.bin > /dev/null
cmp saved12.bin "$data/txt-tpm12-container.bin" || fail "--save (TPM 1.2) differs"
echo "ok: --save copies the TPM 1.2 container's used part byte for byte"

same_output "TPM 2.0 Intel legacy (element 7)" "$fx/txt-tpm2-legacy" \
	"$data/txt-tpm2-legacy-sha1.bin" "$data/txt-tpm2-legacy-sha256.bin"
"$aem" log --live --root "$fx/txt-tpm2-legacy" --save leg.bin > /dev/null
cmp leg.bin.sha1 "$data/txt-tpm2-legacy-sha1.bin" && cmp leg.bin.sha256 "$data/txt-tpm2-legacy-sha256.bin" ||
	fail "--save (legacy) differs"
echo "ok: --save writes each legacy bank's log"

# The outside oracle: tpm2_eventlog's replay of the original log.
if command -v tpm2_eventlog > /dev/null; then
	tpm2_eventlog "$data/intel-tboot-tpm2-tcg-heap.bin" > el.yaml 2>/dev/null
	want=$(awk '/^  sha256:/{s=1;next} /^  [a-z0-9]+:$/{s=0} s && $1=="17"{print tolower(substr($3,3))}' el.yaml)
	[ -n "$want" ] || fail "could not read tpm2_eventlog's sha256 PCR 17"
	assert_eq "live log replays to tpm2_eventlog's sha256 PCR 17" "$want" \
		"$("$aem" log --live --root "$fx/txt-tpm2-tcg" --json | jq -r '.pcrs.sha256["17"]')"
else
	echo "note: tpm2_eventlog missing: outside replay check not run"
fi

# AEM_ROOT works as --root does; predict and verify take --live too.
AEM_ROOT=$fx/txt-tpm2-tcg "$aem" log --live --json > env.json
"$aem" log --event-log "$data/intel-tboot-tpm2-tcg-heap.bin" --json | cmp -s - env.json ||
	fail "AEM_ROOT replay differs"
"$aem" predict --live --root "$fx/txt-tpm2-tcg" --format json > p-live.json
"$aem" predict --event-log "$data/intel-tboot-tpm2-tcg-heap.bin" --format json > p-file.json
cmp -s p-live.json p-file.json || fail "predict --live differs from predict --event-log"
"$aem" verify --live --root "$fx/txt-tpm2-tcg" > v-live.txt
"$aem" verify --event-log "$data/intel-tboot-tpm2-tcg-heap.bin" > v-file.txt
cmp -s v-live.txt v-file.txt || fail "verify --live differs from verify --event-log"
echo "ok: predict --live and verify --live read the same log"

expect_fail() { # what status pattern args...
	local what=$1 want=$2 pat=$3 rc=0; shift 3
	"$aem" "$@" > out.txt 2> err.txt || rc=$?
	assert_eq "$what: exit status" "$want" "$rc"
	[ ! -s out.txt ] || fail "$what: wrote to stdout"
	grep -q "$pat" err.txt || fail "$what: message lacks '$pat': $(cat err.txt)"
	echo "ok: $what: $(head -c 90 err.txt)"
}
expect_fail "no TXT" 9 "no Intel TXT on this machine" log --live --root "$fx/txt-absent"
expect_fail "no log element" 7 "holds no event log pointer" log --live --root "$fx/txt-no-log"
expect_fail "empty log" 7 "is empty: no measured launch" predict --live --root "$fx/txt-empty"
expect_fail "nothing recorded" 9 "no Intel TXT" verify --live --root "$PWD"
expect_fail "--live with --event-log" 2 "usage" log --live --event-log x

# /dev/mem refused: a reader without the rights (as an unprivileged user), either
# /dev/mem itself or, replaying, a page it may not read.
if [ "$(id -u)" = 0 ] && command -v runuser > /dev/null; then
	perm=$(mktemp -d /tmp/aem-live.XXXXXX)
	cp -r "$fx/txt-tpm2-tcg" "$perm/m"
	chmod 000 "$perm/m/phys/fed30000.bin"
	chmod -R go+rX "$perm" && chmod 000 "$perm/m/phys/fed30000.bin"
	rc=0
	runuser -u nobody -- "$aem" log --live --root "$perm/m" > out.txt 2> err.txt || rc=$?
	rm -rf "$perm"
	if [ "$rc" = 126 ] || grep -q "Permission denied.*aem" err.txt; then
		echo "note: nobody cannot run $aem here: refusal check not run"
	else
		assert_eq "refused read: exit status" 3 "$rc"
		grep -q "reading physical memory was refused" err.txt ||
			fail "refused read: message: $(cat err.txt)"
		echo "ok: refused read: $(head -c 90 err.txt)"
	fi
fi
