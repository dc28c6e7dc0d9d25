#!/usr/bin/env bats
# Kafka faults (issue 9): the brokers go away in mid-run and come back.
# The producer retries (or fails loudly), the consumer resumes, and after a
# restart of the group the union of the outputs holds every record.

load ../helpers/common

HELPERS="${ADPIPE_BUILD:-$TOP/build}/helpers"

setup() {
	F="$BATS_TEST_TMPDIR"
	mkfifo "$F/ctl"
	"$HELPERS/mockbroker" -b 1 faults:2 < "$F/ctl" > "$F/addr" 2> "$F/mock.err" 3>&- &
	echo $! > "$F/mock.pid"
	exec 7> "$F/ctl"
	for _ in $(seq 100); do [ -s "$F/addr" ] && break; sleep 0.1; done
	B=$(cat "$F/addr")
	printf '%s\n' 'session.timeout.ms=6000' 'heartbeat.interval.ms=500' > "$F/props"
}

teardown() {
	# a failed test leaves the consumer and producer running: stop them,
	# or bats waits for them forever
	for p in ${cons:-} ${prod:-}; do kill -TERM "$p" 2>/dev/null || true; done
	kill -TERM "$(cat "$F/mock.pid")" 2>/dev/null || true
	exec 7>&-
}

uuids() { cat "$@" | grep -o '"uuid":"[^"]*"' | sort -u; }

@test "kafka faults: brokers down for 3 s mid-run, nothing lost" {
	kdd-gen --seed 5 --count 20000 --start 0 > "$F/in"
	kdd-gen --seed 5 --count 20000 --start 0 --rate 4000 -o "kafka://$B/faults" 2> "$F/prod.err" &
	prod=$!
	ad-clean -F "$F/props" "kafka://$B/faults?group=f" > "$F/a" 2> "$F/cons.err" &
	cons=$!
	sleep 2
	echo "down all" >&7
	sleep 0.5
	before=$(wc -l < "$F/a")
	sleep 2.5
	during=$(wc -l < "$F/a")
	echo "up all" >&7
	# Nothing flowed while the brokers were away.
	[ "$before" -eq "$during" ]
	rc=0
	wait $prod || rc=$?
	# A 3 s outage is well inside message.timeout.ms (30 s): the producer
	# retries and delivers everything.  Giving up here, even loudly, is
	# the loss this test exists to catch, so it fails rather than skips.
	cat "$F/prod.err"
	assert_equal "$rc" 0
	for _ in $(seq 300); do
		[ "$(uuids "$F/a" | wc -l)" -ge 20000 ] && break
		sleep 0.1
	done
	kill -TERM $cons
	wait $cons
	# A restart of the group reads whatever was not committed.
	ad-clean -F "$F/props" -e "kafka://$B/faults?group=f" > "$F/b" 2>> "$F/cons.err"
	diff <(uuids "$F/in") <(uuids "$F/a" "$F/b")
}

@test "kafka faults: messages that time out while the brokers are down: exit 75, said why" {
	# 100 records/s for 3 s; the brokers go down after 1 s and each message
	# may wait 1 s: the producer gives up, loudly, with the temporary status
	( sleep 1; echo "down all" >&7 ) &
	downer=$!
	run --separate-stderr kdd-gen -s 1 -n 300 -r 100 -X message.timeout.ms=1000 -o "kafka://$B/faults"
	wait "$downer"
	assert_equal "$status" 75
	[[ "$stderr" == "kdd-gen: kafka: 'kafka://$B/faults': delivery failed for "*" Message timed out"* ]]
}

@test "kafka faults: brokers that never answer: exit 69 after --timeout" {
	echo "down all" >&7
	sleep 0.5
	run --separate-stderr kdd-gen -s 1 -n 10 --timeout 2s -o "kafka://$B/faults"
	assert_equal "$status" 69
	[[ "$stderr" == "kdd-gen: kafka: 'kafka://$B/faults': no answer from the brokers within 2000 ms"* ]]
}

@test "kafka faults: every program that writes ends with 75 when its messages time out" {
	# The broker holds each produce request 3 s (metadata answered on
	# time): each program opens its sink, writes everything, and the
	# messages time out after 1 s, a delivery that may work later.
	kdd-gen -s 1 -n 5 > "$F/kdd"
	head -n 10 "$TOP/tests/fixtures/detect/nab.ndjson" > "$F/pts"
	ad-forecast train --window 4 --hidden 4 --epochs 1 -s 1 -o "$F/m.lstm" \
		"$TOP/tests/fixtures/forecast/series.ndjson" 2> /dev/null
	echo "stall all 3000" >&7
	# program and options | input | messages it writes: its records, or
	# one for a picture (written whole)
	while IFS='|' read -r cmd input n; do
		set -- $cmd
		p=$1
		[ -n "$n" ] || n=$("$@" $input | wc -l)
		[ "$n" -gt 0 ]
		run --separate-stderr "$@" -X message.timeout.ms=1000 -o "kafka://$B/faults" $input
		echo "$p: $status: $stderr"
		assert_equal "$status" 75
		s=s
		[ "$n" -ne 1 ] || s=
		assert_equal "$stderr" "$p: kafka: 'kafka://$B/faults': delivery failed for $n message$s: Local: Message timed out"
	done <<-EOF2
	kdd-gen -s 1 -n 5||
	ad-clean|$F/kdd|
	ad-detect|$F/pts|
	ad-score --zscore 3|$F/pts|
	ad-alert --above 10|$F/pts|
	ad-forecast run -m $F/m.lstm|$F/pts|
	ad-stl --period 12|$TOP/tests/fixtures/stl/co2.ndjson|
	ad-classify|$TOP/tests/fixtures/classify/four.ndjson|
	ad-plot|$TOP/tests/fixtures/plot/series.ndjson|1
	EOF2
	# ad-eval's picture goes to --svg, its report to standard output
	run --separate-stderr ad-eval -X message.timeout.ms=1000 --svg "kafka://$B/faults" \
		--windows "$TOP/tests/fixtures/eval/one-window.json" --threshold 0.5 \
		"$TOP/tests/fixtures/eval/one-window.ndjson"
	assert_equal "$status" 75
	assert_equal "$stderr" "ad-eval: kafka: 'kafka://$B/faults': delivery failed for 1 message: Local: Message timed out"
	# the stall is a delay, not a refusal: a producer that waits longer
	# than the broker delivers
	run --separate-stderr ad-clean -X message.timeout.ms=10000 -o "kafka://$B/faults" "$F/kdd"
	assert_success
	assert_equal "$stderr" ""
}
