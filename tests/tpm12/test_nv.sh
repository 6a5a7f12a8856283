#!/usr/bin/env bash
# TPM 1.2 NV through libaemtpm's facade (tpm12-nv): the first write defines
# the index (owner-write, world-read, the size of the data); what tpm-tools'
# tpm_nvinfo and tpm_nvread see is what was written; a second write replaces
# it; a read of an undefined index fails.
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/tpm12/tpm12-common.sh"
sim12
idx=0x00a10001
head -c 40 /dev/urandom > v1
head -c 40 /dev/urandom > v2
"$TOOLS/tpm12-nv" write $idx v1 || fail "first write"
tpm_nvinfo -i $idx > info || fail "tpm_nvinfo"
grep -q "Size *: 40 " info || fail "size: $(cat info)"
grep -q "OWNERWRITE" info || fail "permissions: $(cat info)"
tpm_nvread -i $idx -s 40 -f tools.out > /dev/null || fail "tpm_nvread"
cmp v1 tools.out || fail "tpm_nvread sees other bytes"
"$TOOLS/tpm12-nv" read $idx 40 | cmp - v1 || fail "read back"
"$TOOLS/tpm12-nv" write $idx v2 || fail "second write"
tpm_nvread -i $idx -s 40 -f tools.out > /dev/null || fail "tpm_nvread"
cmp v2 tools.out || fail "second write not seen by tpm_nvread"
echo "ok: NV define/write/read agree with tpm-tools"
! "$TOOLS/tpm12-nv" read 0x00a10002 8 > /dev/null 2> err || fail "read of an undefined index"
echo "ok: undefined index refused: $(cat err)"
