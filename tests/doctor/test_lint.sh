#!/usr/bin/env bash
# aem doctor --coreboot-config: every shipped defconfig meets its board's
# required baseline (exit 0); each deliberately broken copy fails (exit 1)
# naming the symbol it breaks; every CONFIG_ symbol used appears in the record
# of symbols checked against coreboot's Kconfig (coreboot-configs/check-symbols).
set -uo pipefail
aem="$AEM_BUILD/aem" cc="$AEM_SRC/coreboot-configs" bl="$AEM_SRC/coreboot-configs/baseline.conf" fail=0

n=0
for d in "$cc"/*/; do
	b=$(basename "$d")
	out=$("$aem" doctor --coreboot-config "$d/defconfig" --baseline "$bl" 2>&1); rc=$?
	if [ $rc -ne 0 ] || ! grep -q "^board $b " <<<"$out"; then echo "FAIL $b (exit $rc)"; printf '%s\n' "$out"; fail=1
	else echo "ok $b: all required rules met"; fi
	n=$((n + 1))
done
[ $n -ge 9 ] || { echo "FAIL: only $n shipped configs"; fail=1; }

broken() { # name base-board sed-script expected-symbol [--board NAME]
	local name=$1 base=$2 script=$3 sym=$4; shift 4
	sed -e "$script" "$cc/$base/defconfig" > "$name.conf"
	if cmp -s "$name.conf" "$cc/$base/defconfig"; then echo "FAIL $name: sed changed nothing"; fail=1; return; fi
	out=$("$aem" doctor --coreboot-config "$name.conf" --baseline "$bl" "$@" 2>&1); rc=$?
	if [ $rc -ne 1 ]; then echo "FAIL $name: exit $rc, want 1"; printf '%s\n' "$out"; fail=1; return; fi
	if ! grep -E "^(missing|wrong) +required" <<<"$out" | grep -q "$sym[=!|]"; then
		echo "FAIL $name: no failed required line names $sym"; printf '%s\n' "$out"; fail=1; return
	fi
	echo "ok $name: fails on $sym"
}
broken no-measured-boot nitrokey-nitropad-x230 '/^CONFIG_TPM_MEASURED_BOOT=y/d' CONFIG_TPM_MEASURED_BOOT
broken coreboot-log-format nitrokey-nitropad-t430 's/^CONFIG_TPM_LOG_TPM1=y/CONFIG_TPM_LOG_CB=y/' CONFIG_TPM_LOG_TPM1
broken tpm-deactivated insurgo-privacybeast-x230 's/^# CONFIG_TPM_DEACTIVATE is not set/CONFIG_TPM_DEACTIVATE=y/' CONFIG_TPM_DEACTIVATE
broken no-tpm2 nitrokey-nitropc-pro '/^CONFIG_TPM2=y/d' CONFIG_TPM2
broken txt-off dell-optiplex-9010 's/^CONFIG_INTEL_TXT=y/# CONFIG_INTEL_TXT is not set/' CONFIG_INTEL_TXT
broken txt-with-vboot dell-optiplex-9010 's/^# CONFIG_VBOOT is not set/CONFIG_VBOOT=y/' CONFIG_VBOOT
broken no-sinit-file dell-optiplex-9010 '/^CONFIG_INTEL_TXT_SINITACM_FILE=/d' CONFIG_INTEL_TXT_SINITACM_FILE
broken empty-bios-acm dell-optiplex-9010 's/^CONFIG_INTEL_TXT_BIOSACM_FILE=.*/CONFIG_INTEL_TXT_BIOSACM_FILE=""/' CONFIG_INTEL_TXT_BIOSACM_FILE
broken no-flash-lock novacustom-nv41 's/^CONFIG_BOOTMEDIA_LOCK_CONTROLLER=y/CONFIG_BOOTMEDIA_LOCK_NONE=y/' CONFIG_BOOTMEDIA_LOCK_CONTROLLER
broken no-lock-mode nitrokey-nitropad-x230 '/^CONFIG_BOOTMEDIA_LOCK_WHOLE_RO=y/d' CONFIG_BOOTMEDIA_LOCK_WHOLE_RO
broken no-smm-bwp nitrokey-nitropc-pro2 '/^CONFIG_BOOTMEDIA_SMM_BWP=y/d' CONFIG_BOOTMEDIA_SMM_BWP
broken no-dma novacustom-v56 's/^CONFIG_ENABLE_EARLY_DMA_PROTECTION=y/# CONFIG_ENABLE_EARLY_DMA_PROTECTION is not set/' CONFIG_ENABLE_EARLY_DMA_PROTECTION
broken wrong-board nitrokey-nitropad-x230 '/^# aem-board:/d' CONFIG_BOARD_LENOVO_T430 --board nitrokey-nitropad-t430

# A Kconfig line that is not one is malformed input (exit 3); an unknown board is usage (exit 2).
printf 'CONFIG_TPM=y\nthis is not kconfig\n' > junk.conf
"$aem" doctor --coreboot-config junk.conf --baseline "$bl" >/dev/null 2>&1; rc=$?
[ $rc -eq 3 ] && echo "ok junk: exit 3" || { echo "FAIL junk: exit $rc"; fail=1; }
"$aem" doctor --coreboot-config "$cc/novacustom-v56/defconfig" --baseline "$bl" --board no-such >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] && echo "ok unknown board: exit 2" || { echo "FAIL unknown board: exit $rc"; fail=1; }

# Every symbol used must be in the record check-symbols wrote from coreboot's trees.
rec="$cc/kconfig-symbols.txt"
for f in "$bl" "$cc"/*/defconfig; do
	key=${f#$cc/}
	for s in $(grep -vE '^[[:space:]]*#|^board ' "$f" | grep -oE 'CONFIG_[A-Z0-9_]+' | sort -u); do
		grep -q "^$key $s " "$rec" || { echo "FAIL: $key uses $s, not checked against coreboot"; fail=1; }
	done
done
echo "symbols: $(grep -vc '^#' "$rec") uses recorded as defined in coreboot"
exit $fail
