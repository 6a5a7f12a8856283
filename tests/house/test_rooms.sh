# The house rules of docs/architecture.md, checked on the sources and on the
# built objects (which symbol of which file another file uses):
#   1. a room uses only rooms below it: the object graph between rooms follows
#      the ranks below, and has no cycle;
#   2. commands are leaves: no cmd_<verb> file uses another verb's code, and the
#      files of one verb use each other without a cycle;
#   3. no room below the CLI includes a CLI header;
#   4. the launch model is pure: no file or system I/O call in aem/launch;
#   5. the system is read through the platform room only: no direct open of
#      /sys, /proc or /dev/mem paths elsewhere (tpm-seal's own TPM device is
#      the exception: it sits below the platform room).
source "$AEM_SRC/tests/lib/common.sh"
cd "$AEM_SRC"
obj=$AEM_BUILD/obj
[ -d "$obj/aem/launch" ] || fail "no objects under $obj: build first"

# room rank (lowest first): a use must point to a lower rank or stay in its room
RANKS='function room(f) { sub(/\/[^\/]*$/, "", f); return f }
function rank(f) {
	if (f ~ /^tpm-seal\//) return 0; if (f ~ /^secret-display\//) return 1
	if (f ~ /^aem\/launch\//) return 2; if (f ~ /^aem\/platform\//) return 3
	if (f ~ /^aem\/doctor\//) return 4; if (f ~ /^aem\/lifecycle\//) return 5
	if (f ~ /^aem\/[^\/]*$/ || f ~ /^initramfs-hooks\/aem-boot\//) return 6
	return -1 }'

# Every project object, as its source path without .c
mapfile -t objs < <(cd "$obj" && find tpm-seal secret-display aem initramfs-hooks -name '*.o' | sed 's/\.o$//' | sort)
[ ${#objs[@]} -gt 50 ] || fail "only ${#objs[@]} objects found"
defs=$(mktemp) uses=$(mktemp) edges=$(mktemp)
for o in "${objs[@]}"; do
	nm --defined-only -g "$obj/$o.o" | awk -v o="$o" 'NF == 3 {print $3, o}'
done | sort -k1,1 > "$defs"
for o in "${objs[@]}"; do
	nm -u "$obj/$o.o" | awk -v o="$o" '{print $2, o}'
done | sort -k1,1 > "$uses"
# user -> definer, one line per pair of different files
join "$uses" "$defs" | awk '$2 != $3 {print $2, $3}' | sort -u > "$edges"
[ -s "$edges" ] || fail "no symbol references between files: the check would be empty"
echo "ok: $(wc -l < "$edges") file-to-file uses among ${#objs[@]} objects"

# 1. rooms follow the ranks (the CLI and the boot program are both on top and
#    never use each other)
bad=$(awk "$RANKS"' {
	if (rank($1) < 0 || rank($2) < 0) print "unknown room: " $1 " -> " $2
	else if (room($1) != room($2) && rank($1) <= rank($2)) print "upward or sideways: " $1 " -> " $2
}' "$edges")
[ -z "$bad" ] || { echo "$bad"; fail "a room uses a room that is not below it"; }
awk "$RANKS"' room($1) != room($2) {print room($1), room($2)}' "$edges" | sort -u > "$edges.rooms"
tsort "$edges.rooms" > /dev/null 2> "$edges.loop" || true
[ ! -s "$edges.loop" ] || { cat "$edges.loop"; fail "the rooms form a cycle"; }
echo "ok: every use between rooms points down; $(wc -l < "$edges.rooms") room-to-room arrows, no cycle"
sed 's/^/  /' "$edges.rooms"

# 2. commands are leaves
verb_of() { # aem/cmd_totp_code -> cmd_totp (the longest cmd_ prefix that is a file)
	local n=${1#aem/} p
	p=$n
	while [ "$p" != cmd ]; do
		[ -f "aem/$p.c" ] && [ "$p" != "$n" ] && { echo "$p"; return; }
		case "$p" in *_*) p=${p%_*} ;; *) break ;; esac
	done
	echo "$n"
}
grep -E '^aem/cmd_[^ ]+ aem/cmd_' "$edges" > "$edges.cmd" || true
bad=0
while read -r a b; do
	[ "$(verb_of "$a")" = "$(verb_of "$b")" ] || { echo "$a uses $b"; bad=1; }
done < "$edges.cmd"
[ $bad -eq 0 ] || fail "a command uses another verb's code"
tsort "$edges.cmd" > /dev/null 2> "$edges.loop" || true
[ ! -s "$edges.loop" ] || { cat "$edges.loop"; fail "the files of one verb form a cycle"; }
echo "ok: no command uses another verb; within a verb no cycle ($(wc -l < "$edges.cmd") uses)"
ls aem/cmd_*.h 2>/dev/null | while read -r h; do
	v=$(basename "$h" .h)
	users=$(grep -l "#include \"$v.h\"" aem/*.c | xargs -n1 basename | sed 's/\.c$//' | grep -v "^$v" || true)
	[ -z "$users" ] || fail "$h is included by another verb: $users"
done

# 3. no CLI header below the CLI
cli_h=$(cd aem && ls *.h | paste -sd'|')
hits=$(grep -rnE "#include \"($cli_h)\"" tpm-seal secret-display aem/launch aem/platform aem/doctor \
	aem/lifecycle initramfs-hooks/aem-boot || true)
[ -z "$hits" ] || { echo "$hits"; fail "a room below the CLI includes a CLI header"; }
echo "ok: no CLI header ($cli_h) is included below the CLI"

# 4. the launch model does no I/O
io='\b(fopen|freopen|open|openat|creat|opendir|read|pread|write|pwrite|fread|fwrite|fgets|fscanf|stat|lstat|fstat|access|readlink|realpath|getenv|mmap|unlink|rename|mkdir|ioctl|socket|system|popen|exec[lv]p?e?)\s*\('
hits=$(grep -nE "$io" aem/launch/*.c aem/launch/*.h || true)
[ -z "$hits" ] || { echo "$hits"; fail "aem/launch does I/O"; }
undef=$(for o in "${objs[@]}"; do case "$o" in aem/launch/*) nm -u "$obj/$o.o" | awk '{print $2}' ;; esac; done |
	grep -E '^(fopen|fopen64|open|open64|openat|opendir|read|pread|pread64|fread|stat|stat64|access|readlink|realpath|getenv|secure_getenv|mmap|mmap64)$' | sort -u || true)
[ -z "$undef" ] || fail "objects of aem/launch call: $undef"
echo "ok: aem/launch calls no file or system I/O (sources and objects)"

# 5. the system is read through the platform room
hits=$(grep -rnE '\b(open|fopen|opendir|pread)\s*\(\s*"/(sys|proc|dev/mem)' aem initramfs-hooks/aem-boot secret-display |
	grep -v '^aem/platform/' || true)
[ -z "$hits" ] || { echo "$hits"; fail "the running system is read outside aem/platform"; }
echo "ok: /sys, /proc and /dev/mem are opened by aem/platform only"
rm -f "$defs" "$uses" "$edges" "$edges".*
