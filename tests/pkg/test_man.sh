# The three manual pages render with man -l and groff's every warning on
# (-ww) without a single warning; a page with a bad request does warn (so the
# check can fail); make install puts them, and the bash completion, where man
# and bash-completion look.
source "$AEM_SRC/tests/lib/common.sh"
command -v groff >/dev/null || fail "groff is not installed (scripts/install-deps installs it)"
render() { # page -> stdout: the text; stderr: groff's warnings
	LC_ALL=C.UTF-8 MANWIDTH=80 MAN_KEEP_FORMATTING= man --warnings=w -l "$1"
}
for p in aem.1 aem.conf.5 aem-boot.8; do
	f=$AEM_SRC/docs/man/$p
	[ -f "$f" ] || fail "docs/man/$p is missing"
	render "$f" > out.txt 2> warn.txt || fail "man -l $p failed: $(cat warn.txt)"
	[ ! -s warn.txt ] || { cat warn.txt >&2; fail "$p: groff -ww warns"; }
	name=${p%.*}
	grep -q "^NAME" out.txt || fail "$p has no NAME section"
	sed -n '/^NAME/,/^[A-Z]/p' out.txt > name.txt
	grep -q -- "$name" name.txt || fail "$p: NAME does not name $name"
	[ "$(wc -l < out.txt)" -gt 30 ] || fail "$p renders to only $(wc -l < out.txt) lines"
	echo "ok: $p renders without warnings ($(wc -l < out.txt) lines)"
done

# the check itself: an undefined macro and string must be reported
printf '.TH BAD 1\n.SH NAME\nbad \\- bad\n.XX oops\n\\*[nostring]\n' > bad.1
render bad.1 > /dev/null 2> warn.txt || true
grep -q "warning" warn.txt || fail "groff -ww did not warn about a bad page: the check cannot fail"
echo "ok: a page with an undefined macro is reported"

# make install puts them (and the completion) where man and bash-completion look
make -s -C "$AEM_SRC" BUILD="$AEM_BUILD" install DESTDIR="$PWD/root" PREFIX=/usr >/dev/null
for f in usr/share/man/man1/aem.1 usr/share/man/man5/aem.conf.5 usr/share/man/man8/aem-boot.8 \
	usr/share/bash-completion/completions/aem usr/bin/aem usr/lib/aem/aem-boot-tpm2; do
	[ -f "root/$f" ] || fail "make install did not install /$f"
done
echo "ok: make install installs the man pages and the completion"
