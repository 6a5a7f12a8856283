#!/usr/bin/env bash
# `aem totp uri`: the secret parameter must be coreutils' base32 of the key
# (without '='), and the label and issuer must percent-decode (decoded here
# by bash's printf, not by aem) back to exactly what was given.
set -euo pipefail
aem="$AEM_BUILD/aem"
command -v base32 >/dev/null || { echo "SKIP: base32 (coreutils) not installed"; exit 77; }

pct_decode() { local s=${1//%/\\x}; printf '%b' "$s"; }
param() { # name uri
	local q=${2#*\?} kv
	IFS='&' read -ra kv <<<"$q"
	for p in "${kv[@]}"; do [ "${p%%=*}" = "$1" ] && { echo "${p#*=}"; return; }; done
	echo "<missing $1>"
}

check() { # issuer label extra-args...
	local issuer=$1 label=$2; shift 2
	head -c 20 /dev/urandom >key
	uri=$("$aem" totp uri --secret-file key --key-format raw --issuer "$issuer" --label "$label" "$@")
	case "$uri" in otpauth://totp/*\?*) ;; *) echo "FAIL not an otpauth TOTP URI: $uri"; exit 1 ;; esac
	# no character outside RFC 3986 unreserved, '@', '%', and the delimiters
	if printf '%s' "$uri" | LC_ALL=C grep -q '[^A-Za-z0-9._~@%:/?&=-]'; then
		echo "FAIL unescaped character in $uri"; exit 1
	fi
	want=$(base32 -w0 key | tr -d '=')
	[ "$(param secret "$uri")" = "$want" ] || { echo "FAIL secret in $uri, want $want"; exit 1; }
	path=${uri#otpauth://totp/}; path=${path%%\?*}
	[ "$(pct_decode "${path%%:*}")" = "$issuer" ] || { echo "FAIL label issuer in $uri"; exit 1; }
	[ "$(pct_decode "${path#*:}")" = "$label" ] || { echo "FAIL label account in $uri"; exit 1; }
	[ "$(pct_decode "$(param issuer "$uri")")" = "$issuer" ] || { echo "FAIL issuer= in $uri"; exit 1; }
}

check AEM laptop
check "Big Co & Sons" "alice smith@example.com"
check "50% off+more" "a/b?c=d#e"
check "Café" "José's ThinkPad"
check AEM x --digits 8 --algorithm sha256
uri=$("$aem" totp uri --secret-file key --key-format raw --issuer I --label L --digits 8 --algorithm sha256 --period 60)
[ "$(param digits "$uri")" = 8 ] && [ "$(param algorithm "$uri")" = SHA256 ] && [ "$(param period "$uri")" = 60 ] ||
	{ echo "FAIL options not in $uri"; exit 1; }
uri=$("$aem" totp uri --secret-file key --key-format raw --issuer I --label L)
case "$uri" in *algorithm=*) echo "FAIL SHA-1 must be implicit: $uri"; exit 1 ;; esac
[ "$(param digits "$uri")" = 6 ] && [ "$(param period "$uri")" = 30 ] || { echo "FAIL defaults in $uri"; exit 1; }

# names a terminal or the URI format cannot carry are refused (usage error)
for bad in "a:b" $'a\nb' $'a\033[2Jb'; do
	rc=0; "$aem" totp uri --secret-file key --key-format raw --label "$bad" >/dev/null 2>&1 || rc=$?
	[ $rc -eq 2 ] || { echo "FAIL label $(printf %q "$bad") accepted (exit $rc)"; exit 1; }
done
echo "URIs check out"
