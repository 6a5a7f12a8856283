#!/usr/bin/env bash
# aem doctor on the machine running the tests, as root and as an unprivileged
# user: it must finish with a verdict, print no permission errors, and when
# the machine has neither TXT nor a TPM say plainly that AEM cannot run.
set -uo pipefail
aem="$AEM_BUILD/aem" fail=0
out=$("$aem" doctor 2>err); rc=$?
cat err
printf '%s\n' "$out"
case $rc in 0|1|9) ;; *) echo "FAIL: exit $rc"; fail=1 ;; esac
grep -q '^Verdict:' <<<"$out" || { echo "FAIL: no verdict"; fail=1; }
if grep -qiE 'permission denied|operation not permitted' err; then echo "FAIL: permission errors on stderr"; fail=1; fi

if [ ! -e /sys/class/tpm/tpm0 ] && ! grep -q '^flags.* smx' /proc/cpuinfo; then
	grep -q 'AEM mode none: AEM cannot run on this machine' <<<"$out" || { echo "FAIL: does not say AEM cannot run"; fail=1; }
	grep -q '\[no-tpm\]' <<<"$out" || { echo "FAIL: missing TPM not named"; fail=1; }
	[ $rc -eq 9 ] || { echo "FAIL: exit $rc, want 9 (unsupported)"; fail=1; }
fi

# Unprivileged: same verdict, no crash, nothing on stderr about permissions.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	out2=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$aem" doctor 2>err2); rc2=$?
	cat err2
	[ "$rc2" = "$rc" ] || { echo "FAIL: unprivileged exit $rc2 differs from $rc"; fail=1; }
	if grep -qiE 'permission denied|operation not permitted' err2; then echo "FAIL: unprivileged permission errors"; fail=1; fi
	[ "$(grep '^Verdict' <<<"$out2")" = "$(grep '^Verdict' <<<"$out")" ] || { echo "FAIL: unprivileged verdict differs"; fail=1; }
fi
exit $fail
