#!/usr/bin/env bash
# TrenchBoot event logs through `aem log`:
#  1. the two real logs TrenchBoot v0.5.3-rc1 left on an AMD launch (tests/unit/data,
#     README.md) replay to the PCR values their authors read from the TPM (published
#     constants below: the independent oracle), and every event has a name (no UNKNOWN);
#     tpm2_eventlog (tpm2-tools) agrees where it does not extend EV_NO_ACTION events;
#  2. --live on a recorded AMD machine (tests/model/fixtures/tb-amd-*, written by
#     make-tb-fixtures) reads the range Xen's console line names and prints what
#     --event-log prints for the log placed there; --save copies the range;
#  3. no Xen console, no line, a malformed or huge range, an unreadable range, and bytes
#     that are no log each get their message and exit status.
. "$AEM_SRC/tests/lib/common.sh"
aem=$AEM_BUILD/aem
fx=$AEM_SRC/tests/model/fixtures
data=$AEM_SRC/tests/unit/data
xen=$data/tb-amd-xen-v0.5.3-rc1.bin
linux=$data/tb-amd-linux-v0.5.3-rc1.bin

# Published by the logs' authors (tpm2_pcrread in those boots): iwanicki92/drtm-tests
# tests/test_eventlog.py @ 5b4ae54b, XEN_PCRS and LINUX_PCRS.
declare -A want=(
	[xen.sha1.17]=0318a2c7cc558c5d9dd6f4d5acf751c2a2dcec01
	[xen.sha1.18]=1d770ad1285cb8f85dcb4dd03e4cdfb4c301a30e
	[xen.sha256.17]=e17d42476df9d13cd73119cbd30d14795bdf8304c6a1f85e7c1eca554e07c055
	[xen.sha256.18]=3e282d7905a8caff55b6537b255e16dc3b3cede1048481ea67d267bea7b3608e
	[linux.sha1.17]=a8c09473c7a5f90a84098e779f276333cdbf661a
	[linux.sha1.18]=153de987125e37f9cd9e7a61791222f65ee7036b
	[linux.sha256.17]=67be67686d82da37b760991194fff2cca163a4bad507b37927ae1742545aafe1
	[linux.sha256.18]=8790e9bccaebfe038e13173cfb2d3b8f41434643669055978ec2e210da724a38
)

for which in xen linux; do
	f=${!which}
	"$aem" log --event-log "$f" --json > $which.json || fail "$which: aem log failed"
	"$aem" log --event-log "$f" > $which.txt || fail "$which: aem log (text) failed"
	for bank in sha1 sha256; do
		for p in 17 18; do
			assert_eq "$which log: replay $bank PCR $p = the published TPM value" \
				"${want[$which.$bank.$p]}" "$(jq -r ".pcrs.$bank[\"$p\"]" $which.json)"
		done
	done
	! grep -q UNKNOWN $which.txt || fail "$which log: an event is UNKNOWN: $(grep UNKNOWN $which.txt)"
	[ "$(jq '[.events[] | select(.name == "UNKNOWN" or .name == "SLAUNCH")] | length' $which.json)" = 0 ] ||
		fail "$which log: an event has no name of its own"
	echo "ok: $which log: $(jq '.events | length' $which.json) events, all named"
done
assert_eq "xen log: event names" \
	"EV_NO_ACTION|SKINIT|DLME entry offset|DLME|SLRT platform info|Xen's command line|MB module string|MB module" \
	"$(jq -r '[.events[].name] | join("|")' xen.json)"

# tpm2-tools as a second reader: it agrees on the Xen log; on the Linux log it extends the
# kernel's two EV_NO_ACTION tags on PCR 17, which the TPM did not (see the published value).
if command -v tpm2_eventlog > /dev/null; then
	tpm_el() { # file bank pcr
		tpm2_eventlog "$1" 2>/dev/null | awk -v b="  $2:" -v p="$3" '
			$0 == b {s = 1; next} /^  [a-z0-9]+:$/ {s = 0}
			s && $1 == p {print tolower(substr($3, 3))}'
	}
	for bank in sha1 sha256; do
		for p in 17 18; do
			assert_eq "xen log: tpm2_eventlog $bank PCR $p agrees" \
				"$(jq -r ".pcrs.$bank[\"$p\"]" xen.json)" "$(tpm_el "$xen" $bank $p)"
		done
		assert_eq "linux log: tpm2_eventlog $bank PCR 18 agrees" \
			"$(jq -r ".pcrs.$bank[\"18\"]" linux.json)" "$(tpm_el "$linux" $bank 18)"
	done
else
	echo "note: tpm2_eventlog missing: second-reader check not run"
fi

# --live on recorded AMD machines
same_output() { # what fixture file
	"$aem" log --live --root "$2" --json > live.json || fail "$1: aem log --live failed"
	"$aem" log --event-log "$3" --json > file.json
	cmp -s live.json file.json || fail "$1: --live differs from --event-log: $(diff live.json file.json | head -5)"
	"$aem" log --live --root "$2" > live.txt && "$aem" log --event-log "$3" > file.txt
	cmp -s live.txt file.txt || fail "$1: text output differs"
	echo "ok: $1: aem log --live == aem log --event-log ($(jq '.events | length' live.json) events)"
}
same_output "AMD, TPM 2.0 (SKL's TCG2 log)" "$fx/tb-amd-xen" "$xen"
same_output "AMD, TPM 1.2 (SKL's TCG 1.2 header + TXT container)" "$fx/tb-amd-tpm12" "$data/tb-amd-tpm12-a1.bin"
assert_eq "live AMD log replays to the published sha256 PCR 17" "${want[xen.sha256.17]}" \
	"$("$aem" log --live --root "$fx/tb-amd-xen" --json | jq -r '.pcrs.sha256["17"]')"
"$aem" log --live --root "$fx/tb-amd-xen" --save saved.bin > /dev/null
cmp saved.bin "$fx/tb-amd-xen/phys/7e9f5000.bin" || fail "--save differs from the range Xen reserved"
"$aem" log --event-log saved.bin --json > saved.json
cmp -s saved.json xen.json || fail "the saved range does not read as the log placed there"
echo "ok: --save copies the reserved range, which reads back as the same log"

expect_fail() { # what status pattern args...
	local what=$1 want=$2 pat=$3 rc=0; shift 3
	"$aem" "$@" > out.txt 2> err.txt || rc=$?
	assert_eq "$what: exit status" "$want" "$rc"
	[ ! -s out.txt ] || fail "$what: wrote to stdout"
	grep -q "$pat" err.txt || fail "$what: message lacks '$pat': $(cat err.txt)"
	echo "ok: $what: $(head -c 100 err.txt)"
}
expect_fail "AMD, no Xen console" 9 "'xl dmesg' gave nothing" log --live --root "$fx/tb-amd-noxen"
expect_fail "AMD, no SLAUNCH line" 7 "has no line 'SLAUNCH: reserving event log" log --live --root "$fx/tb-amd-noline"
expect_fail "AMD, malformed line" 3 "is malformed" log --live --root "$fx/tb-amd-badline"
expect_fail "AMD, 64 MiB range" 3 "more than 4 MiB" log --live --root "$fx/tb-amd-huge"
expect_fail "AMD, range not readable" 3 "cannot read the event log Xen reserved" log --live --root "$fx/tb-amd-nomem"
expect_fail "AMD, range holds no log" 3 "are not an event log aem can read" log --live --root "$fx/tb-amd-garbage"
