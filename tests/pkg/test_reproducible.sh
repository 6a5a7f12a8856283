# Release and reproducibility:
# 1. make dist of a tag gives exactly `git archive` of that tag (the tar
#    stream, bit for bit: names, modes, times, contents);
# 2. the programs built from that tarball unpacked in two different
#    directories, with SOURCE_DATE_EPOCH, are bit-identical (aem and the three
#    boot programs), and hold neither build directory;
# 3. their aem --version names the tag's commit (no .git in a tarball: git
#    wrote it into COMMIT).
# Builds only the programs (make programs), -j2, twice.
source "$AEM_SRC/tests/lib/common.sh"
git -C "$AEM_SRC" rev-parse -q --verify HEAD >/dev/null 2>&1 || { echo "not a git checkout: make dist needs git"; exit 77; }
v=$(cat "$AEM_SRC/VERSION")
git -C "$AEM_SRC" diff --quiet HEAD -- || echo "note: uncommitted changes are not in this test (it builds HEAD)"
git clone -q "$AEM_SRC" repo
git -C repo -c user.name=t -c user.email=t@t tag -a -m "test release" "v$v" 2>/dev/null ||
	echo "note: v$v is already tagged: testing that tag"
tagc=$(git -C repo rev-parse "v$v^{commit}")
make -s -C repo dist DISTDIR="$PWD" >/dev/null
[ -s "aem-$v.tar.gz" ] || fail "make dist wrote no aem-$v.tar.gz"
git -C repo archive --format=tar --prefix="aem-$v/" "v$v" > want.tar
gzip -dc "aem-$v.tar.gz" > got.tar
cmp -s want.tar got.tar || fail "make dist's tarball differs from git archive of v$v"
echo "ok: make dist = git archive v$v ($(tar tf got.tar | grep -vc '/$') files, $(stat -c %s "aem-$v.tar.gz") bytes gzipped)"
assert_eq "COMMIT in the tarball (git rev-parse v$v)" "$tagc" "$(tar xOf got.tar "aem-$v/COMMIT")"

export SOURCE_DATE_EPOCH
SOURCE_DATE_EPOCH=$(git -C repo log -1 --format=%ct "v$v")
a=$PWD/a b=$PWD/b/a/much/longer/path
mkdir -p "$a" "$b"
tar -xzf "aem-$v.tar.gz" -C "$a"
tar -xzf "aem-$v.tar.gz" -C "$b"
for d in "$a" "$b"; do
	make -s -j2 -C "$d/aem-$v" programs > "$d.log" 2>&1 || { tail -n 30 "$d.log" >&2; fail "build in $d failed"; }
done
for p in aem aem-boot aem-boot-tpm2 aem-boot-tpm12; do
	x=$a/aem-$v/build/$p y=$b/aem-$v/build/$p
	[ -s "$x" ] && [ -s "$y" ] || fail "$p was not built"
	cmp -s "$x" "$y" || fail "$p differs between the builds in $a and $b: $(cmp "$x" "$y" | head -1)"
	for d in "$a" "$b"; do
		! grep -qaF "$d" "$x" || fail "$p holds the build directory $d"
	done
	echo "ok: $p is bit-identical ($(sha256sum < "$x" | cut -c1-16)..., $(stat -c %s "$x") bytes), no build path in it"
done
assert_eq "aem --version built from the tarball" "aem $v commit $tagc" \
	"$(echo $("$a/aem-$v/build/aem" --version))"
