# Shared helpers for the shell test suites: source it first.
#   sim_start FAMILY      start a simulator in ./sim (stopped by the EXIT trap)
#   fail MSG / assert_eq WHAT EXPECTED ACTUAL / assert_ne ...
set -euo pipefail
: "${AEM_SRC:?run through tests/run}" "${AEM_BUILD:?run through tests/run}"
export PATH="$AEM_SRC/tests/lib:$AEM_SRC/tests/launch:$AEM_BUILD:$PATH"
TOOLS=$AEM_BUILD/tests/tools
# aem's state (tpm-setup records the TPM 2.0 storage root key's name there) in
# the test's own directory, never the machine's /var/lib/aem: each test has
# its own simulator, hence its own key.
export AEM_STATE_DIR=${AEM_STATE_DIR:-$PWD/state}

fail() { echo "FAIL: $*" >&2; exit 1; }
assert_eq() { [ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"; echo "ok: $1"; }
assert_ne() { [ "$2" != "$3" ] || fail "$1: both are '$2'"; echo "ok: $1"; }

_sims=()
_cleanup() { local d; for d in "${_sims[@]}"; do tpm-sim stop --dir "$d" || true; done; }
trap _cleanup EXIT
sim_start() { # family [dir [tpm-sim start options...]]
	local d=${2:-$PWD/sim}
	eval "$(tpm-sim start --family "$1" --dir "$d" "${@:3}")"
	_sims+=("$d")
}

need_fixtures() {
	local f
	for f in xen.gz vmlinuz initrd.img tboot.gz; do
		[ -s "$AEM_FIXTURES/$f" ] || fail "fixture $AEM_FIXTURES/$f missing: run scripts/install-deps (as root)"
	done
}

# PCR values as hex, lower case, read by tools that are not ours.
pcr_tpm2() { # bank pcr
	tpm2_pcrread "$1:$2" | awk -v p="$2:" '$1 == p {print tolower(substr($2, 3))}'
}
pcr_tpm12() { # pcr
	"$TOOLS/tspi-pcrs" "$1" | awk '{print $2}'
}
