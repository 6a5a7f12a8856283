#!/usr/bin/env bash
# The diagnosis of a refused unseal, on swtpm with the emulated TXT launch (whose
# digests come from tboot's own tb_polgen and lcp2_mlehash, not from aem):
#  1. seal --expect PREDICTION writes SEALED.expect.json (the prediction itself); the
#     predicted boot unseals;
#  2. a launch with a changed initramfs / kernel command line / Xen / tboot command line /
#     LUKS header: unseal refuses (nothing on stdout) and names that component;
#  3. a log of another boot is called stale instead of blaming a component; without a log
#     the user is told how to get the diagnosis;
#  4. seal to the current values with --event-log writes a sidecar from the log, and the
#     diagnosis works from it too;
#  5. predict --tboot FILE --tboot-cmdline S == the PCRs after txt-launch --tboot-cmdline S.
. "$AEM_SRC/tests/lib/common.sh"
need_fixtures
for t in jq tpm2_pcrread tpm2_pcrextend tb_polgen lcp2_mlehash; do
	command -v $t >/dev/null || { echo "skip: $t not installed"; exit 77; }
done
F=$AEM_FIXTURES
aem=$AEM_BUILD/aem
xen_cmd="placeholder console=none dom0_mem=max:4096M"
k_cmd="placeholder root=/dev/mapper/dom0-root ro quiet"
d13=$(printf 'luks header' | sha256sum | cut -c1-64)

head -c 8192 /dev/urandom > sinit.bin
{ zcat "$F/initrd.img"; head -c 4096 /dev/urandom; } | gzip -1 > initrd-new.img
{ zcat "$F/xen.gz"; head -c 512 /dev/urandom; } | gzip -1 > xen-new.gz
head -c 20 /dev/urandom > secret

launch() { # log [xen] [kernel cmdline] [initrd] [tboot cmdline] [pcr13 digest]
	tpm-sim reboot --dir "$AEM_SIM_DIR"
	txt-launch --dir "$AEM_SIM_DIR" --family 2.0 --sinit sinit.bin --tboot "$F/tboot.gz" \
		--tboot-cmdline "${5:-}" \
		--module "${2:-$F/xen.gz}" "$xen_cmd" --module "$F/vmlinuz" "${3:-$k_cmd}" \
		--module "${4:-$F/initrd.img}" "" --log "$1" >/dev/null
	tpm2_pcrextend "13:sha256=${6:-$d13}" >/dev/null
}

# unseal must refuse with status 5, print nothing on stdout, and say $2 on stderr
refused() { # sealed expected-line [unseal args...]
	local sealed=$1 want=$2 rc=0; shift 2
	"$aem" unseal --in "$sealed" "$@" > out.bin 2> err.txt || rc=$?
	assert_eq "unseal status ($want)" 5 "$rc"
	[ ! -s out.bin ] || fail "unseal wrote to stdout on failure"
	grep -qF -- "$want" err.txt || fail "unseal did not say '$want': $(cat err.txt)"
	echo "ok: named: $want"
}

sim_start 2.0
"$aem" tpm-setup >/dev/null || fail "aem tpm-setup"

launch A.log
"$aem" predict --event-log A.log --tpm 2.0 --module "$F/xen.gz" --cmdline "$xen_cmd" \
	--module "$F/vmlinuz" --cmdline "$k_cmd" --module "$F/initrd.img" \
	--tboot "$F/tboot.gz" --tboot-cmdline "" --format json > pred.json
"$aem" seal --in secret --out s.aem --expect pred.json 2>/dev/null || fail "seal --expect"
cmp s.aem.expect.json pred.json || fail "the sidecar is not the prediction"
echo "ok: seal --expect wrote s.aem.expect.json"
"$aem" unseal --in s.aem | cmp - secret || fail "the predicted boot does not unseal"
echo "ok: the predicted boot unseals"

launch B1.log "" "" initrd-new.img
refused s.aem "PCR 17: module 2 (initrd.img) differs from the sealed boot" --event-log B1.log
AEM_EVENT_LOG=B1.log refused s.aem "PCR 17: module 2 (initrd.img) differs"
refused s.aem "PCR 17: the event log does not describe this boot" --event-log A.log
refused s.aem "give this boot's event log"

launch B2.log "" "$k_cmd single"
refused s.aem "PCR 17: module 1 (vmlinuz) differs from the sealed boot" --event-log B2.log

launch B3.log xen-new.gz
refused s.aem "PCR 17: module 0 (xen.gz) differs from the sealed boot" --event-log B3.log

launch B4.log "" "" "" "loglvl=all"
refused s.aem "PCR 17: the MLE hash (tboot tboot.gz or its command line) differs" --event-log B4.log
b4=$(for p in 17 18; do pcr_tpm2 sha256 $p; done | tr '\n' ' ')
pb4=$("$aem" predict --event-log A.log --tpm 2.0 --module "$F/xen.gz" --cmdline "$xen_cmd" \
	--module "$F/vmlinuz" --cmdline "$k_cmd" --module "$F/initrd.img" \
	--tboot "$F/tboot.gz" --tboot-cmdline "loglvl=all" --format json | jq -r '.pcrs["17"], .pcrs["18"]' | tr '\n' ' ')
assert_eq "predict --tboot-cmdline == launch with txt-launch --tboot-cmdline" "$b4" "$pb4"

launch B5.log "" "" "" "" "$(printf 'other luks header' | sha256sum | cut -c1-64)"
refused s.aem "PCR 13 differs: not a DRTM measurement" --event-log B5.log
grep -q "PCR 17" err.txt && fail "PCR 17 blamed although only PCR 13 changed: $(cat err.txt)"

# a prediction without --tboot lists no MLE hash: a new tboot command line is SINIT's part
"$aem" predict --event-log A.log --tpm 2.0 --module "$F/xen.gz" --cmdline "$xen_cmd" \
	--module "$F/vmlinuz" --cmdline "$k_cmd" --module "$F/initrd.img" --format json > pred0.json
launch A2.log
"$aem" seal --in secret --out s0.aem --expect pred0.json 2>/dev/null || fail "seal --expect (no MLE)"
launch B6.log "" "" "" "loglvl=all"
refused s0.aem "PCR 17: tboot's measurements are as sealed; SINIT's own differ" --event-log B6.log

# seal to this boot's values with its log: the sidecar comes from the log
launch C.log
"$aem" seal --in secret --out c.aem --event-log C.log || fail "seal --event-log"
jq -e '.events | length > 0' c.aem.expect.json >/dev/null || fail "no events in the log sidecar"
assert_eq "log sidecar PCR 17 is this boot's" "$(pcr_tpm2 sha256 17)" "$(jq -r '.pcrs["17"]' c.aem.expect.json)"
launch D.log "" "" initrd-new.img
refused c.aem "PCR 17: module 2 differs from the sealed boot" --event-log D.log
# sealing again without a document removes the old sidecar (it would describe another boot)
"$aem" seal --in secret --out c.aem || fail "seal"
[ ! -e c.aem.expect.json ] || fail "a stale sidecar was left next to c.aem"
echo "ok: a seal without a document removes the old sidecar"
