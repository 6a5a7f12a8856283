#!/usr/bin/env bash
# Flip every byte of a small sealed file (one at a time) and a sample of a big
# one: unseal refuses cleanly every time (exit status 1-9, nothing on stdout, no
# signal) and leaves no object or session loaded in the TPM.
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/seal/seal-common.sh"
seal_sim
launch
head -c 16 /dev/urandom > small; head -c 65536 /dev/urandom > big
"$AEM" seal --in small --out small.aem && "$AEM" seal --in big --out big.aem || fail seal
mkdir flips
python3 - <<'PY'
import random
for name, positions in (("small", None), ("big", None)):
    b = open(name + ".aem", "rb").read()
    if name == "small":
        pos = range(len(b))
    else:  # header (everything before the ciphertext) and 64 random ciphertext bytes
        pos = list(range(len(b) - 65536)) + random.sample(range(len(b) - 65536, len(b)), 64)
    for i in pos:
        f = bytearray(b); f[i] ^= 0x01 if i % 2 else 0xff
        open("flips/%s.%06d" % (name, i), "wb").write(f)
PY
n=0
declare -A seen
for f in flips/*; do
	rc=0; "$AEM" unseal --in "$f" > out 2> err || rc=$?
	[ $rc -ge 1 ] && [ $rc -le 9 ] || { cat err; fail "$f: exit status $rc"; }
	[ ! -s out ] || fail "$f: stdout not empty"
	seen[$rc]=$(( ${seen[$rc]:-0} + 1 )); n=$((n + 1))
done
echo "ok: $n flipped files refused; exit statuses: $(for k in "${!seen[@]}"; do printf '%s:%s ' $k ${seen[$k]}; done)"
assert_eq "transient objects left in the TPM" "" "$(tpm2_getcap handles-transient)"
assert_eq "sessions left in the TPM" "" "$(tpm2_getcap handles-loaded-session)"
"$AEM" unseal --in small.aem | cmp - small || fail "the original still unseals"
head -c 10 small.aem > trunc.aem; : > empty.aem
for f in trunc.aem empty.aem /nonexistent; do
	rc=0; "$AEM" unseal --in $f > out 2>/dev/null || rc=$?
	assert_eq "unseal $f" 3 "$rc"
done
