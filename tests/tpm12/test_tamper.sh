#!/usr/bin/env bash
# TPM 1.2: every measured input changed, one at a time (SINIT, tboot, Xen,
# Xen's command line, the kernel, its command line, the initramfs): unseal
# refuses with exit 5, writes nothing to stdout, and names exactly the PCRs
# that differ, with the sealed and the live value. Which PCRs must differ
# comes from tboot's mapping (docs/tpm12.md: legacy 17<-SINIT/policy,
# 18<-MLE/Xen, 19<-kernel/initramfs; D/A 17<-SINIT/MLE/Xen, 19<-kernel,
# initramfs); the values come from libtspi. Back in the sealed state the
# secret opens again.
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/tpm12/tpm12-common.sh"
sim12
head -c 8192 /dev/urandom > sinit2.bin
gzip -dc "$F/tboot.gz" > tboot.elf
# One byte of tboot's code, 256 bytes after its entry point (ELF file offset
# 0x5000 in Debian's tboot 1.10.5): inside the MLE that SINIT hashes.
off=$((0x5100))
printf '%02x' $(((0x$(xxd -s "$off" -l 1 -p tboot.elf) + 1) & 255)) | xxd -r -p |
	dd of=tboot.elf bs=1 seek="$off" conv=notrunc status=none
gzip -c tboot.elf > tboot2.gz
[ "$(lcp2_mlehash --create --alg sha1 tboot2.gz | tail -n 1)" != \
  "$(lcp2_mlehash --create --alg sha1 "$F/tboot.gz" | tail -n 1)" ] ||
	fail "the changed tboot has the same MLE hash (lcp2_mlehash): change another byte"
{ gzip -dc "$F/xen.gz"; printf x; } | gzip -1 > xen2.gz
{ cat "$F/vmlinuz"; printf x; } > vmlinuz2
# The initramfs is gzip: a byte after its stream would be ignored by the
# decompressor (GRUB's and tb_polgen's alike); a second gzip member is not.
{ cat "$F/initrd.img"; printf x | gzip -c; } > initrd2.img
head -c 300 /dev/urandom > secret

check() { # name "expected pcrs" [VAR=value...]: launch with the change, expect refusal
	local name=$1 want=$2 p diff=""; shift 2
	( export "$@"; launch12 )
	for p in 13 17 18 19; do
		[ "$(pcr_hex "$p")" = "${sealed[$p]}" ] || diff+="$p "
	done
	assert_eq "$MAP/$name: PCRs that differ (libtspi)" "$want" "${diff% }"
	expect_refusal 5 --in s.$MAP.aem
	for p in 13 17 18 19; do
		if [[ " $want " == *" $p "* ]]; then
			grep -q "PCR $p differs: sealed ${sealed[$p]}, now $(pcr_hex "$p")" unseal.err ||
				{ cat unseal.err; fail "$MAP/$name: PCR $p not named with both values"; }
		else
			! grep -q "PCR $p differs" unseal.err || fail "$MAP/$name: PCR $p named but unchanged"
		fi
	done
	echo "ok: $MAP/$name refused, PCRs $want named"
}

declare -A sealed
for MAP in legacy da; do
	launch12
	"$AEM" seal --in secret --out s.$MAP.aem || fail "seal ($MAP)"
	for p in 13 17 18 19; do sealed[$p]=$(pcr_hex "$p"); done
	if [ "$MAP" = legacy ]; then
		check sinit "17" SINIT="$PWD/sinit2.bin"
		check tboot "18" TBOOT="$PWD/tboot2.gz"
		check xen "18" XEN="$PWD/xen2.gz"
		check xen-cmdline "18" XCMD="placeholder console=vga dom0_mem=max:4096M"
		check kernel "19" KERNEL="$PWD/vmlinuz2"
		check kernel-cmdline "19" KCMD="placeholder root=/dev/mapper/dom0-root ro single"
		check initramfs "19" INITRD="$PWD/initrd2.img"
		check luks-header "13" LUKS13="$(printf 'other header' | openssl dgst -sha1 -r | cut -c1-40)"
	else
		check tboot "17" TBOOT="$PWD/tboot2.gz"
		check xen-cmdline "17" XCMD="placeholder console=vga dom0_mem=max:4096M"
		check initramfs "19" INITRD="$PWD/initrd2.img"
	fi
	launch12
	"$AEM" unseal --in s.$MAP.aem | cmp - secret || fail "$MAP: unseal in the sealed state"
	echo "ok: $MAP: the sealed state opens again (nothing was consumed)"
done
