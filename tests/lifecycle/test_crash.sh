#!/usr/bin/env bash
# Nothing lost on a crash: SIGKILL (strace's fault injection) at every commit point of
# reseal, update and the boot-time freshness rotation -- each fsync, rename and unlink,
# first, second, ... occurrence -- then the next boot that matches a sealed state must
# still unseal the secret. The oracle is the plain outcome: the secret comes back.
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/lifecycle/lc-common.sh"
command -v strace >/dev/null || { echo "skip: strace not installed"; exit 77; }
lc_setup 2.0
boot_files boot
"$AEM" tpm-setup >/dev/null || fail "tpm-setup"
"$AEM" install --uuid 11111111-2222-3333-4444-555555555555 media >/dev/null || fail install
"$AEM" secret set --text "crash-proof" >/dev/null
grub_cfg boot
launch boot
"$AEM" reseal "${LUKS_ARGS[@]}" --event-log launch.log >/dev/null || fail reseal
launch boot
"$AEM" boot-unseal --media media >/dev/null 2>&1 || fail "first boot"

# Run "$@" killed at the n-th call of syscall sc; 0 when it was killed, 1 when it ended first.
killed_at() { # sc n cmd...
	local sc=$1 n=$2 rc=0; shift 2
	strace -f -qq -o /dev/null -e trace="$sc" -e inject="$sc:signal=KILL:when=$n" "$@" \
		>/dev/null 2>&1 || rc=$?
	[ $rc -eq 137 ] || [ $rc -eq 128 ] || [ $rc -ge 128 ]
}

# After a crash: boot (same launch) and check the secret; also proves the media is usable.
check_boot() { # what
	local out
	out=$("$AEM" boot-unseal --media media 2>boot.err) || { cat boot.err; fail "$1: no unseal after the crash"; }
	[ "$out" = "crash-proof" ] || fail "$1: wrong secret"
}

total=0
for op in reseal boot; do
	for sc in fsync rename unlink; do
		for n in 1 2 3 4 5 6 7 8 9 10; do
			case $op in
			reseal) cmd=("$AEM" reseal "${LUKS_ARGS[@]}" --event-log launch.log) ;;
			boot) cmd=("$AEM" boot-unseal --media media) ;;
			esac
			killed_at "$sc" "$n" "${cmd[@]}" || break
			total=$((total + 1))
			check_boot "$op killed at $sc #$n"
			echo "ok: $op killed at $sc #$n: the next boot unseals"
		done
	done
done

# update: killed at each step while GRUB would boot a new initramfs. Whatever the crash
# left, the old boot still unseals, and a retried update makes the new boot unseal
# without trust-on-first-boot.
{ gzip -dc "$F/initrd.img"; printf 'update'; } | gzip -1 > new-initrd
cp boot/initrd.img-6.1.0-aem old-initrd
for sc in fsync rename; do
	for n in 1 2 3 4 5 6; do
		cp new-initrd boot/initrd.img-6.1.0-aem
		killed_at "$sc" "$n" "$AEM" update "${LUKS_ARGS[@]}" --grub-cfg boot/grub.cfg --boot-dir boot --event-log launch.log || break
		total=$((total + 1))
		check_boot "update killed at $sc #$n (old boot, PCRs unchanged)"
		"$AEM" update "${LUKS_ARGS[@]}" --grub-cfg boot/grub.cfg --boot-dir boot --event-log launch.log >/dev/null || fail "retried update"
		launch boot
		check_boot "update killed at $sc #$n then retried (new boot)"
		cp old-initrd boot/initrd.img-6.1.0-aem
		"$AEM" update "${LUKS_ARGS[@]}" --grub-cfg boot/grub.cfg --boot-dir boot --event-log launch.log >/dev/null || fail "update back"
		launch boot
		check_boot "back to the old initramfs"
		echo "ok: update killed at $sc #$n: nothing lost"
	done
done
[ $total -ge 10 ] || fail "only $total crash points reached"
echo "ok: $total crash points"
