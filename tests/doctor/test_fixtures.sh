#!/usr/bin/env bash
# aem doctor over recorded machines (tests/doctor/fixtures, written by
# make-fixtures from the specifications): each gets the right AEM mode, the
# right first fix and exit status, and the TXT registers decoded into words.
set -uo pipefail
aem="$AEM_BUILD/aem" fx="$AEM_SRC/tests/doctor/fixtures" fail=0

check() { # fixture mode first-fix-id exit-status
	local out rc first
	out=$("$aem" doctor --root "$fx/$1" 2>&1); rc=$?
	first=$(printf '%s\n' "$out" | sed -n 's/^  1\. \[\([a-z0-9-]*\)\].*/\1/p')
	if ! printf '%s\n' "$out" | grep -q "^Verdict:    AEM mode $2[:, ]"; then
		echo "FAIL $1: mode is not $2"; printf '%s\n' "$out"; fail=1
	fi
	if [ "${first:-none}" != "$3" ]; then echo "FAIL $1: first fix '${first:-none}', want '$3'"; printf '%s\n' "$out"; fail=1; fi
	if [ $rc -ne "$4" ]; then echo "FAIL $1: exit $rc, want $4"; fail=1; fi
	echo "ok $1: mode $2, first fix ${first:-none}, exit $rc"
}

check healthy-tpm2 tpm2.0-da none 0
check tpm12-x230 tpm1.2-legacy none 0
check txt-disabled none txt-disabled 9
check wrong-sinit tpm2.0-da sinit-mismatch 1
check txt-error tpm2.0-da txt-launch-error 1
check amd tpm2.0-da no-slaunch-grub 1
check amd-trenchboot tpm2.0-da none 0
check trenchboot-intel tpm2.0-da none 0

expect() { # fixture fixed-string
	local out
	out=$("$aem" doctor --root "$fx/$1" 2>&1)
	if grep -qF -- "$2" <<<"$out"; then echo "ok $1: says '$2'"
	else echo "FAIL $1: does not say '$2'"; fail=1; fi
}
# 0xC0020441 = valid|external, SINIT (1), class 0x04, major 0x01, minor 0x002 (make-fixtures).
expect txt-error "last launch failed: SINIT ACM error class 0x04 major 0x01 minor 0x002"
expect healthy-tpm2 "TXT.DIDVID: vendor 0x8086 device 0xb001 revision 0x0001"
expect healthy-tpm2 "senter-done mem-config-lock locality2-open"
expect healthy-tpm2 "matches this chipset"
expect wrong-sinit "does NOT match this chipset"
# The X230 ACM's entry for 0x0154 carries revision mask 0x0f (flags bit 0): revision 0x09 matches.
expect tpm12-x230 "SNB_IVB_SINIT_20190708_PW.bin: SINIT, date 2019-07-08, 2 chipset id(s), matches"
expect tpm12-x230 "TPM:        1.2, 0x49465800"
expect tpm12-x230 "legacy BIOS"
expect healthy-tpm2 "Boot:       UEFI"
expect amd "svm yes, skinit yes"
expect amd "ACPI IVRS sane"
# The verdict names the launch the machine can do.
expect amd "launch TrenchBoot AMD (GRUB slaunch, SKINIT with SKL): possible after the fixes below"
expect amd "[no-skl] No SKL.BIN in /boot"
expect amd-trenchboot "launch TrenchBoot AMD (GRUB slaunch, SKINIT with SKL): ready"
expect amd-trenchboot "TrenchBoot: GRUB slaunch yes (/boot/grub/i386-pc/slaunch.mod), SKL /boot/skl.bin, 1 GRUB entry with slaunch"
expect amd-trenchboot "IOMMU:      ACPI IVRS sane"
expect trenchboot-intel "launch TrenchBoot Intel (GRUB slaunch, Intel TXT SINIT): ready"
expect trenchboot-intel "matches this chipset"
expect healthy-tpm2 "launch tboot (Intel TXT): ready"

# JSON carries the same verdict (parsed by jq when present).
if command -v jq >/dev/null; then
	m=$("$aem" doctor --json --root "$fx/wrong-sinit"; true)
	m=$(jq -r '.verdict.mode + " " + .verdict.fixes[0].id + " " + (.tpm.last_boot_measured|tostring)' <<<"$m")
	[ "$m" = "tpm2.0-da sinit-mismatch false" ] && echo "ok json: $m" || { echo "FAIL json: '$m'"; fail=1; }
	m=$("$aem" doctor --json --root "$fx/amd-trenchboot"; true)
	m=$(jq -r '.verdict.launch + " " + (.verdict.ready|tostring) + " " + (.trenchboot.skl|tostring) + " " + (.trenchboot.entries|tostring)' <<<"$m")
	[ "$m" = "trenchboot-amd true true 1" ] && echo "ok json: $m" || { echo "FAIL json amd: '$m'"; fail=1; }
else
	echo "note: jq not installed, JSON shape not checked"
fi
exit $fail
