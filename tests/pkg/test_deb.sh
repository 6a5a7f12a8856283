# The Debian packages: dpkg-buildpackage -b builds aem and aem-dracut from the
# release tarball; lintian reports no error and no warning that is not
# overridden (each override says why); neither package has a maintainer script
# (installing never touches the TPM nor rebuilds an initramfs); and in a fresh
# Debian root (mmdebstrap from the configured apt sources, holding only what the
# packages depend on) `aem --version`, `aem doctor` and `dracut --add aem` work.
# Downloaded .debs are kept in $AEM_PKG_CACHE (default /var/cache/aem/pkg-debs).
source "$AEM_SRC/tests/lib/common.sh"
for t in dpkg-buildpackage dh lintian mmdebstrap; do
	command -v $t >/dev/null || fail "$t is missing (scripts/install-deps installs it)"
done
[ "$(id -u)" = 0 ] || { echo "needs root (mmdebstrap's root mode, chroot)"; exit 77; }
git -C "$AEM_SRC" rev-parse -q --verify HEAD >/dev/null 2>&1 || { echo "not a git checkout: the test copies git's files"; exit 77; }
v=$(cat "$AEM_SRC/VERSION")
dv=$(sed -n '1s/^aem (\([^)]*\)).*/\1/p' "$AEM_SRC/debian/changelog")
arch=$(dpkg --print-architecture)
source "$AEM_SRC/tests/pkg/pkg-common.sh"
commit=$("$AEM_SRC/scripts/source-commit")

# 1. build from a copy of the source (dpkg-buildpackage writes into its parent)
snapshot "src/aem-$v"
(cd "src/aem-$v" && dpkg-buildpackage -us -uc -b) > build.log 2>&1 ||
	{ tail -n 40 build.log >&2; fail "dpkg-buildpackage failed"; }
main=src/aem_${dv}_$arch.deb dracut=src/aem-dracut_${dv}_$arch.deb
[ -f "$main" ] && [ -f "$dracut" ] || fail "no $main / $dracut: $(ls src)"
echo "ok: built $(basename "$main") ($(stat -c %s "$main") bytes), $(basename "$dracut") ($(stat -c %s "$dracut") bytes)"

# 2. lintian: nothing above info left, every override with its reason
lintian --fail-on error,warning --display-info "src/aem_${dv}_$arch.changes" > lintian.txt 2>&1 ||
	{ cat lintian.txt >&2; fail "lintian reports errors or warnings"; }
sed 's/^/  lintian: /' lintian.txt
for o in "$AEM_SRC"/debian/*.lintian-overrides; do
	awk -v f="${o##*/}" '/^#/ {c = 1; next} NF && !c {print f ": override without a comment: " $0; bad = 1}
		NF {c = 0} END {exit bad}' "$o" || fail "every lintian override needs its reason"
done
echo "ok: lintian: no error, no unexplained warning"

# 3. no maintainer scripts at all
for d in "$main" "$dracut"; do
	s=$(dpkg-deb --ctrl-tarfile "$d" | tar -t | grep -E '(pre|post)(inst|rm)$|config$|triggers$' || true)
	[ -z "$s" ] || fail "$(basename "$d") has maintainer scripts: $s"
done
echo "ok: no maintainer scripts"

# 4. a fresh root
cache=${AEM_PKG_CACHE:-/var/cache/aem/pkg-debs}
mkdir -p "$cache" debs out
cp "$main" "$dracut" debs/
sources=/etc/apt/sources.list.d/debian.sources
[ -s "$sources" ] || sources=/etc/apt/sources.list
codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
out=$PWD/out
mmdebstrap --variant=apt --skip=download/empty --skip=essential/unlink \
	--setup-hook='mkdir -p "$1"/var/cache/apt/archives' \
	--setup-hook="sync-in $cache/ /var/cache/apt/archives/" \
	--customize-hook='mkdir -p "$1"/root/debs' \
	--customize-hook="sync-in $PWD/debs/ /root/debs/" \
	--customize-hook='ls "$1"/boot > '"$out"'/boot-before' \
	--customize-hook='chroot "$1" apt-get install -y --no-install-recommends /root/debs/aem_'"${dv}_$arch"'.deb /root/debs/aem-dracut_'"${dv}_$arch"'.deb' \
	--customize-hook='ls "$1"/boot > '"$out"'/boot-after' \
	--customize-hook='rm -rf "$1"/root/debs; rm -f "$1"/var/cache/apt/archives/aem*.deb' \
	--customize-hook="sync-out /var/cache/apt/archives/ $cache/" \
	--customize-hook='chroot "$1" aem --version > '"$out"'/version' \
	--customize-hook='chroot "$1" aem doctor > '"$out"'/doctor 2>&1; echo $? > '"$out"'/doctor.rc' \
	--customize-hook='chroot "$1" dracut --no-kernel --add aem --force /tmp/aem.img > '"$out"'/dracut.log 2>&1; echo $? > '"$out"'/dracut.rc' \
	--customize-hook='chroot "$1" lsinitrd /tmp/aem.img > '"$out"'/lsinitrd 2>&1 || true' \
	"$codename" root - < "$sources" > mmdebstrap.log 2>&1 ||
	{ grep -v '^\(Get\|Unpacking\|Preparing\|Selecting\|Setting up\)' mmdebstrap.log | tail -n 40 >&2; fail "mmdebstrap failed"; }
echo "ok: fresh $codename root with the packages and only what they depend on ($(du -sm root | cut -f1) MB)"
assert_eq "installing created nothing in /boot" "$(cat out/boot-before)" "$(cat out/boot-after)"
assert_eq "aem --version in the fresh root" "aem $v commit $commit" "$(echo $(cat out/version))"
rc=$(cat out/doctor.rc)
case $rc in 0 | 1 | 9) ;; *) cat out/doctor >&2; fail "aem doctor exited $rc (documented: 0, 1, 9)" ;; esac
grep -q '^TPM:' out/doctor || { cat out/doctor >&2; fail "aem doctor printed no TPM line"; }
echo "ok: aem doctor runs there (exit $rc: $(grep '^TPM:' out/doctor))"
[ "$(cat out/dracut.rc)" = 0 ] || { tail -n 30 out/dracut.log >&2; fail "dracut --add aem failed"; }
grep -q "Including module: aem " out/dracut.log || { tail -n 30 out/dracut.log >&2; fail "dracut did not include the module aem"; }
for f in usr/sbin/aem-boot usr/sbin/aem-check-root usr/lib/systemd/system/aem-boot.service; do
	grep -q " $f\$" out/lsinitrd || { cat out/lsinitrd >&2; fail "the initramfs lacks $f"; }
done
echo "ok: dracut --add aem there builds an image with aem-boot and its units"
