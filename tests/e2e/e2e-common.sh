# Helpers of the e2e suite: a real dracut initramfs with the aem module, booted
# in QEMU (KVM when /dev/kvm is usable, else TCG: tests/e2e/qemu-accel) with a
# swtpm TPM 2.0 behind tests/e2e/ctrlproxy.c, a LUKS2 disk and the AEM media on
# a USB stick. Sourced after tests/lib/common.sh.
#
#   e2e_require                 skip (77) when QEMU cannot run at all
#   e2e_initramfs               cached initramfs path in $E2E_INITRD
#   e2e_luks IMG                small LUKS2 image (passphrase $E2E_PASS)
#   e2e_luks_ext4 IMG           the same with an ext4 file system inside
#   e2e_media IMG UUID DIR      ext4 image labelled aem, content from DIR
#   e2e_provision SECRET UUID DIR LUKS DRTM   lay out DIR as the AEM media the
#                               lifecycle way, sealed on the TPM state in ./tpm
#                               (calls e2e_provision_extra LUKS, when the test
#                               defines it, before the seal)
#   e2e_nvslot                  the media's freshness slot (72 bytes hex, tpm2_nvread)
#   e2e_media_ls IMG            the sealed files on a media image (debugfs)
#   e2e_boot NAME APPEND [QEMU ARGS...]   start swtpm + proxy + QEMU in ./NAME
#   e2e_wait NAME FILE REGEX SECONDS      wait for a line of console.log/aux.log
#   e2e_drtm NAME DATA          emulated launch through the proxy, then "go"
#   e2e_stop NAME               kill QEMU, proxy, swtpm and readers by PID
E2E_DIR=$AEM_SRC/tests/e2e
E2E_PASS=aem-e2e-passphrase
E2E_KVER=$(cat "$AEM_FIXTURES/kver" 2>/dev/null || true)
E2E_KMOD=$AEM_FIXTURES/root/lib/modules/$E2E_KVER
E2E_MODULES="base systemd systemd-initrd dracut-systemd crypt aem aemtest"
E2E_DRIVERS="virtio_blk virtio_pci"
E2E_STICK_SERIAL=${E2E_STICK_SERIAL:-AEM0E2E0001}
# TPM family of the guest (2.0 or 1.2) and its PCR bank.
E2E_FAMILY=${E2E_FAMILY:-2.0}
if [ "$E2E_FAMILY" = 1.2 ]; then E2E_BANK=sha1 E2E_HLEN=20; else E2E_BANK=sha256 E2E_HLEN=32; fi
# QEMU accelerator and why (E2E_ACCEL=kvm|tcg forces one).
read -r E2E_ACCEL E2E_ACCEL_WHY <<< "$("$E2E_DIR/qemu-accel")"
E2E_CPU=()
[ "$E2E_ACCEL" = kvm ] && E2E_CPU=(-cpu host)
_e2e_pids=()    # PID files, for e2e_stop NAME
_e2e_all=()     # the PIDs themselves: cleanup works even if a PID file is gone

e2e_require() {
	command -v qemu-system-x86_64 >/dev/null || { echo "SKIP: qemu-system-x86_64 is not installed"; exit 77; }
	qemu-system-x86_64 -machine pc,accel=tcg -display none -nodefaults -S -no-reboot \
		-monitor none -serial none -daemonize -pidfile "$PWD/qemu-probe.pid" >/dev/null 2>&1 ||
		{ echo "SKIP: qemu-system-x86_64 cannot start a TCG machine here"; exit 77; }
	kill "$(cat "$PWD/qemu-probe.pid")" 2>/dev/null || true
	echo "e2e: QEMU accelerator $E2E_ACCEL $E2E_ACCEL_WHY"
	local c
	for c in swtpm swtpm_ioctl dracut cryptsetup mkfs.ext4 debugfs xxd jq sha256sum flock; do
		command -v "$c" >/dev/null || fail "$c not found: run scripts/install-deps"
	done
	[ -s "$AEM_FIXTURES/vmlinuz" ] && [ -d "$E2E_KMOD" ] ||
		fail "fixture kernel missing under $AEM_FIXTURES: run scripts/install-deps"
	[ -x "$AEM_BUILD/aem-boot" ] && [ -x "$TOOLS/ctrlproxy" ] || fail "build aem-boot and tools first"
}

# Everything the image is made of: a change in any input makes a new image.
_e2e_key() {
	{
		echo "$E2E_KVER $E2E_MODULES $E2E_DRIVERS"
		dracut --version 2>/dev/null
		sha256sum "$AEM_BUILD/aem-boot" "$AEM_BUILD/aem" "$AEM_FIXTURES/vmlinuz" \
			"$AEM_SRC"/initramfs-hooks/dracut/90aem/* "$E2E_DIR"/dracut/99aemtest/* |
			cut -c1-64
		[ -z "${AEM_TCSD_SYSTEM_DATA:-}" ] || sha256sum < "$AEM_TCSD_SYSTEM_DATA"
	} | sha256sum | cut -c1-16
}

# dracut reads its modules from $dracutbasedir: a private copy of the system's
# made of symlinks plus ours, so nothing is installed on the host.
_e2e_dracut_farm() {
	local farm=$1 f
	mkdir -p "$farm/modules.d" "$farm/conf.d"
	for f in /usr/lib/dracut/*; do
		[ "$(basename "$f")" = modules.d ] || ln -s "$f" "$farm/"
	done
	for f in /usr/lib/dracut/modules.d/*; do ln -s "$f" "$farm/modules.d/"; done
	ln -s "$AEM_SRC/initramfs-hooks/dracut/90aem" "$farm/modules.d/90aem"
	ln -s "$E2E_DIR/dracut/99aemtest" "$farm/modules.d/99aemtest"
}

e2e_build_initramfs() { # out
	local farm; farm=$(mktemp -d "$PWD/dracut.XXXXXX")
	_e2e_dracut_farm "$farm"
	# The image is cached and shared by tests that each start their own TPM, so it
	# carries no storage root key name (the module copies $AEM_STATE_DIR/tpm2-srk.name
	# when there is one; each swtpm has another key, and the boot would rightly refuse).
	AEM_STATE_DIR=$farm/no-state \
	dracutbasedir=$farm AEM_BOOT_BIN=$AEM_BUILD/aem-boot AEM_TEST_AEM=$AEM_BUILD/aem \
		dracut -f -q --no-hostonly --no-hostonly-cmdline --conf /dev/null --confdir "$farm/conf.d" \
		--kver "$E2E_KVER" --kmoddir "$E2E_KMOD" -m "$E2E_MODULES" --add-drivers "$E2E_DRIVERS" \
		--no-compress "$1" > "$PWD/dracut.log" 2>&1 || { tail -n 30 "$PWD/dracut.log"; fail "dracut failed"; }
	rm -rf "$farm"
}

e2e_initramfs() {
	local cache=${AEM_E2E_CACHE:-$AEM_FIXTURES/e2e-cache} key
	mkdir -p "$cache" 2>/dev/null && [ -w "$cache" ] || cache=$AEM_TEST_TMP
	key=$(_e2e_key)
	E2E_INITRD=$cache/initrd-$key.img
	(
		flock 9
		if [ ! -s "$E2E_INITRD" ]; then
			local t0=$SECONDS
			e2e_build_initramfs "$E2E_INITRD.tmp" && mv "$E2E_INITRD.tmp" "$E2E_INITRD"
			echo "built initramfs $(basename "$E2E_INITRD") in $((SECONDS - t0)) s"
		fi
		# Several build trees share the cache: drop only images nobody used for
		# two hours (each use touches its image), never one a boot may be reading.
		touch "$E2E_INITRD"
		find "$cache" -name 'initrd-*.img*' -mmin +120 -delete
	) 9> "$cache/lock"
	[ -s "$E2E_INITRD" ] || fail "no initramfs"
}

e2e_luks() { # img
	truncate -s 24M "$1"
	echo -n "$E2E_PASS" | cryptsetup luksFormat -q --type luks2 --pbkdf pbkdf2 \
		--pbkdf-force-iterations 1000 --luks2-keyslots-size 1m --key-file - "$1" ||
		fail "luksFormat $1"
}

# LUKS2 holding an ext4 file system, encrypted offline (no device mapper on
# the host): systemd treats a dm-crypt device with no file system on it as
# not ready, so a root that should mount needs one.
e2e_luks_ext4() { # img
	truncate -s 24M "$1"
	mkfs.ext4 -q -L cryptroot "$1" 20M 2>/dev/null || fail "mkfs.ext4 $1"
	echo -n "$E2E_PASS" | cryptsetup reencrypt --encrypt --type luks2 --reduce-device-size 4M \
		--pbkdf pbkdf2 --pbkdf-force-iterations 1000 --luks2-keyslots-size 1m --key-file - -q "$1" ||
		fail "cryptsetup reencrypt --encrypt $1"
}

e2e_media() { # img uuid dir [label]
	rm -f "$1"
	mkfs.ext4 -q -L "${4:-aem}" -U "$2" -d "$3" "$1" 8M || fail "mkfs.ext4 $1"
}

# The host-side oracle of PCR 13 after the hook: E(0, H(luksHeaderBackup)),
# H = sha256 (TPM 2.0) or sha1 (TPM 1.2).
luks_pcr13() { # img
	rm -f hdr.bak
	cryptsetup luksHeaderBackup "$1" --header-backup-file hdr.bak || fail "luksHeaderBackup"
	{ head -c "$E2E_HLEN" /dev/zero; ${E2E_BANK}sum hdr.bak | cut -d' ' -f1 | xxd -r -p; } |
		${E2E_BANK}sum | cut -d' ' -f1
}

# PCR 17 after _TPM_Hash_Start/Data/End of DATA: E(0, H(DATA)).
drtm_pcr17() { # data
	{ head -c "$E2E_HLEN" /dev/zero; printf '%s' "$1" | ${E2E_BANK}sum | cut -d' ' -f1 | xxd -r -p; } |
		${E2E_BANK}sum | cut -d' ' -f1
}

# The media, provisioned as a user does (docs/lifecycle.md), on the host, on
# the TPM state in ./tpm/state while no guest is attached to it:
#   aem tpm-setup, aem install --uuid UUID DIR, aem secret set --file SECRET;
#   the platform state of the coming guest boot: the launch the harness will
#   inject (locality 4, _TPM_Hash_Start/Data/End of DRTM: PCR 17 := E(0,
#   H(DRTM)), PCRs 18-22 := 0), then aem reseal --luks-header LUKS, which
#   reads 17 from the TPM and computes PCR 13 from the header (seal set
#   13,17 in aem.conf);
#   then the sealed values (sidecar) checked against the host oracles.
# TPM 1.2: tpm-sim creates the EK and takes ownership on first start.
e2e_provision() { # secret-file media-uuid media-dir luks-img drtm-data
	local side
	export AEM_STATE_DIR=$PWD/state AEM_CONF=$PWD/aem.conf
	# The injected launch has no tboot events: PCR 18 stays 0, which the
	# lifecycle rightly refuses as "no measured launch". Seal to 13 and 17.
	printf 'pcrs_tpm2 = 13,17\npcrs_tpm12 = 13,17\n' > aem.conf
	sim_start "$E2E_FAMILY" "$PWD/tpm"
	"$AEM_BUILD/aem" tpm-setup > tpm/setup.out || fail "aem tpm-setup"
	E2E_TPM_ID=$(sed -n 's/.* the aem identity of this TPM: \([0-9a-f]*\)$/\1/p' tpm/setup.out)
	[ ${#E2E_TPM_ID} = 40 ] || { cat tpm/setup.out; fail "no identity from aem tpm-setup"; }
	mkdir -p "$3"
	"$AEM_BUILD/aem" install --uuid "$2" "$3" > install.out || fail "aem install"
	"$AEM_BUILD/aem" secret set --file "$1" > /dev/null || fail "aem secret set"
	# A test's own further secrets (a totp item, the luks-key box: its keyslot
	# changes the LUKS header, so before the seal), when it defines this.
	if declare -F e2e_provision_extra > /dev/null; then e2e_provision_extra "$4"; fi
	swtpm_ioctl --tcp "$AEM_SIM_CTRL" -l 4 > /dev/null || fail "set locality 4"
	swtpm_ioctl --tcp "$AEM_SIM_CTRL" -h "$5" > /dev/null || fail "hash start/data/end"
	swtpm_ioctl --tcp "$AEM_SIM_CTRL" -l 0 > /dev/null || fail "set locality 0"
	"$AEM_BUILD/aem" reseal --luks-header "$4" > reseal.out || { cat reseal.out; fail "aem reseal"; }
	side=$3/aem/$E2E_TPM_ID/secret.next.sealed.expect.json
	[ "$(jq -r '.pcrs["13"]' "$side")" = "$(luks_pcr13 "$4")" ] ||
		fail "PCR 13 sealed to is not E(0, H(luksHeaderBackup)) of $4"
	[ "$(jq -r '.pcrs["17"]' "$side")" = "$(drtm_pcr17 "$5")" ] ||
		fail "PCR 17 sealed to is not E(0, H(drtm data))"
	assert_eq "PCRs sealed to (aem.conf)" "13 17" "$(jq -r '.pcrs | keys | join(" ")' "$side")"
	E2E_SLOT=$(sed -n 's/^slot=//p' state/media/@.conf)
	[ -n "$E2E_SLOT" ] || fail "no freshness slot in state/media/@.conf"
	tpm-sim stop --dir "$PWD/tpm"
	# TPM 1.2: the guest's tcsd needs this TPM's SRK entry (goes into the image).
	if [ "$E2E_FAMILY" = 1.2 ]; then export AEM_TCSD_SYSTEM_DATA=$PWD/tpm/tcsd/system.data; fi
}

# The freshness slot of the media (TPM 2.0: index 0x0100ae10 + slot), read on
# the state by tpm2-tools. (On TPM 1.2 tpm-sim takes ownership at every start,
# which an owned state refuses; tests/lifecycle/test_story_tpm12 reads the
# TPM 1.2 slot with tpm_nvread.)
e2e_nvslot() {
	sim_start 2.0 "$PWD/tpm"
	tpm2_nvread -C o "$(printf '0x%08x' $((0x0100ae10 + E2E_SLOT)))" -s 72 | xxd -p | tr -d '\n'
	tpm-sim stop --dir "$PWD/tpm"
}

# The sealed files of this TPM on a media image, one name per line.
e2e_media_ls() { # img
	debugfs -R "ls -l aem/$E2E_TPM_ID" "$1" 2>/dev/null | awk '$NF ~ /sealed$/ {print $NF}' | sort
}

_e2e_bg() { # pidfile command... : start in the background, remember the PID
	local pf=$1; shift
	"$@" &
	echo $! > "$pf"
	_e2e_pids+=("$pf")
	_e2e_all+=($!)
}

e2e_boot() { # name append [qemu args...]
	local n=$1 append=$2 d=$PWD/$1 i; shift 2
	mkdir -p "$d"
	local tpm2=--tpm2
	[ "$E2E_FAMILY" = 1.2 ] && tpm2=
	_e2e_bg "$d/swtpm.pid" swtpm socket $tpm2 --tpmstate dir="$PWD/tpm/state" \
		--ctrl type=unixio,path="$d/swtpm.ctrl" --log file="$d/swtpm.log",level=1
	_e2e_bg "$d/proxy.pid" "$TOOLS/ctrlproxy" --swtpm "$d/swtpm.ctrl" --listen "$d/qemu.ctrl" \
		--inject "$d/inject.ctrl" 2> "$d/proxy.log"
	for i in $(seq 1 100); do [ -S "$d/qemu.ctrl" ] && break; sleep 0.1; done
	[ -S "$d/qemu.ctrl" ] || { cat "$d/proxy.log"; fail "ctrlproxy did not start"; }
	mkfifo "$d/con.in" "$d/con.out" "$d/aux.in" "$d/aux.out"
	_e2e_bg "$d/qemu.pid" qemu-system-x86_64 -machine pc,accel="$E2E_ACCEL" "${E2E_CPU[@]}" -m 1024 -smp 1 \
		-display none -nodefaults -no-reboot -monitor none \
		-kernel "$AEM_FIXTURES/vmlinuz" -initrd "$E2E_INITRD" \
		-append "console=ttyS0 panic=-1 rng_core.default_quality=0 $append" \
		-chardev socket,id=chrtpm,path="$d/qemu.ctrl" -tpmdev emulator,id=tpm0,chardev=chrtpm \
		-device tpm-tis,tpmdev=tpm0 \
		-chardev pipe,id=con,path="$d/con" -serial chardev:con \
		-chardev pipe,id=aux,path="$d/aux" -serial chardev:aux "$@"
	(exec cat "$d/con.out" > "$d/console.log") &
	echo $! > "$d/con.pid"
	_e2e_all+=($!)
	(exec cat "$d/aux.out" > "$d/aux.log") &
	echo $! > "$d/aux.pid"
	_e2e_all+=($!)
	_e2e_pids+=("$d/con.pid" "$d/aux.pid")
}

# Type into the guest's console (ttyS0) or the aux port.
e2e_send() { # name con|aux text
	printf '%s' "$3" > "$PWD/$1/$2.in"
}

e2e_wait() { # name file regex seconds
	local d=$PWD/$1 i
	for i in $(seq 1 $(($4 * 4))); do
		grep -aqE "$3" "$d/$2" 2>/dev/null && return 0
		kill -0 "$(cat "$d/qemu.pid")" 2>/dev/null || break
		sleep 0.25
	done
	grep -aqE "$3" "$d/$2" 2>/dev/null && return 0
	echo "--- $2 of $1 (last 40 lines):"; tail -n 40 "$d/$2" 2>/dev/null | tr -d '\r'
	return 1
}

# The platform's part of a TXT launch while the guest waits: locality 4,
# _TPM_Hash_Start/Data/End, back to the locality QEMU last set (0).
e2e_drtm() { # name data
	local d=$PWD/$1
	e2e_wait "$1" aux.log "AEMTEST ready" 180 || fail "guest never asked for the launch"
	swtpm_ioctl --unix "$d/inject.ctrl" -l 4 >/dev/null || fail "set locality 4"
	swtpm_ioctl --unix "$d/inject.ctrl" -h "$2" >/dev/null || fail "hash start/data/end"
	swtpm_ioctl --unix "$d/inject.ctrl" -l 0 >/dev/null || fail "set locality 0"
	e2e_send "$1" aux $'go\n'
}

_e2e_kill() { # pidfile
	local pid
	pid=$(cat "$1" 2>/dev/null) || return 0
	_e2e_kill_pid "$pid"
}

_e2e_kill_pid() { # pid
	local pid=$1
	kill "$pid" 2>/dev/null || return 0
	for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.05; done
	kill -9 "$pid" 2>/dev/null || true
}

e2e_stop() { # name
	local f
	for f in qemu proxy swtpm con aux; do _e2e_kill "$PWD/$1/$f.pid"; done
	wait 2>/dev/null || true
}

_e2e_cleanup() {
	local p
	for p in "${_e2e_all[@]}"; do _e2e_kill_pid "$p"; done
	_cleanup
}
trap _e2e_cleanup EXIT
