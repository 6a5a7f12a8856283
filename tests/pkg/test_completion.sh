# Bash completion (contrib/bash-completion/aem) against the program as it is:
# every verb of aem/main.c's verb table, every sub-verb a verb's --help names,
# and every long option a verb's or sub-verb's --help prints must be offered;
# nothing stale may be offered; and completing really works under
# bash-completion (_init_completion, _filedir).
source "$AEM_SRC/tests/lib/common.sh"
comp=$AEM_SRC/contrib/bash-completion/aem
aem=$AEM_BUILD/aem
[ -x "$aem" ] || fail "no $aem: build first"
bc=/usr/share/bash-completion/bash_completion
[ -f "$bc" ] || fail "bash-completion is not installed (scripts/install-deps installs it)"

# The verb table, read from the source (independent of the completion file).
table=$(sed -n '/verbs\[\] = {/,/^};/p' "$AEM_SRC/aem/main.c" | grep -o '^[[:space:]]*{ "[a-z0-9-]*"' | cut -d'"' -f2)
[ "$(echo "$table" | wc -w)" -ge 10 ] || fail "read only $(echo "$table" | wc -w) verbs from aem/main.c"
# ... and as the program prints it
printed=$("$aem" --help | awk '/^verbs:/ {on = 1; next} on && NF {print $1}')
assert_eq "verbs printed by aem --help = the table in aem/main.c" "$(echo $table)" "$(echo $printed)"

# (Every membership test reads a here-string: grep -q stops at the first match,
# and a writer into its pipe would die of SIGPIPE and fail the pipeline.)
# What the completion file offers, read by bash itself.
q() { bash -c 'complete() { :; }; source "$1"; shift; eval "$1"' _ "$comp" "$1"; }
c_verbs=$(q 'echo $_aem_verbs')
c_subs() { q 'for l in "${_aem_subverbs[@]}"; do [[ ${l%%:*} == '"$1"' ]] && echo ${l#*:}; done'; }
c_opts() { q 'for l in "${_aem_options[@]}"; do [[ ${l%%:*} == '"$1"' ]] && echo ${l#*:}; done'; }

missing=() stale=()
for v in $table; do
	grep -q -- " $v " <<< " $(echo $c_verbs) " || missing+=("verb $v: add it to _aem_verbs")
done
for v in $c_verbs; do
	grep -q -- " $v " <<< " $(echo $table) " || stale+=("verb $v is in _aem_verbs but not in aem/main.c")
done
nopts=0
for v in $table; do
	help=$("$aem" "$v" --help 2>&1 || true)
	# sub-verbs: the word after "aem VERB" on usage lines ("init|reseal|code|show" too)
	subs=$(echo "$help" | { grep -oE "aem $v +[a-z][a-z0-9|-]*" || true; } | awk '{print $3}' | tr '|' '\n' | sort -u)
	for s in $subs; do
		help+=$'\n'$("$aem" "$v" "$s" --help 2>&1 || true)
		grep -q -- " $s " <<< " $(c_subs "$v") " || missing+=("sub-verb $v $s: add it to _aem_subverbs ('$v:...')")
	done
	# another verb's option named in the text ("aem pcrs --json") is not this verb's
	others=$(echo $table | tr ' ' '\n' | grep -vx -- "$v" | paste -sd'|')
	help=$(echo "$help" | sed -E "s/aem ($others) --[a-z0-9-]+//g")
	want=$(echo "$help" | { grep -oE -- '--[a-z0-9][a-z0-9-]*' || true; } | { grep -vxE -- '--(help|version)' || true; } | sort -u)
	have=" $(echo $(c_opts "$v")) "
	for o in $want; do
		nopts=$((nopts + 1))
		grep -q -- " $o " <<< "$have" || missing+=("option $v $o: add it to the '$v:' line of _aem_options")
	done
	for o in $have; do
		grep -qx -- "$o" <<< "$want" || stale+=("option $v $o is offered but aem $v --help does not name it")
	done
done
[ ${#stale[@]} -eq 0 ] || { printf '  %s\n' "${stale[@]}" >&2; fail "${#stale[@]} stale entries in $comp"; }
[ ${#missing[@]} -eq 0 ] || { printf '  %s\n' "${missing[@]}" >&2; fail "${#missing[@]} missing from $comp"; }
echo "ok: $(echo $table | wc -w) verbs and $nopts verb options of --help all completed"

# Completing for real: COMP_WORDS as bash sets them, COMPREPLY as bash shows it.
complete_line() { # words... (the last is the word being completed)
	bash -c 'source "$1"; source "$2"; shift 2
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_aem aem "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' _ "$bc" "$comp" "$@"
}
assert_eq "aem se<TAB>" "seal secret " "$(complete_line aem se)"
assert_eq "aem seal --p<TAB>" "--pcrs --pin " "$(complete_line aem seal --p)"
assert_eq "aem seal --tpm <TAB>" "1.2 2.0 " "$(complete_line aem seal --tpm '')"
assert_eq "aem totp <TAB>" "code code-from-key init qr reseal show uri " "$(complete_line aem totp '')"
assert_eq "aem predict --format <TAB>" "json text tpm2-tools " "$(complete_line aem predict --format '')"
assert_eq "aem install --f<TAB> (a flag there)" "--format " "$(complete_line aem install --f)"
mkdir -p d/sub && : > d/file
assert_eq "aem doctor --root d/<TAB> (directories only)" "d/sub " "$(complete_line aem doctor --root d/)"
assert_eq "aem seal --in d/<TAB> (files)" "d/file d/sub " "$(complete_line aem seal --in d/)"
assert_eq "aem --v<TAB>" "--version " "$(complete_line aem --v)"
