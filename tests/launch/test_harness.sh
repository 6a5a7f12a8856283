#!/usr/bin/env bash
# tpm-sim: start prints usable exports, a second start on the same dir is refused,
# stop kills exactly its own processes and nothing else.
. "$AEM_SRC/tests/lib/common.sh"
sim_start 2.0 "$PWD/a"
a_pid=$(cat a/swtpm.pid)
sim_start 2.0 "$PWD/b"
b_pid=$(cat b/swtpm.pid)
assert_ne "two simulators, two ports" "$(tpm-sim env --dir a)" "$(tpm-sim env --dir b)"
tpm2_getrandom 8 --hex >/dev/null || fail "TPM at AEM_TCTI does not answer"
if tpm-sim start --family 2.0 --dir a >/dev/null 2>&1; then fail "second start on a running dir accepted"; fi
echo "ok: second start refused"
tpm-sim stop --dir a
kill -0 "$a_pid" 2>/dev/null && fail "swtpm of a still runs"
kill -0 "$b_pid" 2>/dev/null || fail "stopping a killed b"
echo "ok: stop is exact"
tpm-sim stop --dir b
kill -0 "$b_pid" 2>/dev/null && fail "swtpm of b still runs"
echo "ok: stopped"

# The leftover check used at the end of every run sees a simulator that was not stopped.
sim_start 1.2 "$PWD/c"
check-leftovers "$PWD" >/dev/null && fail "check-leftovers missed a running swtpm+tcsd"
echo "ok: leftover swtpm/tcsd detected"
tpm-sim stop --dir c
check-leftovers "$PWD" || fail "check-leftovers after stop"
