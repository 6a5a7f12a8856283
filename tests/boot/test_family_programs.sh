#!/bin/bash
# The boot programs per TPM family, as installed and as dracut packs them.
#  - `make install` puts aem-boot, aem-boot-tpm2 and aem-boot-tpm12 in
#    PREFIX/lib/aem and the module where dracut looks;
#  - each one-family program depends on its family's TSS library only and holds
#    none of the other family's functions, and no boot program holds the
#    administration operations (readelf and nm are the oracles; build/aem is
#    the control that shows the symbol search can find them);
#  - `dracut --add aem` with AEM_TPM_FAMILY=2.0 / 1.2 packs that family's
#    program as /usr/sbin/aem-boot, with the TPM 2.0 TCTI plug-in or tcsd
#    (lsinitrd is the oracle).
. "$AEM_SRC/tests/lib/common.sh"
set -u
B=$AEM_BUILD T=$AEM_TEST_TMP/family
mkdir -p "$T"
for p in aem aem-boot aem-boot-tpm2 aem-boot-tpm12; do
	[ -x "$B/$p" ] || fail "$B/$p is not built"
done
command -v readelf > /dev/null && command -v nm > /dev/null || fail "binutils missing"

# make install into a staging root (the sanitizer build keeps its flags).
san=; nm "$B/aem" | grep -q __asan_init && san=1
make -s -C "$AEM_SRC" BUILD="$B" SAN=$san DESTDIR="$T/root" PREFIX=/usr \
	DRACUT_MODULES=/usr/lib/dracut/modules.d SYSCONFDIR=/etc install > "$T/install.log" 2>&1 ||
	{ cat "$T/install.log"; fail "make install failed"; }
for p in aem-boot aem-boot-tpm2 aem-boot-tpm12; do
	cmp -s "$B/$p" "$T/root/usr/lib/aem/$p" || fail "make install did not install $p"
done
[ -x "$T/root/usr/lib/dracut/modules.d/90aem/module-setup.sh" ] || fail "dracut module not installed"
for f in "$AEM_SRC"/initramfs-hooks/dracut/90aem/*; do
	cmp -s "$f" "$T/root/usr/lib/dracut/modules.d/90aem/${f##*/}" || fail "make install left out ${f##*/}"
done
[ -x "$T/root/usr/lib/dracut/modules.d/90aem/aem-boot.service" ] && fail "a unit file installed executable"

for p in aem-boot aem-boot-tpm2 aem-boot-tpm12; do
	readelf -d "$B/$p" | sed -n 's/.*Shared library: \[\(.*\)\].*/\1/p' > "$T/$p.needed"
done
has_lib() { grep -q "^$2" "$T/$1.needed"; }
has_lib aem-boot-tpm2 libtss2-esys || fail "aem-boot-tpm2 does not need libtss2-esys"
has_lib aem-boot-tpm2 libtspi && fail "aem-boot-tpm2 needs libtspi"
has_lib aem-boot-tpm12 libtspi || fail "aem-boot-tpm12 does not need libtspi"
has_lib aem-boot-tpm12 libtss2 && fail "aem-boot-tpm12 needs a tpm2-tss library"
has_lib aem-boot libtspi && has_lib aem-boot libtss2-esys || fail "aem-boot lacks a family"

# symbol lists in files: grep -q on a pipe would kill nm (pipefail)
for p in aem aem-boot aem-boot-tpm2 aem-boot-tpm12; do
	nm "$B/$p" | awk 'NF == 3 { print $3 }' > "$T/$p.syms"
done
syms() { cat "$T/$1.syms"; }
admin='^(aem_tpm_setup|aem_tpm_da_info|aem_tpm_hmac|aem_tpm2_hmac|aem_tpm2_setup|aem_tpm12_setup|aem_tpm12_da_info)$'
[ "$(syms aem | grep -cE "$admin")" -ge 6 ] || fail "control: nm does not find the admin functions in aem"
syms aem | grep -q '^aem_tpm12_seal_key$' && syms aem | grep -q '^aem_tpm2_seal_key$' ||
	fail "control: nm does not find both backends in aem"
for p in aem-boot aem-boot-tpm2 aem-boot-tpm12; do
	syms $p | grep -qE "$admin" && fail "$p links an administration function: $(syms $p | grep -E "$admin" | head -1)"
done
syms aem-boot-tpm2 | grep -q '^aem_tpm12_' && fail "aem-boot-tpm2 links TPM 1.2 code: $(syms aem-boot-tpm2 | grep '^aem_tpm12_' | head -1)"
syms aem-boot-tpm12 | grep -q '^aem_tpm2_' && fail "aem-boot-tpm12 links TPM 2.0 code: $(syms aem-boot-tpm12 | grep '^aem_tpm2_' | head -1)"
syms aem-boot-tpm2 | grep -q '^aem_tpm2_unseal_key$' || fail "aem-boot-tpm2 has no TPM 2.0 unseal"
syms aem-boot-tpm12 | grep -q '^aem_tpm12_unseal_key$' || fail "aem-boot-tpm12 has no TPM 1.2 unseal"

# make tcb names the same files the link maps do, one table per program.
make -s -C "$AEM_SRC" BUILD="$B" SAN=$san tcb > "$T/tcb.txt" || fail "make tcb failed"
grep -q 'tpm-seal/tpm12' "$B/aem-boot-tpm2.files" && fail "tcb lists TPM 1.2 files for aem-boot-tpm2"
grep -q 'tpm-seal/tpm2' "$B/aem-boot-tpm12.files" && fail "tcb lists TPM 2.0 files for aem-boot-tpm12"
for p in aem-boot-tpm2 aem-boot-tpm12 aem-boot; do
	grep -qE "^ +[0-9]+ $p\$" "$T/tcb.txt" || fail "make tcb has no total for $p"
done

# dracut, once per family, from the installed module and programs.
command -v dracut > /dev/null && command -v lsinitrd > /dev/null || fail "dracut missing"
farm=$T/dracut
mkdir -p "$farm/modules.d" "$T/conf.d"
for f in /usr/lib/dracut/*; do [ "$(basename "$f")" = modules.d ] || ln -s "$f" "$farm/"; done
for f in /usr/lib/dracut/modules.d/*; do ln -s "$f" "$farm/modules.d/"; done
ln -s "$T/root/usr/lib/dracut/modules.d/90aem" "$farm/modules.d/90aem"
for fam in 2.0 1.2; do
	img=$T/initrd-$fam.img
	dracutbasedir=$farm AEM_BOOT_BIN=$T/root/usr/lib/aem AEM_TPM_FAMILY=$fam \
		dracut -f -q --no-hostonly --no-kernel --conf /dev/null --confdir "$T/conf.d" \
		-m "aem" --nostrip --no-compress "$img" > "$T/dracut-$fam.log" 2>&1 ||
		{ tail -n 20 "$T/dracut-$fam.log"; fail "dracut --add aem ($fam) failed"; }
	lsinitrd "$img" > "$T/list-$fam.txt" 2> /dev/null || fail "lsinitrd cannot read the $fam image"
	mkdir -p "$T/x-$fam" && (cd "$T/x-$fam" && lsinitrd --unpack "$img" usr/sbin/aem-boot 2> /dev/null) ||
		fail "no usr/sbin/aem-boot in the $fam image"
	want=aem-boot-tpm2; [ $fam = 1.2 ] && want=aem-boot-tpm12
	cmp -s "$T/x-$fam/usr/sbin/aem-boot" "$B/$want" || fail "the $fam image does not carry $want"
	grep -q 'aem-boot.service' "$T/list-$fam.txt" || fail "no aem-boot.service in the $fam image"
done
grep -q 'libtss2-tcti-device' "$T/list-2.0.txt" || fail "TPM 2.0 image lacks the device TCTI"
grep -q 'libtspi' "$T/list-2.0.txt" && fail "TPM 2.0 image carries libtspi"
grep -q 'libtss2' "$T/list-1.2.txt" && fail "TPM 1.2 image carries tpm2-tss"
if command -v tcsd > /dev/null; then
	grep -q 'usr/sbin/tcsd' "$T/list-1.2.txt" || fail "TPM 1.2 image lacks tcsd"
	grep -q 'etc/aem/tcsd-nsswitch.conf' "$T/list-1.2.txt" && grep -q 'etc/aem/tcsd-hosts' "$T/list-1.2.txt" ||
		fail "TPM 1.2 image lacks tcsd's hosts/nsswitch files"
	grep -q 'usr/sbin/tcsd' "$T/list-2.0.txt" && fail "TPM 2.0 image carries tcsd"
fi
echo "ok: three programs installed; one-family programs hold one backend and no admin code; dracut packs the family's program"
