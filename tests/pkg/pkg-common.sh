# Shared by the packaging tests: source after tests/lib/common.sh.
#   snapshot DIR   copy the source as it is now (tracked and new files, not
#                  ignored ones) to DIR, with COMMIT holding the commit it is
#                  from, as in a release tarball
snapshot() {
	mkdir -p "$1"
	(cd "$AEM_SRC" && git ls-files -z -co --exclude-standard | tar --null -T - -cf -) | tar -xf - -C "$1"
	"$AEM_SRC/scripts/source-commit" > "$1/COMMIT"
}
