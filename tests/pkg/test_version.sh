# aem --version prints the version (the file VERSION) and the source commit,
# taken here from git itself; the packaging and the man pages name the same
# version.
source "$AEM_SRC/tests/lib/common.sh"
v=$(cat "$AEM_SRC/VERSION")
[[ $v =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "VERSION holds '$v', not X.Y.Z"
out=$("$AEM_BUILD/aem" --version)
assert_eq "aem --version, first line" "aem $v" "$(echo "$out" | sed -n 1p)"
assert_eq "aem version = aem --version" "$out" "$("$AEM_BUILD/aem" version)"
if git -C "$AEM_SRC" rev-parse --verify -q HEAD >/dev/null 2>&1; then
	want=$(git -C "$AEM_SRC" rev-parse HEAD)
	git -C "$AEM_SRC" diff --quiet HEAD -- || want="$want-dirty"
	# the binary may predate the last commit: rebuild the one object that says it
	make -s -C "$AEM_SRC" BUILD="$AEM_BUILD" "$AEM_BUILD/aem" >/dev/null
	assert_eq "aem --version, commit line (git rev-parse HEAD)" "commit $want" \
		"$("$AEM_BUILD/aem" --version | sed -n 2p)"
else
	echo "note: not a git checkout: the commit comes from COMMIT ($(head -c 12 "$AEM_SRC/COMMIT"))"
fi
rc=0; "$AEM_BUILD/aem" version extra 2>err.txt || rc=$?
assert_eq "aem version with an argument: usage exit" 2 "$rc"

# one version everywhere
deb=$(sed -n '1s/^aem (\([^)-]*\)-[^)]*).*/\1/p' "$AEM_SRC/debian/changelog")
assert_eq "debian/changelog upstream version" "$v" "$deb"
assert_eq "aem.spec Version" "$v" "$(awk '$1 == "Version:" {print $2}' "$AEM_SRC/aem.spec")"
for p in aem.1 aem.conf.5 aem-boot.8; do
	assert_eq "docs/man/$p .TH version" "aem $v" \
		"$(awk '/^\.TH/ {print $5, $6; exit}' "$AEM_SRC/docs/man/$p" | tr -d '"')"
done
