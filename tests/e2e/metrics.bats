#!/usr/bin/env bats
# --metrics by value: the per-key state (keys held, bytes, evictions) and
# the model in service (age, reloads) on crafted inputs whose figures are
# known by hand, each file checked by promtool when it is installed.

load ../helpers/common

setup() {
	T=$BATS_TEST_TMPDIR
}

teardown() {
	exec 8<&- 2>/dev/null || true
	exec 9>&- 2>/dev/null || true
	[ -z "${PROG_PID:-}" ] || kill "$PROG_PID" 2>/dev/null || true
	[ -z "${WRITER_PID:-}" ] || kill "$WRITER_PID" 2>/dev/null || true
}

# metric FILE NAME: the value of adpipe_NAME in a --metrics file.
metric() {
	awk -v n="adpipe_$2{" 'index($0, n) == 1 { printf "%.15g\n", $2 }' "$1"
}

prom_ok() {
	if command -v promtool > /dev/null; then
		promtool check metrics < "$1"
	fi
}

# keys N...: one point per key named, at minute 1, 2, ... in that order.
keys() {
	local i=0 k
	for k in "$@"; do
		i=$((i + 1))
		printf '{"id":"%s","ts":%d,"value":%d}\n' "$k" $((60000 * i)) "$i"
	done
}

@test "ad-detect --metrics: 3 keys held, their bytes; --max-keys 2 evicts 1" {
	keys a b c a b c > "$T/in3"
	ad-detect --metrics "$T/m3.prom" "$T/in3" > /dev/null
	assert_equal "$(metric "$T/m3.prom" keys_held)" 3
	assert_equal "$(metric "$T/m3.prom" keys_evicted_total)" 0
	assert_equal "$(metric "$T/m3.prom" records_written_total)" 6
	prom_ok "$T/m3.prom"
	keys a > "$T/in1"
	ad-detect --metrics "$T/m1.prom" "$T/in1" > /dev/null
	assert_equal "$(metric "$T/m1.prom" keys_held)" 1
	# two more one-letter keys cost twice one key: at least the
	# detector's state each (as -v tells), plus the map's entry
	run --separate-stderr ad-detect -v "$T/in1"
	per=$(printf '%s\n' "$stderr" | sed -n 's/.*, \([0-9]*\) bytes of state per key.*/\1/p')
	[ "$per" -gt 0 ]
	b1=$(metric "$T/m1.prom" state_bytes)
	b3=$(metric "$T/m3.prom" state_bytes)
	[ $(((b3 - b1) % 2)) -eq 0 ]
	[ $(((b3 - b1) / 2)) -gt "$per" ]
	[ $(((b3 - b1) / 2)) -lt $((per + 200)) ]
	[ "$b1" -gt $(((b3 - b1) / 2)) ]
	keys a b c > "$T/in"
	ad-detect --max-keys 2 --metrics "$T/m.prom" "$T/in" > /dev/null
	assert_equal "$(metric "$T/m.prom" keys_held)" 2
	assert_equal "$(metric "$T/m.prom" keys_evicted_total)" 1
	prom_ok "$T/m.prom"
}

@test "ad-score --zscore --metrics: keys held and evicted" {
	keys a b c a > "$T/in"
	ad-score --zscore 3 --metrics "$T/m.prom" "$T/in" > /dev/null
	assert_equal "$(metric "$T/m.prom" keys_held)" 3
	assert_equal "$(metric "$T/m.prom" keys_evicted_total)" 0
	[ "$(metric "$T/m.prom" state_bytes)" -gt 0 ]
	ad-score --zscore 3 --max-keys 2 --metrics "$T/m.prom" "$T/in" > /dev/null
	# a b c: a evicted; a again: b evicted
	assert_equal "$(metric "$T/m.prom" keys_held)" 2
	assert_equal "$(metric "$T/m.prom" keys_evicted_total)" 2
	prom_ok "$T/m.prom"
	# 40 distinct keys, 2 points each: 40 held, more bytes than the 2 above
	for i in $(seq 40); do keys "k$i" "k$i"; done > "$T/in40"
	b2=$(metric "$T/m.prom" state_bytes)
	ad-score --zscore 3 --metrics "$T/m40.prom" "$T/in40" > /dev/null
	assert_equal "$(metric "$T/m40.prom" keys_held)" 40
	assert_equal "$(metric "$T/m40.prom" keys_evicted_total)" 0
	assert_equal "$(metric "$T/m40.prom" records_written_total)" 80
	[ "$(metric "$T/m40.prom" state_bytes)" -gt "$b2" ]
}

@test "ad-forecast run --metrics: a hot reload counts 1, the model's age follows its file" {
	ad-forecast train --window 12 --hidden 8 --epochs 2 --batch 16 -s 1 \
		-o "$T/m.lstm" "$FIXTURES/forecast/series.ndjson"
	cp "$T/m.lstm" "$T/m2.lstm"
	touch -d '2 hours ago' "$T/m.lstm"
	grep '"id":"web"' "$FIXTURES/forecast/series.ndjson" | head -n 40 > "$T/in"
	# without a change: no reload, the age is the file's (2 hours)
	ad-forecast run -m "$T/m.lstm" --metrics "$T/a.prom" "$T/in" > /dev/null
	assert_equal "$(metric "$T/a.prom" model_reloads_total)" 0
	age=$(metric "$T/a.prom" model_age_seconds)
	[ "${age%.*}" -ge 7190 ] && [ "${age%.*}" -le 7300 ]
	mkfifo "$T/fifo"
	start=$(date +%s)
	ad-forecast run -m "$T/m.lstm" --metrics "$T/b.prom" < "$T/fifo" > /dev/null &
	PROG_PID=$!
	(
		head -n 20 "$T/in"
		sleep 0.6
		mv "$T/m2.lstm" "$T/m.lstm" # a new model, modified now
		sleep 0.6
		tail -n 20 "$T/in"
	) > "$T/fifo" &
	WRITER_PID=$!
	timeout 20 tail --pid="$PROG_PID" -f /dev/null || kill "$PROG_PID"
	wait "$PROG_PID"
	PROG_PID=
	assert_equal "$(metric "$T/b.prom" model_reloads_total)" 1
	assert_equal "$(metric "$T/b.prom" records_read_total)" 40
	age=$(metric "$T/b.prom" model_age_seconds)
	[ "${age%.*}" -ge 0 ] && [ "${age%.*}" -le 60 ]
	loaded=$(metric "$T/b.prom" model_loaded_seconds)
	[ "${loaded%.*}" -ge "$start" ]
	assert_equal "$(metric "$T/b.prom" keys_held)" 1
	prom_ok "$T/b.prom"
}

@test "ad-stl --window and ad-clean --series --metrics: keys held and evicted" {
	keys a b c a > "$T/in"
	ad-stl --window 1m --metrics "$T/s.prom" "$T/in" > /dev/null
	assert_equal "$(metric "$T/s.prom" keys_held)" 3
	assert_equal "$(metric "$T/s.prom" keys_evicted_total)" 0
	[ "$(metric "$T/s.prom" state_bytes)" -gt 0 ]
	prom_ok "$T/s.prom"
	ad-stl --window 1m --max-keys 2 --metrics "$T/s.prom" "$T/in" > /dev/null
	assert_equal "$(metric "$T/s.prom" keys_held)" 2
	assert_equal "$(metric "$T/s.prom" keys_evicted_total)" 2
	ad-clean --series --step 1m --metrics "$T/c.prom" "$T/in" > /dev/null
	assert_equal "$(metric "$T/c.prom" keys_held)" 3
	assert_equal "$(metric "$T/c.prom" keys_evicted_total)" 0
	prom_ok "$T/c.prom"
	ad-clean --series --step 1m --max-keys 2 --metrics "$T/c.prom" "$T/in" > /dev/null
	assert_equal "$(metric "$T/c.prom" keys_held)" 2
	assert_equal "$(metric "$T/c.prom" keys_evicted_total)" 2
}

@test "ad-clean --dedup --metrics: values remembered as keys, forgotten ones evicted, their bytes" {
	printf '{"u":"%s","x":1}\n' a b c a b d e > "$T/in"
	ad-clean --schema none --dedup u --dedup-window 3 --metrics "$T/m.prom" "$T/in" > "$T/out"
	# a b c held; a b repeats; d forgets a, e forgets b
	assert_equal "$(cut -c7 "$T/out" | tr -d '\n')" abcde
	assert_equal "$(metric "$T/m.prom" keys_held)" 3
	assert_equal "$(metric "$T/m.prom" keys_evicted_total)" 2
	assert_equal "$(metric "$T/m.prom" records_written_total)" 5
	prom_ok "$T/m.prom"
	# 50 distinct values, each twice: 50 held, none forgotten
	for i in $(seq 50); do printf '{"u":"v%d"}\n{"u":"v%d"}\n' "$i" "$i"; done > "$T/in50"
	ad-clean --schema none --dedup u --metrics "$T/m.prom" "$T/in50" > /dev/null
	assert_equal "$(metric "$T/m.prom" keys_held)" 50
	assert_equal "$(metric "$T/m.prom" keys_evicted_total)" 0
	assert_equal "$(metric "$T/m.prom" records_written_total)" 50
	# a value of up to 36 bytes lives in its slot, a longer one costs
	# its own bytes more: 100 x's are 100 bytes more than "a"
	x36=$(printf 'x%.0s' $(seq 36))
	x100=$(printf 'x%.0s' $(seq 100))
	for v in a "$x36" "$x100"; do
		printf '{"u":"%s"}\n' "$v" |
			ad-clean --schema none --dedup u --metrics "$T/$v.prom" > /dev/null
	done
	b1=$(metric "$T/a.prom" state_bytes)
	[ "$b1" -gt 0 ]
	assert_equal "$(metric "$T/$x36.prom" state_bytes)" "$b1"
	assert_equal "$(metric "$T/$x100.prom" state_bytes)" $((b1 + 100))
}

@test "ad-stl --period --metrics: the series held until the end, and their points' bytes" {
	for k in a b c; do
		for i in $(seq 24); do
			printf '{"id":"%s","ts":%d,"value":%d}\n' $k $((60000 * i)) $((i % 4))
		done
	done > "$T/in"
	mkfifo "$T/fifo"
	ad-stl --period 4 --metrics "$T/m.prom" < "$T/fifo" > "$T/out" &
	PROG_PID=$!
	(
		head -n 30 "$T/in"
		for _ in $(seq 200); do [ -e "$T/go" ] && break; sleep 0.1; done
		tail -n +31 "$T/in"
	) > "$T/fifo" &
	WRITER_PID=$!
	# paused after 30 points (24 of a, 6 of b): written when idle
	for _ in $(seq 100); do
		[ "$(metric "$T/m.prom" records_read_total 2>/dev/null)" = 30 ] && break
		sleep 0.1
	done
	cp "$T/m.prom" "$T/mid.prom"
	touch "$T/go"
	timeout 20 tail --pid="$PROG_PID" -f /dev/null || kill "$PROG_PID"
	wait "$PROG_PID"
	PROG_PID=
	assert_equal "$(metric "$T/mid.prom" records_read_total)" 30
	assert_equal "$(metric "$T/mid.prom" keys_held)" 2
	assert_equal "$(metric "$T/mid.prom" records_written_total)" 0
	# at least the 30 records' text and a value, a time and an offset
	# (8 bytes each) per point
	mid=$(metric "$T/mid.prom" state_bytes)
	[ "$mid" -ge $(($(head -n 30 "$T/in" | wc -c) + 30 * 24)) ]
	prom_ok "$T/mid.prom"
	assert_equal "$(wc -l < "$T/out")" 72
	assert_equal "$(metric "$T/m.prom" keys_held)" 3
	assert_equal "$(metric "$T/m.prom" keys_evicted_total)" 0
	# decomposed and written: the points are let go, the keys stay
	end=$(metric "$T/m.prom" state_bytes)
	[ "$end" -gt 0 ] && [ "$end" -lt "$mid" ]
	prom_ok "$T/m.prom"
}

@test "ad-alert --metrics: alerts fired and the keys it held" {
	printf '{"id":"%s","ts":%d,"value":%d}\n' a 1 9 b 2 1 c 3 9 > "$T/in"
	ad-alert --above 5 --metrics "$T/m.prom" "$T/in" > "$T/out"
	assert_equal "$(metric "$T/m.prom" alerts_firing_total)" 2
	assert_equal "$(wc -l < "$T/out")" 2
	# drained at the end: no key held, none evicted
	assert_equal "$(metric "$T/m.prom" keys_held)" 0
	assert_equal "$(metric "$T/m.prom" keys_evicted_total)" 0
	ad-alert --above 5 --max-keys 2 --metrics "$T/m.prom" "$T/in" > /dev/null
	assert_equal "$(metric "$T/m.prom" keys_evicted_total)" 1
	prom_ok "$T/m.prom"
}

@test "--metrics from a Kafka source: the consumer lag is 0 once all is read" {
	H=${ADPIPE_BUILD:-$TOP/build}/helpers
	[ -x "$H/mockbroker" ] || skip "mockbroker helper not built"
	mkfifo "$T/ctl"
	"$H/mockbroker" in:1 < "$T/ctl" > "$T/addr" &
	exec 9> "$T/ctl"
	for _ in $(seq 50); do [ -s "$T/addr" ] && break; sleep 0.2; done
	brk=$(head -n 1 "$T/addr")
	keys a b c a b c > "$T/in"
	ad-clean --schema none -o "kafka://$brk/in" "$T/in"
	timeout 60 ad-detect -e --metrics "$T/m.prom" "kafka://$brk/in?group=g" > "$T/out"
	exec 9>&-
	assert_equal "$(wc -l < "$T/out")" 6
	assert_equal "$(metric "$T/m.prom" records_read_total)" 6
	assert_equal "$(metric "$T/m.prom" kafka_consumer_lag_messages)" 0
	assert_equal "$(metric "$T/m.prom" keys_held)" 3
	prom_ok "$T/m.prom"
}

# mock TOPIC...: start the mock cluster with these topics; brk=its address.
mock() {
	H=${ADPIPE_BUILD:-$TOP/build}/helpers
	[ -x "$H/mockbroker" ] || skip "mockbroker helper not built"
	mkfifo "$T/ctl"
	"$H/mockbroker" "$@" < "$T/ctl" > "$T/addr" &
	exec 9> "$T/ctl"
	for _ in $(seq 50); do [ -s "$T/addr" ] && break; sleep 0.2; done
	brk=$(head -n 1 "$T/addr")
	[ -n "$brk" ]
}

# A consumer held back by its reader: all N records are on the one
# partition before it starts, so the high watermark is N and the lag of
# any file it writes is N less the records handed out so far (records
# read).  Its stdout is a FIFO nobody reads at first: it blocks once the
# pipe and its 128 KB buffer are full (about 5,000 of the 20,000 40-byte
# lines); 6 s later (the file is due every 5 s) 100 KB are read, it goes
# on, writes the file, and blocks again, so that figure stays until the
# rest is read.  At the end: lag 0, and the group's commit, confirmed
# between the start and now.
@test "--metrics from a Kafka consumer held back: lag = records not read yet; then 0 and the commit time" {
	mock in:1
	N=20000
	seq $N | awk '{ printf "{\"id\":\"k%d\",\"ts\":%d,\"value\":%d}\n", $1 % 7, 60000 * $1, $1 }' > "$T/in"
	ad-clean --schema none -o "kafka://$brk/in" "$T/in"
	mkfifo "$T/out"
	start=$(date +%s)
	timeout 120 ad-clean --schema none -e --metrics "$T/m.prom" \
		"kafka://$brk/in?group=g" > "$T/out" &
	PROG_PID=$!
	exec 8< "$T/out"
	sleep 6
	head -c 100000 <&8 > /dev/null
	for _ in $(seq 100); do
		grep -q '^adpipe_kafka_consumer_lag_messages' "$T/m.prom" 2>/dev/null && break
		sleep 0.2
	done
	cp "$T/m.prom" "$T/mid.prom"
	timeout 60 cat <&8 > "$T/rest"
	exec 8<&-
	wait "$PROG_PID"
	PROG_PID=
	now=$(date +%s)
	read=$(metric "$T/mid.prom" records_read_total)
	lag=$(metric "$T/mid.prom" kafka_consumer_lag_messages)
	[ "$read" -gt 0 ] && [ "$lag" -gt 0 ]
	assert_equal "$lag" $((N - read))
	prom_ok "$T/mid.prom"
	# what was read back adds up to all N, and the end is caught up
	assert_equal "$(metric "$T/m.prom" records_read_total)" $N
	assert_equal "$(metric "$T/m.prom" records_written_total)" $N
	assert_equal "$(metric "$T/m.prom" kafka_consumer_lag_messages)" 0
	commit=$(metric "$T/m.prom" kafka_last_commit_seconds)
	[ -n "$commit" ]
	[ "${commit%.*}" -ge "$start" ] && [ "${commit%.*}" -le "$now" ]
	written=$(metric "$T/m.prom" metrics_written_seconds)
	awk -v c="$commit" -v w="$written" 'BEGIN { exit !(c <= w) }'
	prom_ok "$T/m.prom"
}

@test "ad-score --zscore --model-in kafka:// with no broker: 69 within --timeout, nothing scored" {
	keys a b c > "$T/in"
	start=$(date +%s%N)
	run --separate-stderr timeout 30 ad-score --zscore 3 \
		--model-in "kafka://127.0.0.1:1/state?offset=earliest" --timeout 1s "$T/in"
	ms=$((($(date +%s%N) - start) / 1000000))
	assert_equal "$status" 69
	assert_equal "$output" ""
	[[ "$stderr" == "ad-score: kafka: 'kafka://127.0.0.1:1/state': no answer from the brokers within 1000 ms"* ]]
	[ "$ms" -ge 900 ] && [ "$ms" -lt 10000 ]
}
