#!/usr/bin/env bats
# SIGTERM/SIGINT in every phase of every program (issue 21): blocked
# reading a paused input (a FIFO operand held open with no data, stdin a
# pipe whose writer stays), busy with an endless input, computing after
# the input ended (training), and blocked writing to a pipe nobody reads.
# Each must end within a second of the signal (STOP_LIMIT_MS, default
# 1000), as the man pages say:
# - streaming programs stop reading, write what the input read so far
#   gives, flush and exit 0 (DESIGN.md "Delivery semantics"); a stop while
#   the reader takes nothing ends in 74, "write error" (nothing flushed);
# - batch programs (training, ad-stl without --window, ad-classify,
#   ad-plot, ad-eval) give no result of part of the input: they end by
#   the signal (143, 130) and leave no model at the output path.
# Phases are reached by watching the process (/proc/PID/wchan of each
# thread, /proc/PID/io), never by sleeping and hoping; every wait is
# bounded and every process started is killed in teardown.

load ../helpers/common

LIMIT=${STOP_LIMIT_MS:-1000}

setup_file() {
	export R="$BATS_FILE_TMPDIR"
	kdd-gen --seed 1 --count 2000 --start 2026-11-21T00:00:00Z >"$R/kdd"
	head -n 50 "$R/kdd" >"$R/kdd50"
	ad-train-rf --trees 3 --seed 1 -q -o "$R/kdd.rf" "$R/kdd"
	# 3 keys of 400 points each, one a minute, a period of 12
	awk 'BEGIN { for (i = 0; i < 1200; i++)
		printf "{\"id\":\"k%d\",\"ts\":%.0f,\"value\":%.3f}\n", i % 3,
		    1700000000000 + int(i / 3) * 60000, 10 + (i % 36) / 3 + (i % 7) / 10 }' >"$R/series"
	head -n 60 "$R/series" >"$R/series60"
	# 100 keys of 200 points: a picture of 100 panels, 470 KB
	awk 'BEGIN { for (i = 0; i < 20000; i++)
		printf "{\"id\":\"k%d\",\"ts\":%.0f,\"value\":%.3f}\n", i % 100,
		    1700000000000 + int(i / 100) * 60000, (i * 7919) % 1000 / 7 }' >"$R/panels"
	ad-forecast train -q --seed 1 --epochs 1 --hidden 4 --window 5 -o "$R/m.lstm" "$R/series"
	# scored points with truth for ad-eval
	awk 'BEGIN { for (i = 0; i < 2000; i++)
		printf "{\"id\":\"k\",\"ts\":%.0f,\"score\":%.3f,\"label\":\"%s\"}\n",
		    1700000000000 + i * 60000, (i % 97) / 97, i % 10 ? "normal." : "attack" }' >"$R/scored"
}

setup() {
	T=$BATS_TEST_TMPDIR
	: >"$T/pids"
}

teardown() {
	local p
	exec 6<&- 7<&- 8<&- 2>/dev/null || true
	while read -r p; do
		kill -9 "$p" 2>/dev/null || true
	done <"$T/pids"
}

# reset: end what the last phase started, for another in the same test
reset() {
	teardown
	rm -f "$T/in" "$T/o" "$T/out" "$T/want" "$T/err"
	: >"$T/pids"
}

# spawn CMD...: start CMD in the background (with the caller's
# redirections); its pid in $pid, killed in teardown.
spawn() {
	# explicit <&0: a background job's stdin is /dev/null otherwise
	"$@" <&0 3>&- &
	pid=$!
	echo "$pid" >>"$T/pids"
}

# feeder SCRIPT: fd 6 reads a pipe whose writer runs SCRIPT (sh -c), then
# stays open without writing, so that a reader of fd 6 waits.
feeder() {
	exec 6< <(
		exec 3>&-
		sh -c "$1"
		exec sleep 60
	)
	echo "$!" >>"$T/pids"
}

# endless KIND: a shell script writing records for ever: kdd (KDD
# records from kdd-gen), points (metric points of 3 keys), scored
endless() {
	case $1 in
	kdd) echo "exec kdd-gen --seed 2 --start 2026-11-21T00:00:00Z" ;;
	points) echo "exec awk 'BEGIN { for (i = 0; ; i++)
		printf \"{\\\"id\\\":\\\"k%d\\\",\\\"ts\\\":%.0f,\\\"value\\\":%d}\\n\", i % 3,
		    1700000000000 + int(i / 3) * 60000, 10 + i % 13 }'" ;;
	scored) echo "exec awk 'BEGIN { for (i = 0; ; i++)
		printf \"{\\\"id\\\":\\\"k\\\",\\\"ts\\\":%.0f,\\\"score\\\":%.3f,\\\"label\\\":\\\"%s\\\"}\\n\",
		    1700000000000 + i * 60000, (i % 97) / 97, i % 10 ? \"normal.\" : \"attack\" }'" ;;
	esac
}

alive() {
	local s
	s=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$s" ] && [ "$s" != Z ]
}

# in_call read|write: some thread of $pid sleeps reading (or polling) or
# writing a pipe.
in_call() {
	local w t
	for t in /proc/$pid/task/*; do
		w=$(cat "$t/wchan" 2>/dev/null) || continue
		case $1:$w in
		read:*pipe_read* | read:*poll* | read:*select* | write:*pipe_write*)
			return 0
			;;
		esac
	done
	return 1
}

# read_at_least N: $pid has read N bytes or more
read_at_least() {
	local r
	r=$(sed -n 's/^rchar: //p' "/proc/$pid/io" 2>/dev/null)
	[ -n "$r" ] && [ "$r" -ge "$1" ]
}

# size_at_least FILE N: FILE holds N bytes or more
size_at_least() {
	[ "$(stat -c %s "$1")" -ge "$2" ]
}

# await WHAT CMD...: poll CMD (every 20 ms, at most 10 s) until it holds
# while $pid runs; fails saying WHAT was not reached.
await() {
	local what=$1 i
	shift
	for ((i = 0; i < 500; i++)); do
		alive || {
			wait "$pid" || true
			fail "ended before $what: $(cat "$T/err" 2>/dev/null)"
		}
		"$@" && return 0
		sleep 0.02
	done
	fail "$what not reached within 10 s"
}

# stop SIG: send SIG to $pid and wait (at most 5 s) for it to end; sets
# status and ms (milliseconds from the signal to the end); fails when it
# did not end within LIMIT ms.
stop() {
	local t0 i
	t0=$(date +%s%N)
	kill -"$1" "$pid"
	for ((i = 0; i < 1000; i++)); do
		alive || break
		sleep 0.005
	done
	ms=$((($(date +%s%N) - t0) / 1000000))
	if alive; then
		kill -9 "$pid"
		wait "$pid" || true
		fail "still running 5 s after SIG$1"
	fi
	status=0
	wait "$pid" || status=$?
	[ "$ms" -le "$LIMIT" ] || fail "ended ${ms} ms after SIG$1 (limit $LIMIT)"
}

# whole_records FILE: FILE is not empty and ends with a whole JSON record
whole_records() {
	[ -s "$1" ] || fail "nothing written"
	[ "$(tail -c 1 "$1" | od -An -c | tr -d ' ')" = '\n' ] || fail "last line cut"
	tail -n 2 "$1" | jq -e . >/dev/null || fail "last record not JSON"
}

# The phases of a streaming program; the command follows "--" and is
# given its input as an operand (fifo) or on stdin (the others).

# s_paused fifo|stdin SIG FEED CMD...: FEED's records come, then none; on
# SIG the program ends with 0 and has written what FEED alone gives.
s_paused() {
	local how=$1 sig=$2 feed=$3
	shift 3
	if [ "$how" = fifo ]; then
		"$@" "$feed" >"$T/want" 2>/dev/null || true
		mkfifo "$T/in"
		exec 7<>"$T/in"
		spawn "$@" "$T/in" >"$T/out" 2>"$T/err"
		cat "$feed" >&7
	else
		"$@" <"$feed" >"$T/want" 2>/dev/null || true
		feeder "cat '$feed'"
		spawn "$@" <&6 >"$T/out" 2>"$T/err"
	fi
	await "all of the input read" read_at_least "$(wc -c <"$feed")"
	await "a blocked read" in_call read
	stop "$sig"
	assert_equal "$status" 0
	cmp "$T/want" "$T/out" || fail "not what the input read gives: $(diff "$T/want" "$T/out" | head -5)"
}

# busy SIG KIND CMD...: CMD reads endless input of KIND; SIG once it has
# read 2 MB.  The callers check how it ended.
busy() {
	local sig=$1
	feeder "$(endless "$2")"
	shift 2
	spawn "$@" <&6 >"$T/out" 2>"$T/err"
	await "2 MB read" read_at_least 2000000
	stop "$sig"
}

# s_busy SIG KIND CMD...: endless input; on SIG: 0, whole records.
s_busy() {
	busy "$@"
	assert_equal "$status" 0
	whole_records "$T/out"
}

# s_blocked SIG KIND CMD...: endless input, output to a pipe nobody
# reads; on SIG: 74 and a write error, within the limit.
s_blocked() {
	local sig=$1
	feeder "$(endless "$2")"
	shift 2
	mkfifo "$T/o"
	exec 8<>"$T/o"
	spawn "$@" <&6 >"$T/o" 2>"$T/err"
	await "a blocked write" in_call write
	stop "$sig"
	assert_equal "$status" 74
	grep -q "write error on '<stdout>'" "$T/err" || fail "stderr: $(cat "$T/err")"
}

# The phases of a batch program: it ends by the signal (143 or 130) and
# leaves nothing at $T/model when that is its output.

b_status() {
	case $1 in
	TERM) assert_equal "$status" 143 ;;
	INT) assert_equal "$status" 130 ;;
	esac
	[ ! -e "$T/model" ] || fail "a model was written"
	[ -z "$(ls -A "$T" | grep -v -e '^in$' -e '^o$' -e '^out$' -e '^err$' -e '^pids$' -e '^want$')" ] ||
		fail "left behind: $(ls -A "$T")"
}

# b_paused fifo|stdin SIG FEED CMD...
b_paused() {
	local how=$1 sig=$2 feed=$3
	shift 3
	if [ "$how" = fifo ]; then
		mkfifo "$T/in"
		exec 7<>"$T/in"
		spawn "$@" "$T/in" >"$T/out" 2>"$T/err"
		cat "$feed" >&7
	else
		feeder "cat '$feed'"
		spawn "$@" <&6 >"$T/out" 2>"$T/err"
	fi
	await "all of the input read" read_at_least "$(wc -c <"$feed")"
	await "a blocked read" in_call read
	stop "$sig"
	b_status "$sig"
}

# b_busy SIG KIND CMD...
b_busy() {
	busy "$@"
	b_status "$1"
}

# b_compute SIG FILE CMD...: FILE read whole, then a long computation
b_compute() {
	local sig=$1 file=$2
	shift 2
	spawn "$@" "$file" >"$T/out" 2>"$T/err"
	await "all of the input read" read_at_least "$(wc -c <"$file")"
	sleep 0.2
	alive || fail "the computation ended before the signal"
	stop "$sig"
	b_status "$sig"
}

# b_blocked SIG FILE CMD...: output (stdout) to a pipe nobody reads
b_blocked() {
	local sig=$1 file=$2
	shift 2
	mkfifo "$T/o"
	exec 8<>"$T/o"
	spawn "$@" "$file" >"$T/o" 2>"$T/err"
	await "a blocked write" in_call write
	stop "$sig"
	b_status "$sig"
}

# --- kdd-gen -------------------------------------------------------------

@test "kdd-gen --in-order: paused FIFO, paused stdin" {
	head -n 20 "$FIXTURES/kdd/sample.csv" >"$T/csv"
	s_paused fifo TERM "$T/csv" kdd-gen --seed 1 --in-order --start 2026-11-21T00:00:00Z
	reset
	s_paused stdin INT "$T/csv" kdd-gen --seed 1 --in-order --start 2026-11-21T00:00:00Z -
}

@test "kdd-gen: busy generating, blocked writing" {
	spawn kdd-gen --seed 1 >"$T/out" 2>"$T/err"
	await "1 MB written" size_at_least "$T/out" 1000000
	stop TERM
	assert_equal "$status" 0
	whole_records "$T/out"
	mkfifo "$T/o"
	exec 8<>"$T/o"
	spawn kdd-gen --seed 1 >"$T/o" 2>"$T/err"
	await "a blocked write" in_call write
	stop INT
	assert_equal "$status" 74
	grep -q "write error on '<stdout>'" "$T/err" || fail "stderr: $(cat "$T/err")"
}

# --- ad-clean --------------------------------------------------------------

@test "ad-clean: paused FIFO" { s_paused fifo TERM "$R/kdd50" ad-clean; }
@test "ad-clean: paused stdin" { s_paused stdin INT "$R/kdd50" ad-clean; }
@test "ad-clean: busy" { s_busy TERM kdd ad-clean; }
@test "ad-clean: blocked writing" { s_blocked TERM kdd ad-clean; }
@test "ad-clean --dedup: paused FIFO" { s_paused fifo INT "$R/kdd50" ad-clean --dedup uuid; }
@test "ad-clean --dedup: paused stdin" { s_paused stdin TERM "$R/kdd50" ad-clean --dedup uuid; }
@test "ad-clean --dedup: busy" { s_busy INT kdd ad-clean --dedup uuid; }
@test "ad-clean --dedup: blocked writing" { s_blocked INT kdd ad-clean --dedup uuid; }
@test "ad-clean --series: paused FIFO" { s_paused fifo TERM "$R/series60" ad-clean --series --step 1m; }
@test "ad-clean --series: paused stdin" { s_paused stdin INT "$R/series60" ad-clean --series --step 1m; }
@test "ad-clean --series: busy" { s_busy TERM points ad-clean --series --step 1m; }
@test "ad-clean --series: blocked writing" { s_blocked TERM points ad-clean --series --step 1m; }

# --- ad-stl --window (streaming) and batch -----------------------------------

@test "ad-stl --window: paused FIFO" { s_paused fifo TERM "$R/series60" ad-stl --window 10m; }
@test "ad-stl --window: paused stdin" { s_paused stdin INT "$R/series60" ad-stl --window 10m; }
@test "ad-stl --window: busy" { s_busy INT points ad-stl --window 10m; }
@test "ad-stl --window: blocked writing" { s_blocked TERM points ad-stl --window 10m; }
@test "ad-stl: paused FIFO" { b_paused fifo TERM "$R/series" ad-stl --period 12; }
@test "ad-stl: paused stdin" { b_paused stdin INT "$R/series" ad-stl --period 12; }
@test "ad-stl: busy" { b_busy TERM points ad-stl --period 12; }
@test "ad-stl: blocked writing" { b_blocked INT "$R/series" ad-stl --period 12; }

# --- ad-classify -------------------------------------------------------------

@test "ad-classify: paused FIFO" { b_paused fifo TERM "$R/series" ad-classify --tag; }
@test "ad-classify: paused stdin" { b_paused stdin INT "$R/series" ad-classify --tag; }
@test "ad-classify: busy" { b_busy INT points ad-classify --tag; }
@test "ad-classify: blocked writing" { b_blocked TERM "$R/series" ad-classify --tag; }

# --- ad-train-rf ---------------------------------------------------------------

@test "ad-train-rf: paused FIFO, paused stdin, busy" {
	b_paused fifo TERM "$R/kdd" ad-train-rf -q -o "$T/model"
	reset
	b_paused stdin INT "$R/kdd" ad-train-rf -q -o "$T/model" -
	reset
	b_busy TERM kdd ad-train-rf -q -o "$T/model" -
}

@test "ad-train-rf: growing trees, every mode" {
	b_compute INT "$R/kdd" ad-train-rf -q --threads 1 --trees 100000 -o "$T/model"
	b_compute TERM "$R/kdd" ad-train-rf -q --threads 2 --mode unsupervised --trees 100000 -o "$T/model"
	b_compute INT "$R/kdd" ad-train-rf -q --mode isolation --trees 100000 -o "$T/model"
	b_compute TERM "$R/kdd" ad-train-rf -q --mode boost --rounds 100000 --early-stop 0 -o "$T/model"
}

@test "ad-train-rf: cross-validation and grid search" {
	b_compute TERM "$R/kdd" ad-train-rf -q --cv 5 --trees 100000 -o "$T/model"
	b_compute INT "$R/kdd" ad-train-rf -q --grid 'trees=99999,100000' -o "$T/model"
}

@test "ad-train-rf: writing the model into a pipe nobody reads" {
	mkfifo "$T/o"
	exec 8<>"$T/o"
	spawn ad-train-rf -q --trees 300 -o "$T/o" "$R/kdd" 2>"$T/err"
	await "a blocked write" in_call write
	stop TERM
	assert_equal "$status" 143
}

# --- ad-score ----------------------------------------------------------------------

@test "ad-score -m: paused FIFO" { s_paused fifo TERM "$R/kdd50" ad-score -m "$R/kdd.rf"; }
@test "ad-score -m: paused stdin" { s_paused stdin INT "$R/kdd50" ad-score -m "$R/kdd.rf"; }
@test "ad-score -m: busy" { s_busy TERM kdd ad-score -m "$R/kdd.rf"; }
@test "ad-score -m: blocked writing" { s_blocked INT kdd ad-score -m "$R/kdd.rf"; }
@test "ad-score --zscore: paused FIFO" { s_paused fifo INT "$R/series60" ad-score --zscore 3; }
@test "ad-score --zscore: paused stdin" { s_paused stdin TERM "$R/series60" ad-score --zscore 3; }
@test "ad-score --zscore: busy" { s_busy INT points ad-score --zscore 3; }
@test "ad-score --zscore: blocked writing" { s_blocked TERM points ad-score --zscore 3; }

# --- ad-forecast -------------------------------------------------------------------

@test "ad-forecast train: paused FIFO, paused stdin, busy" {
	b_paused fifo TERM "$R/series" ad-forecast train -q -o "$T/model"
	reset
	b_paused stdin INT "$R/series" ad-forecast train -q -o "$T/model" -
	reset
	b_busy TERM points ad-forecast train -q -o "$T/model" -
}

@test "ad-forecast train: LSTM epochs" {
	b_compute INT "$R/series" ad-forecast train -q --epochs 100000 -o "$T/model"
	b_compute TERM "$R/series" ad-forecast train -q --per-key --epochs 100000 -o "$T/model"
}

@test "ad-forecast run: paused FIFO" { s_paused fifo TERM "$R/series60" ad-forecast run -m "$R/m.lstm"; }
@test "ad-forecast run: paused stdin" { s_paused stdin INT "$R/series60" ad-forecast run -m "$R/m.lstm"; }
@test "ad-forecast run: busy" { s_busy TERM points ad-forecast run -m "$R/m.lstm"; }
@test "ad-forecast run: blocked writing" { s_blocked INT points ad-forecast run -m "$R/m.lstm"; }

# --- ad-alert -----------------------------------------------------------------------

@test "ad-alert: paused FIFO" { s_paused fifo TERM "$R/series60" ad-alert --field value --above 15; }
@test "ad-alert: paused stdin" { s_paused stdin INT "$R/series60" ad-alert --field value --above 15; }
@test "ad-alert: busy" { s_busy TERM points ad-alert --field value --above 15; }
@test "ad-alert: blocked writing" { s_blocked INT points ad-alert --field value --above 15; }

# --- ad-plot ---------------------------------------------------------------------------

@test "ad-plot: paused FIFO" { b_paused fifo TERM "$R/series" ad-plot; }
@test "ad-plot: paused stdin" { b_paused stdin INT "$R/series" ad-plot; }
@test "ad-plot: busy" { b_busy INT points ad-plot; }
@test "ad-plot: blocked writing" { b_blocked TERM "$R/panels" ad-plot --max-panels 100; }

# --- ad-detect -------------------------------------------------------------------------

@test "ad-detect: paused FIFO" { s_paused fifo TERM "$R/series60" ad-detect; }
@test "ad-detect: paused stdin" { s_paused stdin INT "$R/series60" ad-detect; }
@test "ad-detect: busy" { s_busy INT points ad-detect; }
@test "ad-detect: blocked writing" { s_blocked TERM points ad-detect; }

# --- ad-eval ---------------------------------------------------------------------------

@test "ad-eval: paused FIFO" { b_paused fifo TERM "$R/scored" ad-eval --truth label --negative normal.; }
@test "ad-eval: paused stdin" { b_paused stdin INT "$R/scored" ad-eval --truth label --negative normal.; }
@test "ad-eval: busy" { b_busy TERM scored ad-eval --truth label --negative normal.; }

# --- what an output option blocks on (issue 21): --svg, --reject, --state -----

@test "ad-eval: blocked writing the --svg into a FIFO nobody reads" {
	# 50 keys of 400 scores with a window each: a 380 KB picture
	awk 'BEGIN { for (i = 0; i < 20000; i++)
		printf "{\"id\":\"k%d\",\"ts\":%.0f,\"score\":%.3f}\n", i % 50,
		    1700000000000 + int(i / 50) * 60000, (i % 97) / 97 }' >"$R/nab"
	python3 -c 'import json; print(json.dumps({"k%d" % k: [["2023-11-14 22:30:00", "2023-11-14 23:00:00"]] for k in range(50)}))' >"$R/win"
	mkfifo "$T/o"
	exec 8<>"$T/o"
	spawn ad-eval --windows "$R/win" --svg "$T/o" "$R/nab" >"$T/out" 2>"$T/err"
	await "a blocked write" in_call write
	stop TERM
	b_status TERM
}

# s_blocked_file SIG OPT KIND CMD...: endless input of KIND; OPT (a
# file option) names a FIFO nobody reads; on SIG: 74, a write error on it.
s_blocked_file() {
	local sig=$1 opt=$2
	feeder "$(endless "$3")"
	shift 3
	mkfifo "$T/o"
	exec 8<>"$T/o"
	spawn "$@" "$opt" "$T/o" <&6 >"$T/out" 2>"$T/err"
	await "a blocked write" in_call write
	stop "$sig"
	assert_equal "$status" 74
	grep -q "write error on '$T/o'" "$T/err" || fail "stderr: $(head -c 300 "$T/err")"
}

@test "--reject into a FIFO nobody reads: every streaming program ends, 74" {
	# endless bad lines: each goes to --reject
	endless() { echo "exec yes 'this is not json'"; }
	s_blocked_file TERM --reject bad ad-clean
	reset
	s_blocked_file INT --reject bad ad-score --zscore 3
	reset
	s_blocked_file TERM --reject bad ad-detect
	reset
	s_blocked_file INT --reject bad ad-alert --field value --above 1
}

@test "--state into a FIFO nobody reads: ad-score and ad-detect end, 74" {
	# 20,000 keys: 870 KB of state, saved when the input ends
	awk 'BEGIN { for (i = 0; i < 20000; i++)
		printf "{\"id\":\"key%d\",\"ts\":%.0f,\"value\":%d}\n", i,
		    1700000000000 + i * 1000, i % 7 }' >"$R/keys"
	for cmd in "ad-score --zscore 3" "ad-detect"; do
		reset
		mkfifo "$T/o"
		exec 8<>"$T/o"
		spawn $cmd --state "$T/o" "$R/keys" >"$T/out" 2>"$T/err"
		await "a blocked write" in_call write
		stop TERM
		assert_equal "$status" 74
		grep -q "'$T/o'" "$T/err" || fail "$cmd: stderr: $(head -c 300 "$T/err")"
	done
}
