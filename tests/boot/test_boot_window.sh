#!/usr/bin/env bash
# Nothing ends aem-boot between its first PCR 13 extend and the cap without
# the cap. The window is held open by a second rd.luks.uuid= whose device
# never appears (aem-boot waits aem.timeout= for it after measuring the
# first); the signal goes when the kernel log says the first header is
# measured. After each run PCR 13 (tpm2_pcrread) must equal the capped value
# computed with sha256sum from the LUKS header (cryptsetup luksHeaderBackup):
#   1. SIGTERM to the program (a kill, a Ctrl-C's kind): blocked until the cap;
#   2. SIGKILL to the program: its watchdog process caps (kernel log says so);
#   3. SIGTERM to its process group, as systemd stops a unit whose
#      TimeoutStartSec= expired: the watchdog stops the program and caps.
# No secret reaches the screen in any of them.
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/boot/boot-common.sh"
command -v setsid > /dev/null || { echo "SKIP: setsid missing"; exit 77; }
stick_setup
h1=$(luks_digest luks.img sha256)
want=$(capped13 "$h1")
missing=$(cat /proc/sys/kernel/random/uuid)
echo "aem.uuid=$uuid rd.luks.uuid=$luks_uuid rd.luks.uuid=$missing aem.timeout=10" > cmdline.window

# Start aem-boot in its own session (process group = its pid), wait until it
# is inside the window, signal it, wait for it to end.
window() { # name signal target(pid|group)
	local n=$1 i pid
	boot_launch "$n"
	setsid "$AEM_BUILD/aem-boot" --cmdline cmdline.window --root "$PWD" --kmsg "$n.kmsg" \
		--mount "$PWD/mnt-$n" < enter > "$n.screen" 2> "$n.err" &
	pid=$!
	for i in $(seq 600); do
		grep -q "PCR 13: LUKS header of $luks_uuid measured" "$n.kmsg" 2> /dev/null && break
		kill -0 "$pid" 2> /dev/null || break
		sleep 0.1
	done
	grep -q "PCR 13: LUKS header of $luks_uuid measured" "$n.kmsg" || { cat "$n.kmsg"; fail "$n: never inside the window"; }
	if [ "$3" = group ]; then kill "-$2" -- "-$pid"; else kill "-$2" "$pid"; fi
	wait "$pid" 2> /dev/null || true
	# The watchdog (when it acts) outlives the program: its kernel log line
	# comes after its cap.
	if [ "$2" != TERM ] || [ "$3" = group ]; then
		for i in $(seq 600); do
			grep -q "watchdog: " "$n.kmsg" && break
			sleep 0.1
		done
	fi
	unmount_all
	assert_eq "$n: PCR 13 after SIG$2 to the $3 in the window" "$want" "$(pcr_tpm2 sha256 13)"
	grep -qF "$text" "$n.screen" && fail "$n: a secret was shown"
	true
}

window term TERM pid
grep -q "watchdog: " term.kmsg && fail "term: the watchdog acted, the program should have capped"
grep -q "LUKS header of $missing not measured" term.kmsg || { cat term.kmsg; fail "term: the program did not go on to its end"; }
echo "ok: SIGTERM waits for the cap"

window kill KILL pid
grep -q "watchdog: the program ended before its cap: PCR 13 capped" kill.kmsg || { cat kill.kmsg; fail "kill: watchdog line"; }
echo "ok: SIGKILL: the watchdog caps"

window unit TERM group
grep -q "watchdog: stopped (SIGTERM.*PCR 13 capped" unit.kmsg || { cat unit.kmsg; fail "unit: watchdog line"; }
echo "ok: the unit's stop (SIGTERM to the group): the watchdog caps"
