# Helpers of the boot suite: the boot program (build/aem-boot) run on this
# host the lifecycle way, as tests/totp/test_boot_totp.sh does: swtpm, an
# emulated TXT launch, the AEM media on a loop device (`aem install
# --format`), one text secret, `aem reseal`; each "boot" is a power cycle +
# the same launch and aem-boot with the test overrides for the kernel command
# line, sysfs and /dev (a directory whose entries link to the loop device and
# to the LUKS image), its kernel log and its mount point.
#   stick_setup            all of the above; sets loop, uuid, luks_uuid, text, id
#   boot_launch NAME       power cycle + launch (no PCR 13 extend: aem-boot does it)
#   boot NAME [CMDLINE]    boot_launch, then aem-boot with Enter on stdin:
#                          NAME.txt (screen), NAME.kmsg, NAME.err
#   on_stick CMD...        run CMD in the mounted stick (mounted at ./mnt), unmount
#   capped13 DIGEST...     PCR 13 after extends of DIGEST... and the cap, computed
#                          with sha256sum and xxd (not the project's code)
. "$AEM_SRC/tests/lifecycle/lc-common.sh"
command -v losetup >/dev/null && command -v mkfs.ext4 >/dev/null || { echo "SKIP: losetup or mkfs.ext4 missing"; exit 77; }
loop=
# A boot program killed in a test leaves its mount behind.
unmount_all() { local m; for m in mnt mnt-*; do mountpoint -q "$m" 2> /dev/null && umount "$m"; done; true; }
trap 'unmount_all; [ -z "$loop" ] || losetup -d "$loop" 2>/dev/null; _cleanup' EXIT

stick_setup() {
	truncate -s 16M stick.img
	if ! loop=$(losetup -f --show stick.img 2> losetup.err); then
		echo "SKIP: loop devices cannot be used here: $(cat losetup.err)"; loop=; exit 77
	fi
	lc_setup 2.0
	boot_files boot
	local s=t$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
	"$AEM" tpm-setup > /dev/null || fail tpm-setup
	"$AEM" install --suffix "$s" --format "$loop" > install.out || fail "install --format $loop"
	uuid=$(blkid -s UUID -o value "$loop")
	luks_uuid=$(cryptsetup luksUUID luks.img)
	grub_cfg boot
	launch boot
	text="boot text $RANDOM"
	printf '%s' "$text" | "$AEM" secret set > /dev/null || fail "secret set"
	mkdir -p mnt
	mount -t ext4 "$loop" mnt || fail "mount $loop"
	"$AEM" reseal "${LUKS_ARGS[@]}" --event-log launch.log > reseal.out 2> reseal.err ||
		{ umount mnt; cat reseal.err; fail reseal; }
	id=$(ls mnt/aem)
	umount mnt
	# aem-boot skips loop* names (never removable media): the stick as a disk.
	mkdir -p sys/class/block/sdaem dev/disk/by-uuid
	ln -s "$loop" dev/sdaem
	ln -s "$PWD/luks.img" "dev/disk/by-uuid/$luks_uuid"
	echo "aem.uuid=$uuid rd.luks.uuid=$luks_uuid aem.timeout=5" > cmdline
	printf '\n\n' > enter
}

boot_launch() { # name
	tpm-sim reboot --dir "$AEM_SIM_DIR"
	local args=() path rest tcmd
	while read -r path rest; do
		case "$path" in *SINIT*) continue ;; esac
		args+=(--module "boot/${path#/}" "$rest")
	done < <(awk '$1 == "module" {$1 = ""; sub(/^ +/, ""); print}' boot/grub.cfg | sed "s/'//g")
	tcmd=$(awk '$1 == "multiboot" {$1 = ""; $2 = ""; sub(/^ +/, ""); print; exit}' boot/grub.cfg | sed "s/'//g")
	txt-launch --dir "$AEM_SIM_DIR" --family 2.0 --sinit sinit.bin --tboot boot/tboot.gz \
		--tboot-cmdline "$tcmd" "${args[@]}" --log "$1.evlog" > /dev/null || fail "launch"
}

boot() { # name [cmdline file]
	boot_launch "$1"
	"$AEM_BUILD/aem-boot" --cmdline "${2:-cmdline}" --root "$PWD" --kmsg "$1.kmsg" \
		--mount "$PWD/mnt-$1" < enter > "$1.screen" 2> "$1.err" || fail "aem-boot exit status"
	tr -d '\r' < "$1.screen" | sed 's/\x1b\[[0-9;]*[A-Za-z]//g' > "$1.txt"
}

on_stick() {
	mount -t ext4 "$loop" mnt || fail "mount $loop"
	local rc=0
	( cd mnt && "$@" ) || rc=$?
	umount mnt
	return $rc
}

capped13() { # digest...
	local v d
	v=$(printf '%064d' 0)
	for d in "$@" "$(printf 'aem-done' | sha256sum | cut -d' ' -f1)"; do
		v=$(printf '%s%s' "$v" "$d" | xxd -r -p | sha256sum | cut -d' ' -f1)
	done
	echo "$v"
}
