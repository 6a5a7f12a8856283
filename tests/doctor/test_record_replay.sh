#!/usr/bin/env bash
# --record DIR writes a fixture that --root DIR replays with the same report:
# on this machine, and for a recorded machine re-recorded through the runtime
# layer (which must then also carry the TXT public space, phys/fed30000.bin).
set -uo pipefail
aem="$AEM_BUILD/aem" fx="$AEM_SRC/tests/doctor/fixtures" fail=0

live=$("$aem" doctor 2>/dev/null)
"$aem" doctor --record rec >/dev/null 2>&1
replay=$("$aem" doctor --root rec 2>/dev/null)
[ "$live" = "$replay" ] && echo "ok: this machine replays identically" || { echo "FAIL: replay differs"; diff <(echo "$live") <(echo "$replay"); fail=1; }
[ -s rec/proc/cpuinfo ] || { echo "FAIL: rec/proc/cpuinfo not recorded"; fail=1; }

for m in healthy-tpm2 tpm12-x230 txt-error amd; do
	a=$("$aem" doctor --root "$fx/$m" --record "re-$m" 2>/dev/null)
	b=$("$aem" doctor --root "re-$m" 2>/dev/null)
	[ "$a" = "$b" ] && echo "ok: $m re-recorded replays identically" || { echo "FAIL: $m"; diff <(echo "$a") <(echo "$b"); fail=1; }
done
cmp -s "$fx/healthy-tpm2/phys/fed30000.bin" re-healthy-tpm2/phys/fed30000.bin &&
	echo "ok: TXT public space recorded byte for byte" || { echo "FAIL: phys/fed30000.bin not recorded"; fail=1; }
# AEM_ROOT is the same as --root.
[ "$(AEM_ROOT="$fx/amd" "$aem" doctor)" = "$("$aem" doctor --root "$fx/amd")" ] && echo "ok: AEM_ROOT" || { echo "FAIL: AEM_ROOT"; fail=1; }
exit $fail
