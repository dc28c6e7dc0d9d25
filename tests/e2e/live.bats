#!/usr/bin/env bats
# Live streams: every program writes what it has downstream in bounded
# time while its input is open but quiet, whatever the sink (a pipe, a
# file, -o FILE).  The input is a FIFO whose writer sends some records and
# then holds it open; the output must hold the records of those lines
# within DEADLINE seconds, long before the writer lets go (PAUSE seconds).
# The programs aim at 100 ms; the deadline leaves room for a busy machine.

load ../helpers/common

DEADLINE=1.5
PAUSE=8

setup() {
	T=$BATS_TEST_TMPDIR
	mkfifo "$T/fifo"
}

teardown() {
	touch "$T/release"
	[ -z "${PROG_PID:-}" ] || wait "$PROG_PID" 2>/dev/null || true
	[ -z "${WRITER_PID:-}" ] || wait "$WRITER_PID" 2>/dev/null || true
}

# points N: N one-minute points of key a, value 10 + (i mod 3), epoch ms.
points() {
	awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++)
		printf "{\"id\":\"a\",\"ts\":%.0f,\"value\":%d}\n", 1700000000000 + 60000 * i, 10 + i % 3 }'
}

# paused INPUT WANT SINK CMD...: run CMD reading the FIFO, its output going
# to $T/out through SINK (pipe: stdout into a pipe; file: stdout to a
# file; opt: -o $T/out), while a writer sends INPUT and then pauses; then
# wait until $T/out has WANT lines.  Sets ELAPSED (seconds from the end of
# the writing to the WANT-th line) and fails when DEADLINE passes first.
paused() {
	local input=$1 want=$2 sink=$3
	shift 3
	case $sink in
	pipe) ( "$@" < "$T/fifo" | cat > "$T/out" ) 2> "$T/err" & ;;
	file) "$@" < "$T/fifo" > "$T/out" 2> "$T/err" & ;;
	opt) "$@" -o "$T/out" < "$T/fifo" 2> "$T/err" & ;;
	esac
	PROG_PID=$!
	(
		cat "$input"
		touch "$T/written"
		for _ in $(seq $((PAUSE * 20))); do
			[ -e "$T/release" ] && break
			sleep 0.05
		done
	) > "$T/fifo" &
	WRITER_PID=$!
	while [ ! -e "$T/written" ]; do sleep 0.01; done
	local start now
	start=$(date +%s.%N)
	for (( ; ; )); do
		now=$(date +%s.%N)
		ELAPSED=$(echo "$now - $start" | bc)
		if [ -e "$T/out" ] && [ "$(wc -l < "$T/out")" -ge "$want" ]; then
			break
		fi
		if [ "$(echo "$ELAPSED > $DEADLINE" | bc)" = 1 ]; then
			echo "after ${ELAPSED}s: $(wc -l < "$T/out" 2>/dev/null || echo no) lines of $want" >&2
			cat "$T/err" >&2
			return 1
		fi
		sleep 0.02
	done
	echo "$want lines after ${ELAPSED}s" >&3
	touch "$T/release"
	PROG_STATUS=0
	wait "$PROG_PID" || PROG_STATUS=$?
	PROG_PID=
	[ "$PROG_STATUS" = "${WANT_STATUS:-0}" ]
	wait "$WRITER_PID"
	WRITER_PID=
}

# same CMD...: the output of CMD on the whole input, read from a file.
same() {
	"$@" < "$T/in" > "$T/want"
	diff "$T/want" "$T/out"
}

@test "ad-alert: an alert reaches a file while its input is paused" {
	printf '{"id":"a","ts":%d,"value":%d}\n' 1 1 2 2 3 9 4 2 > "$T/in"
	paused "$T/in" 1 file ad-alert --above 5
	run jq -r '[.alert, .id, .max] | @tsv' "$T/out"
	assert_output "$(printf 'above\ta\t9')"
	same ad-alert --above 5
}

@test "ad-alert: an alert reaches a pipe and -o FILE while input is paused" {
	printf '{"id":"a","ts":%d,"value":%d}\n' 1 1 2 9 > "$T/in"
	paused "$T/in" 1 pipe ad-alert --above 5
	assert_equal "$(jq -r .alert "$T/out")" above
	rm -f "$T/out" "$T/written" "$T/release"
	paused "$T/in" 1 opt ad-alert --above 5
	assert_equal "$(jq -r .alert "$T/out")" above
}

@test "ad-stl --window: every windowed point reaches the sink while paused" {
	points 7 > "$T/in"
	paused "$T/in" 7 pipe ad-stl --window 3m
	# The window of the last point holds values 11, 12, 10: mean 11.
	run jq -r 'select(.ts == 1700000360000) | [.value_mean, .window_n] | @tsv' "$T/out"
	assert_output "$(printf '11\t3')"
	same ad-stl --window 3m
}

@test "ad-score --zscore: scored records reach -o FILE while paused" {
	points 5 > "$T/in"
	paused "$T/in" 5 opt ad-score --zscore 3
	run jq -c '[.value, .anomaly]' "$T/out"
	assert_line --index 4 '[11,false]'
	ad-score --zscore 3 < "$T/in" > "$T/want"
	diff "$T/want" "$T/out"
}

@test "ad-score -m: the forest pipeline reaches a pipe while paused" {
	ad-train-rf -s 3 --trees 5 -o "$T/m.rf" "$FIXTURES/forest/train.ndjson"
	head -n 3 "$FIXTURES/forest/score.ndjson" > "$T/in"
	paused "$T/in" 3 pipe ad-score -m "$T/m.rf"
	same ad-score -m "$T/m.rf"
}

@test "ad-clean: cleaned records reach a file while paused" {
	head -n 4 "$FIXTURES/forest/train.ndjson" > "$T/in"
	paused "$T/in" 4 file ad-clean --schema none
	same ad-clean --schema none
}

@test "ad-forecast run: forecasts reach a file while paused" {
	ad-forecast train --window 12 --hidden 16 --epochs 5 --batch 16 -s 1 \
		-o "$T/m.lstm" "$FIXTURES/forecast/series.ndjson"
	grep '"id":"web"' "$FIXTURES/forecast/series.ndjson" | head -n 20 > "$T/in"
	paused "$T/in" 20 file ad-forecast run -m "$T/m.lstm"
	same ad-forecast run -m "$T/m.lstm"
}

# metric FILE NAME: the value of adpipe_NAME in a --metrics file.
metric() {
	awk -v n="adpipe_$2{" 'index($0, n) == 1 { print $2 + 0 }' "$1"
}

@test "--metrics: a paused ad-alert's figures, as Prometheus text, rewritten to the end" {
	printf '{"id":"a","ts":%d,"value":%d}\n' 1 1 2 9 3 2 > "$T/in"
	echo '{"id":"a","ts":4,"value":"x"}' >> "$T/in"
	WANT_STATUS=65 paused "$T/in" 1 file ad-alert --above 5 --metrics "$T/m.prom"
	# the last figures (written at the end), the file replaced whole
	assert_equal "$(metric "$T/m.prom" records_read_total)" 4
	assert_equal "$(metric "$T/m.prom" records_rejected_total)" 1
	assert_equal "$(metric "$T/m.prom" records_written_total)" 1
	assert_equal "$(metric "$T/m.prom" alerts_firing_total)" 1
	run grep -c '^# TYPE adpipe_[a-z_]* \(counter\|gauge\)$' "$T/m.prom"
	[ "$output" -ge 8 ]
	[ -z "$(ls "$T" | grep 'm.prom.tmp')" ]
	if command -v promtool > /dev/null; then
		promtool check metrics < "$T/m.prom"
	fi
}

@test "--metrics: written while the input waits, before the end" {
	printf '{"id":"a","ts":%d,"value":%d}\n' 1 1 2 2 3 3 > "$T/in"
	ad-stl --window 1m --metrics "$T/m.prom" < "$T/fifo" > /dev/null &
	PROG_PID=$!
	(
		cat "$T/in"
		while [ ! -e "$T/release" ]; do sleep 0.05; done
	) > "$T/fifo" &
	WRITER_PID=$!
	for _ in $(seq 150); do
		[ "$(metric "$T/m.prom" records_read_total 2>/dev/null)" = 3 ] && break
		sleep 0.02
	done
	# the input is still open: the file was rewritten while waiting
	# (within a second or two of the last line)
	kill -0 "$PROG_PID"
	assert_equal "$(metric "$T/m.prom" records_read_total)" 3
	touch "$T/release"
	wait "$PROG_PID"
	PROG_PID=
	for p in "ad-score --zscore 3" "ad-clean --series --step 1s"; do
		# shellcheck disable=SC2086
		$p --metrics "$T/p.prom" "$T/in" > /dev/null
		assert_equal "$p: $(metric "$T/p.prom" records_read_total)" "$p: 3"
	done
}
