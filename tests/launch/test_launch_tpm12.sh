#!/usr/bin/env bash
# The emulated TXT launch on a TPM 1.2 simulator (tcsd + libtspi), both tboot PCR
# mappings: PCRs read through libtspi equal a replay of the TXT Event Container it
# wrote, done here with xxd and openssl; a reboot resets 17-22.
. "$AEM_SRC/tests/lib/common.sh"
need_fixtures
F=$AEM_FIXTURES
sim_start 1.2
ff40=$(printf 'f%.0s' $(seq 40))
zero40=$(printf '0%.0s' $(seq 40))

# Replay a TXT Event Container: prints "PCR value" for 17, 18, 19 (from zero).
replay12() {
	local hex sig size off end pcr dig dsize p
	hex=$(xxd -p "$1" | tr -d '\n')
	sig=$(echo -n "${hex:0:38}" | xxd -r -p)
	[ "$sig" = "TXT Event Container" ] || fail "not a TXT Event Container"
	le() { local h=$1; echo $((16#${h:6:2}${h:4:2}${h:2:2}${h:0:2})); }
	off=$(le "${hex:80:8}"); end=$(le "${hex:88:8}")
	declare -A v=([17]=$zero40 [18]=$zero40 [19]=$zero40)
	while [ "$off" -lt "$end" ]; do
		pcr=$(le "${hex:$((off * 2)):8}")
		dig=${hex:$((off * 2 + 16)):40}
		dsize=$(le "${hex:$((off * 2 + 56)):8}")
		v[$pcr]=$(echo -n "${v[$pcr]}$dig" | xxd -r -p | openssl dgst -sha1 -r | cut -d' ' -f1)
		off=$((off + 32 + dsize))
	done
	for p in 17 18 19; do echo "$p ${v[$p]}"; done
}

head -c 8192 /dev/urandom > sinit.bin
declare -A seen
for map in legacy da; do
	tpm-sim reboot --dir "$AEM_SIM_DIR"
	for p in 17 18 19 20 21 22; do assert_eq "$map: PCR $p after reboot" "$ff40" "$(pcr_tpm12 $p)"; done
	txt-launch --dir "$AEM_SIM_DIR" --pcr-map "$map" --sinit sinit.bin --tboot "$F/tboot.gz" \
		--module "$F/xen.gz" "placeholder console=none dom0_mem=min:1024M" \
		--module "$F/vmlinuz" "placeholder root=/dev/mapper/qubes_dom0-root ro" \
		--module "$F/initrd.img" "" --log "log-$map.bin"
	while read -r p val; do
		assert_eq "$map: PCR $p = replay of the log" "$val" "$(pcr_tpm12 "$p")"
	done < <(replay12 "log-$map.bin")
	assert_ne "$map: PCR 17 measured" "$ff40" "$(pcr_tpm12 17)"
	assert_ne "$map: PCR 19 measured (modules 1, 2)" "$zero40" "$(pcr_tpm12 19)"
	seen[$map]=$(pcr_tpm12 17)
	# tboot's TPM 1.2 default policy entry (sha1) is in the log
	xxd -p "log-$map.bin" | tr -d '\n' | grep -q c3438497fda827be3b321c5309a204f0c9e53943 ||
		fail "$map: default policy entry missing"
done
assert_ne "legacy and da mappings differ in PCR 17" "${seen[legacy]}" "${seen[da]}"
tpm-sim reboot --dir "$AEM_SIM_DIR"
for p in 17 18 19 20 21 22; do assert_eq "PCR $p after final reboot" "$ff40" "$(pcr_tpm12 $p)"; done
