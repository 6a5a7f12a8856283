#!/usr/bin/env bash
# The QR codes aem draws must decode, with zbarimg (an independent decoder),
# to exactly the URI `aem totp uri` prints: the PNG, and the terminal text
# (UTF-8 half blocks and ASCII) painted as a terminal would show it by the
# test tool disp_qrtext2png. Default polarity is for light-on-dark consoles,
# --invert for dark-on-light ones.
set -euo pipefail
aem="$AEM_BUILD/aem"
paint="$AEM_BUILD/tests/tools/disp_qrtext2png"
command -v zbarimg >/dev/null || { echo "SKIP: zbarimg not installed (apt-get install zbar-tools)"; exit 77; }
[ -x "$paint" ] || { echo "FAIL: test tool $paint not built"; exit 1; }

decode() { zbarimg --raw -q "$1" 2>/dev/null; }
n=0
expect() { # what image uri
	local got
	got=$(decode "$2") || { echo "FAIL $1: zbarimg found no code in $2"; exit 1; }
	[ "$got" = "$3" ] || { echo "FAIL $1: decoded '$got', want '$3'"; exit 1; }
	n=$((n + 1))
}

run_case() { # name keybytes args...
	local name=$1 len=$2; shift 2
	head -c "$len" /dev/urandom >key
	uri=$("$aem" totp uri --secret-file key --key-format raw "$@")
	rm -f q.png
	"$aem" totp qr --secret-file key --key-format raw "$@" --qr-png q.png
	[ "$(stat -c %a q.png)" = 600 ] || { echo "FAIL $name: q.png mode $(stat -c %a q.png), want 600"; exit 1; }
	expect "$name png" q.png "$uri"
	"$aem" totp qr --secret-file key --key-format raw "$@" --qr-png q4.png --scale 4
	expect "$name png scale 4" q4.png "$uri"
	"$aem" totp qr --secret-file key --key-format raw "$@" >utf8.txt
	"$paint" --ink light utf8.txt utf8.png
	expect "$name utf8 on light-on-dark console" utf8.png "$uri"
	"$aem" totp qr --secret-file key --key-format raw "$@" --invert >utf8i.txt
	"$paint" --ink dark utf8i.txt utf8i.png
	expect "$name utf8 --invert on dark-on-light terminal" utf8i.png "$uri"
	"$aem" totp qr --secret-file key --key-format raw "$@" --ascii >ascii.txt
	"$paint" --ink light ascii.txt ascii.png
	expect "$name ascii" ascii.png "$uri"
	"$aem" totp qr --secret-file key --key-format raw "$@" --ascii --invert >asciii.txt
	"$paint" --ink dark asciii.txt asciii.png
	expect "$name ascii --invert" asciii.png "$uri"
	# the text is plain: no escape sequences, no control characters but '\n'
	if LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' utf8.txt ascii.txt; then
		echo "FAIL $name: control characters in the terminal QR"; exit 1
	fi
}

run_case default 20 --issuer AEM --label laptop
run_case sha256-8 32 --issuer "Big Co & Sons" --label "alice smith@example.com" --digits 8 --algorithm sha256
run_case utf8-names 20 --issuer "Café" --label "José's ThinkPad"
run_case long 64 --issuer "$(printf 'I%.0s' $(seq 1 100))" --label "$(printf 'L%.0s' $(seq 1 120))" --algorithm sha512

# informational: the default print seen on a dark-on-light terminal is the
# inverse image, which this zbar may or may not read (phones often do not)
"$paint" --ink dark utf8.txt wrong.png
if decode wrong.png >/dev/null; then
	echo "note: this zbarimg also reads inverted codes"
else
	echo "note: this zbarimg cannot read the inverted view (why --invert exists)"
fi

# the PNG is never written through a symbolic link
ln -s target link.png
rc=0; "$aem" totp qr --secret-file key --key-format raw --qr-png link.png 2>/dev/null || rc=$?
[ $rc -eq 8 ] && [ ! -e target ] || { echo "FAIL --qr-png followed a symlink (exit $rc)"; exit 1; }
echo "$n QR images decoded to the exact URI"
