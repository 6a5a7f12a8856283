#!/usr/bin/env bash
# The console display helper, on a real terminal (tmux): it shows the secret,
# waits for Enter, then leaves neither the secret nor earlier output on the
# screen or in the scrollback; and the frame looks the same with nothing to
# show (no failure indicator). tmux runs on a private socket in this test's
# directory and is ended through that socket.
set -euo pipefail
tool="$AEM_BUILD/tests/tools/disp_console"
command -v tmux >/dev/null || { echo "SKIP: tmux not installed (apt-get install tmux)"; exit 77; }
[ -x "$tool" ] || { echo "FAIL: test tool $tool not built"; exit 1; }
sock="$PWD/tmux.sock"
tm() { tmux -S "$sock" "$@"; }
trap 'tm kill-server 2>/dev/null || true' EXIT

wait_for() { # session file-or-text what
	for _ in $(seq 1 100); do
		case "$2" in
		file:*) [ -e "${2#file:}" ] && return 0 ;;
		*) tm capture-pane -p -t "$1" | grep -qF "$2" && return 0 ;;
		esac
		sleep 0.1
	done
	echo "FAIL: timed out waiting for $2 in $1"; tm capture-pane -p -t "$1" || true; exit 1
}

secret="Kestrel-7391 blue teapot"
printf '%s\n' "$secret" >secret.txt
title="Anti Evil Maid: check your secret"

start() { # session textfile|--none
	cat >"$1.sh" <<EOS
seq 1 300 | sed 's/^/earlier-output-/'
"$tool" "$title" $2
echo \$? >"$1.rc"
sleep 600
EOS
	tm new-session -d -s "$1" -x 100 -y 30 "bash $PWD/$1.sh"
	wait_for "$1" "Press Enter to continue."
}

start ok secret.txt
shown=$(tm capture-pane -p -t ok)
all=$(tm capture-pane -p -S - -E - -t ok)
grep -qF "$secret" <<<"$shown" || { echo "FAIL: the secret is not on the screen"; echo "$shown"; exit 1; }
grep -qF "$title" <<<"$shown" || { echo "FAIL: the title is not on the screen"; exit 1; }
! grep -q earlier-output <<<"$all" || { echo "FAIL: earlier output still in the scrollback while showing"; exit 1; }

start none --none
blank=$(tm capture-pane -p -t none)
# same frame: the success screen with the secret's text removed is the
# empty screen, line for line
same=$(sed "s/$secret//" <<<"$shown")
[ "$same" = "$blank" ] || { echo "FAIL: the frame differs without a secret"; diff <(echo "$same") <(echo "$blank") || true; exit 1; }
! grep -qiE 'fail|error|wrong|invalid|denied' <<<"$blank" || { echo "FAIL: a failure indicator is shown"; exit 1; }

for s in ok none; do
	tm send-keys -t "$s" Enter
	wait_for "$s" "file:$PWD/$s.rc"
	[ "$(cat "$s.rc")" = 0 ] || { echo "FAIL: helper exit status $(cat "$s.rc") in $s"; exit 1; }
	after=$(tm capture-pane -p -S - -E - -t "$s")
	if grep -qF -e "$secret" -e "$title" -e earlier-output -e "Press Enter" <<<"$after"; then
		echo "FAIL: screen or scrollback not cleared in $s:"; echo "$after"; exit 1
	fi
	[ -z "$(tr -d ' \n' <<<"$after")" ] || { echo "FAIL: text left in $s: $after"; exit 1; }
done
echo "secret shown, then screen and scrollback cleared; same frame without a secret"
