# aem.spec builds with rpmbuild -bb --nodeps on this Debian machine (a smoke
# test of %build, %install and %files; the spec's header says what a Fedora or
# Qubes dom0 build needs instead) from a tarball of the source; the RPMs
# hold the files the spec promises, have no scriptlets, and their aem prints
# the version and the commit of the tarball.
source "$AEM_SRC/tests/lib/common.sh"
command -v rpmbuild >/dev/null || fail "rpmbuild is missing (scripts/install-deps installs the package rpm)"
git -C "$AEM_SRC" rev-parse -q --verify HEAD >/dev/null 2>&1 || { echo "not a git checkout: the test copies git's files"; exit 77; }
v=$(cat "$AEM_SRC/VERSION")
source "$AEM_SRC/tests/pkg/pkg-common.sh"
# the source as it is now, as a release tarball (make dist takes a commit)
snapshot "tree/aem-$v"
mkdir -p src && tar -C tree -czf "src/aem-$v.tar.gz" "aem-$v"
rpmbuild -bb --nodeps --define "_topdir $PWD/rpm" --define "_sourcedir $PWD/src" \
	--define 'debug_package %{nil}' --define '_smp_mflags -j2' "$AEM_SRC/aem.spec" > rpmbuild.log 2>&1 ||
	{ tail -n 40 rpmbuild.log >&2; fail "rpmbuild -bb failed"; }
arch=$(rpm --eval '%{_arch}')
main=rpm/RPMS/$arch/aem-$v-1.$arch.rpm dracut=rpm/RPMS/$arch/aem-dracut-$v-1.$arch.rpm
[ -f "$main" ] && [ -f "$dracut" ] || fail "rpmbuild wrote $(find rpm/RPMS -name '*.rpm' | tr '\n' ' ')"
echo "ok: built $(basename "$main") ($(stat -c %s "$main") bytes), $(basename "$dracut") ($(stat -c %s "$dracut") bytes)"

# (man pages: compressed on Fedora, not by Debian's rpm)
rpm -qlp "$main" 2>/dev/null | sed -E 's/\.(gz|xz|bz2|zst)$//' > main.list
rpm -qlp "$dracut" 2>/dev/null | sed -E 's/\.(gz|xz|bz2|zst)$//' > dracut.list
has() { grep -qx -- "$2" "$1" || fail "$1 lacks $2"; }
for f in /usr/bin/aem /usr/share/man/man1/aem.1 /usr/share/man/man5/aem.conf.5 \
	/usr/share/bash-completion/completions/aem /etc/grub.d/19_linux_xen_tboot_aem \
	/usr/lib/kernel/install.d/60-aem.install; do
	has main.list "$f"
done
for f in /usr/lib/aem/aem-boot /usr/lib/aem/aem-boot-tpm2 /usr/lib/aem/aem-boot-tpm12 \
	/usr/lib/dracut/modules.d/90aem/module-setup.sh /usr/share/man/man8/aem-boot.8; do
	has dracut.list "$f"
done
! grep -q '/etc/kernel/post' main.list || fail "the RPM ships Debian's /etc/kernel hooks"
grep -qE '^/usr/share/licenses/aem(-[0-9.]+)?/COPYING$' main.list || fail "no %license COPYING"
echo "ok: the RPMs hold the command, man pages, completion, hooks, module and boot programs"
for r in "$main" "$dracut"; do
	s=$(rpm -qp --scripts "$r" 2>/dev/null)
	[ -z "$s" ] || fail "$(basename "$r") has scriptlets: $s"
done
echo "ok: no scriptlets"

mkdir x && (cd x && rpm2cpio "../$main" | cpio -id --quiet)
want=$("$AEM_SRC/scripts/source-commit")
assert_eq "aem --version of the RPM" "aem $v commit $want" "$(echo $(x/usr/bin/aem --version))"
