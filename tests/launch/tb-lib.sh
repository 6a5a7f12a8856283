# Shared by the TrenchBoot launch and prediction tests (source after common.sh):
#   tb_files DIR N [KCMD]   stand-in Xen (ELF gz and xen.efi) build N, a kernel and a
#                           small initramfs of build N, and for UEFI an ESP directory
#                           DIR/esp-N with xen.cfg, the kernel and the initramfs.
#   tb_launch VARIANT N LOG [extra tb-launch options]   launch build N (after a reboot)
#   tb_replay12 LOG         PCR 17 and 18 of a TPM 1.2 log (TXT container, or SKL's
#                           TCG 1.2 header wrapping one), replayed with hashlib
TB_KVER=6.1.0-aem
tb_files() { # dir n [kernel cmdline]
	local d=$1 n=$2 kcmd=${3:-placeholder root=/dev/mapper/qubes_dom0-root ro aem.uuid=build-$2}
	mkdir -p "$d/esp-$n"
	[ -f "$d/skl.bin" ] || tb-gen skl --out "$d/skl.bin"
	[ -f "$d/sinit.bin" ] || head -c 8192 /dev/urandom > "$d/sinit.bin"
	tb-gen xen-elf --from "$AEM_FIXTURES/xen.gz" --tag "Xen 4.19 build $n" --out "$d/xen-$n.gz"
	tb-gen xen-efi --from "$AEM_FIXTURES/xen.gz" --tag "Xen 4.19 build $n" --out "$d/esp-$n/xen.efi"
	# a changed kernel: the Debian kernel with n bytes appended
	{ cat "$AEM_FIXTURES/vmlinuz"; head -c "$n" /dev/zero; } > "$d/vmlinuz-$n"
	printf 'initramfs of build %s\n' "$n" | gzip -n > "$d/initrd-$n.img"
	cp "$d/vmlinuz-$n" "$d/esp-$n/vmlinuz-$TB_KVER"
	cp "$d/initrd-$n.img" "$d/esp-$n/initramfs-$TB_KVER.img"
	cat > "$d/esp-$n/xen.cfg" <<-CFG
	[global]
	default=vmlinuz-$TB_KVER

	[vmlinuz-$TB_KVER]
	    options=placeholder console=none dom0_mem=max:${n}024M no-real-mode edd=off
	    kernel=vmlinuz-$TB_KVER $kcmd
	    ramdisk=initramfs-$TB_KVER.img
	CFG
	echo "$kcmd" > "$d/kcmd-$n"
}

tb_launch() { # variant n log [options...]
	local v=$1 n=$2 log=$3 d=$TB_DIR dce
	shift 3
	case "$v" in amd-*) dce=$d/skl.bin ;; *) dce=$d/sinit.bin ;; esac
	tpm-sim reboot --dir "$AEM_SIM_DIR"
	case "$v" in
	*-efi) tb-launch --dir "$AEM_SIM_DIR" --variant "$v" --dce "$dce" --xen "$d/esp-$n/xen.efi" \
		--xen-cfg "$d/esp-$n/xen.cfg" --log "$log" "$@" ;;
	*) tb-launch --dir "$AEM_SIM_DIR" --variant "$v" --dce "$dce" --xen "$d/xen-$n.gz" \
		--xen-cmdline "placeholder console=none no-real-mode edd=off" \
		--module "$d/vmlinuz-$n" "$(cat "$d/kcmd-$n")" --module "$d/initrd-$n.img" "" \
		--log "$log" "$@" ;;
	esac
}

tb_replay12() { # log
	python3 - "$1" <<-'PY'
	import hashlib, struct, sys
	b = open(sys.argv[1], "rb").read()
	if b[:19] == b"TXT Event Container":
	    base = 0
	else:   # SKL: TCG 1.2 event (32 bytes) + Spec ID Event00 (24) + vendorInfoSize (1)
	    assert b[32:47] == b"Spec ID Event00", "not a TPM 1.2 TrenchBoot log"
	    base = 32 + 25
	    assert b[base:base + 19] == b"TXT Event Container"
	off, end = struct.unpack_from("<II", b, base + 40)
	pcr = {17: bytes(20), 18: bytes(20)}
	off += base; end += base
	while off < end:
	    p, t = struct.unpack_from("<II", b, off)
	    d = b[off + 8:off + 28]
	    size, = struct.unpack_from("<I", b, off + 28)
	    if p in pcr and t != 3:
	        pcr[p] = hashlib.sha1(pcr[p] + d).digest()
	    off += 32 + size
	for p in (17, 18):
	    print(p, pcr[p].hex())
	PY
}

# PCR p of bank b replayed by tpm2_eventlog from a TCG2 log.
tb_replay2() { # log bank pcr
	tpm2_eventlog "$1" | awk -v b="$2:" -v p="$3" '
		/^pcrs:/ {inp=1; next} inp && $1 == b {inb=1; next}
		inp && inb && $1 == p {print substr($3, 3); exit}
		inp && inb && $1 ~ /^sha/ {inb=0}'
}
