#!/usr/bin/env bash
# tboot's module digests M = H(H(cmdline) || H(image)) as aem predict computes them must
# equal Debian tboot's tb_polgen (which gunzips like GRUB) for the real Debian xen.gz,
# vmlinuz and initrd.img and for small synthetic files (plain, gzip, xz; xz and --nounzip
# expectations are tb_polgen over `xz -dc` output / openssl over the raw bytes).
# Also: SINIT's MLE hash of a new tboot equals Debian's lcp2_mlehash.
set -euo pipefail
aem=$AEM_BUILD/aem
data=$AEM_SRC/tests/unit/data
for t in tb_polgen lcp2_mlehash jq xz openssl; do
	command -v $t >/dev/null || { echo "skip: $t not installed"; exit 77; }
done
[ -r "$AEM_FIXTURES/xen.gz" ] || { echo "skip: no fixtures in $AEM_FIXTURES"; exit 77; }
fail=0

polgen() { # alg file cmdline -> hex digest
	rm -f p.pol
	tb_polgen --create --type nonfatal --alg "$1" p.pol >/dev/null
	tb_polgen --add --num 0 --pcr none --hash image --cmdline "$3" --image "$2" p.pol >/dev/null
	tb_polgen --show p.pol | sed -n 's/.*hashes\[0\]: //p' | tr -d ' \n'
}

aem_digest() { # log bank file cmdline [--nounzip] -> module 0 digest
	local log=$1 bank=$2 file=$3 cmd=$4; shift 4
	"$aem" predict --event-log "$log" --bank "$bank" --module "$file" --cmdline "$cmd" "$@" \
		--format json | jq -r '[.events[] | select(.what == "module 0")][0].digest'
}

check() { # name expected actual
	if [ "$2" = "$3" ]; then echo "ok   $1"; else echo "FAIL $1: expected $2, aem $3"; fail=1; fi
}

head -c 300000 /dev/urandom > plain.bin
cp plain.bin g.bin && gzip -9 g.bin             # g.bin.gz
cp plain.bin x.bin && xz -6 x.bin               # x.bin.xz
: > empty.bin
qubes_xen="placeholder console=none dom0_mem=min:1024M dom0_mem=max:4096M ucode=scan smt=off"
qubes_linux="placeholder root=/dev/mapper/qubes_dom0-root ro rd.luks.uuid=luks-1d2f rhgb quiet"

for bank in sha256 sha1; do
	case $bank in
	sha256) log=$data/intel-tboot-tpm2-tcg.bin ;;
	sha1) log=$data/txt-tpm12-container.bin ;;
	esac
	check "$bank xen.gz" "$(polgen $bank "$AEM_FIXTURES/xen.gz" "$qubes_xen")" \
		"$(aem_digest "$log" $bank "$AEM_FIXTURES/xen.gz" "$qubes_xen")"
	check "$bank vmlinuz" "$(polgen $bank "$AEM_FIXTURES/vmlinuz" "$qubes_linux")" \
		"$(aem_digest "$log" $bank "$AEM_FIXTURES/vmlinuz" "$qubes_linux")"
	check "$bank initrd.img" "$(polgen $bank "$AEM_FIXTURES/initrd.img" "")" \
		"$(aem_digest "$log" $bank "$AEM_FIXTURES/initrd.img" "")"
	check "$bank plain" "$(polgen $bank plain.bin "a  b")" "$(aem_digest "$log" $bank plain.bin "a  b")"
	check "$bank gzip" "$(polgen $bank g.bin.gz "x=1")" "$(aem_digest "$log" $bank g.bin.gz "x=1")"
	check "$bank empty" "$(polgen $bank empty.bin "")" "$(aem_digest "$log" $bank empty.bin "")"
	xz -dc x.bin.xz > x.dec
	check "$bank xz" "$(polgen $bank x.dec "y")" "$(aem_digest "$log" $bank x.bin.xz "y")"
	# --nounzip: the compressed bytes themselves
	want=$( { printf '%s' "z" | openssl dgst -$bank -binary; openssl dgst -$bank -binary g.bin.gz; } |
		openssl dgst -$bank -r | cut -d' ' -f1)
	check "$bank gzip --nounzip" "$want" "$(aem_digest "$log" $bank g.bin.gz z --nounzip)"
done

# A corrupt gzip module is an input error naming the file, not a digest of garbage.
head -c 100 g.bin.gz > cut.gz
if "$aem" predict --event-log "$data/intel-tboot-tpm2-tcg.bin" --module cut.gz 2>err.txt >/dev/null; then
	echo "FAIL corrupt gzip accepted"; fail=1
else
	rc=$?; grep -q cut.gz err.txt && [ $rc -eq 3 ] && echo "ok   corrupt gzip refused (exit 3)" ||
		{ echo "FAIL corrupt gzip: exit $rc, $(cat err.txt)"; fail=1; }
fi

# MLE hash of tboot.gz (SINIT's 0x404 event) against lcp2_mlehash, with and without a
# tboot command line written into the MLE's command-line area.
mle() { lcp2_mlehash --create --alg "$1" ${2:+--cmdline "$2"} "$AEM_FIXTURES/tboot.gz" | tr -d ' \n'; }
aem_mle() {
	"$aem" predict --event-log "$data/intel-tboot-tpm2-tcg-heap.bin" --bank "$1" \
		--tboot "$AEM_FIXTURES/tboot.gz" ${2:+--tboot-cmdline "$2"} --format json |
		jq -r '.events[] | select(.what == "MLE hash") | .digest'
}
for bank in sha256 sha1; do
	check "$bank MLE hash" "$(mle $bank)" "$(aem_mle $bank)"
	check "$bank MLE hash + cmdline" "$(mle $bank "logging=serial,memory min_ram=0x2000000")" \
		"$(aem_mle $bank "logging=serial,memory min_ram=0x2000000")"
done
exit $fail
