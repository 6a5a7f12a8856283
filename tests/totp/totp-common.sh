# Helpers of the totp suite (sourced after common.sh and seal-common.sh).
#   uri_hex URI              the key of an otpauth URI as hex (coreutils base32 -d)
#   uri_param URI NAME       a query parameter of the URI
#   oath URI TIME            oathtool's TOTP code for URI's key/alg/digits/period at TIME
#   init_confirmed ARGS...   aem totp init ARGS, answering its question with oathtool's
#                            code for the URI it printed; stdout in init.out, stderr in
#                            init.err; returns aem's exit status
# aem totp init keeps the key as the totp secret of the state directory:
# never the machine's /var/lib/aem from a test.
export AEM_STATE_DIR=${AEM_STATE_DIR:-$PWD/state}
uri_param() { printf '%s\n' "$1" | sed -n "s/.*[?&]$2=\([^&]*\).*/\1/p"; }
uri_hex() {
	local s; s=$(uri_param "$1" secret)
	# base32 wants padding to a multiple of 8 characters
	while [ $(( ${#s} % 8 )) -ne 0 ]; do s="$s="; done
	printf '%s' "$s" | base32 -d | od -An -v -tx1 | tr -d ' \n'
}
oath() { # uri time
	local alg digits period
	alg=$(uri_param "$1" algorithm | tr 'A-Z' 'a-z'); alg=${alg:-sha1}
	digits=$(uri_param "$1" digits); period=$(uri_param "$1" period)
	oathtool --totp="$alg" -d "${digits:-6}" -s "${period:-30}" -N "@$2" "$(uri_hex "$1")"
}
init_confirmed() {
	local uri rc=0 pid
	rm -f init.in init.pipe; mkfifo init.in init.pipe
	"$AEM" totp init "$@" < init.in > init.pipe 2> init.err & pid=$!
	exec 7> init.in 8< init.pipe
	IFS= read -r uri <&8 || true
	printf '%s\n' "$uri" > init.out
	[ -z "$uri" ] || oath "$uri" "$(date +%s)" >&7
	exec 7>&-
	cat <&8 >> init.out
	exec 8<&-
	wait "$pid" || rc=$?
	return $rc
}
need_oathtool() {
	command -v oathtool >/dev/null || { echo "SKIP: oathtool not installed (apt-get install oathtool)"; exit 77; }
}
