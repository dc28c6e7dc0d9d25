#!/usr/bin/env bats
# Kafka sources and sinks against a real Kafka protocol endpoint: the
# librdkafka mock cluster in tests/helpers/mockbroker, started here and
# stopped here.  ad-clean is the pass-through consumer; ktool checks
# topics with a client independent of lib/kafka.
load ../helpers/common

HELPERS="${ADPIPE_BUILD:-$TOP/build}/helpers"

setup_file() {
	export KDIR="$BATS_FILE_TMPDIR"
	mkfifo "$KDIR/ctl"
	"$HELPERS/mockbroker" -b 3 rt:4 stop:4 scale:4 keyed:4 roll:2 keyed2:4 \
	    < "$KDIR/ctl" > "$KDIR/addr" 2> "$KDIR/mock.err" 3>&- &
	echo $! > "$KDIR/mock.pid"
	exec 9> "$KDIR/ctl"
	for _ in $(seq 100); do
		[ -s "$KDIR/addr" ] && break
		sleep 0.1
	done
	export BROKERS=$(cat "$KDIR/addr")
	[ -n "$BROKERS" ]
	# The mock coordinator waits session.timeout.ms for members that left.
	printf '%s\n' '# test cluster' 'session.timeout.ms=3000' \
	    'heartbeat.interval.ms=500' > "$KDIR/consumer.props"
}

teardown_file() {
	kill -TERM "$(cat "$KDIR/mock.pid")" 2>/dev/null || true
	exec 9>&-
	for _ in $(seq 50); do
		kill -0 "$(cat "$KDIR/mock.pid")" 2>/dev/null || break
		sleep 0.1
	done
}

# Records for a test: the KDD 10% file in order when present, else
# synthetic traffic; same seed, same uuids.
gen() {
	if [ -r "$KDD10" ]; then
		kdd-gen -s "$1" --in-order -n "$2" "${@:3}" "$KDD10"
	else
		kdd-gen -s "$1" -n "$2" "${@:3}"
	fi
}

uuids() {
	cat "$@" | grep -o '"uuid":"[^"]*"' | sort
}

@test "kafka: round trip, 50000 records through 4 partitions, group and -e" {
	gen 1 50000 > "$BATS_TEST_TMPDIR/in"
	run gen 1 50000 -o "kafka://$BROKERS/rt"
	assert_success
	run "$HELPERS/ktool" "$BROKERS" rt count
	assert_line "total	50000"
	ad-clean -F "$KDIR/consumer.props" -e "kafka://$BROKERS/rt?group=rt" \
	    > "$BATS_TEST_TMPDIR/out"
	[ "$(wc -l < "$BATS_TEST_TMPDIR/out")" -eq 50000 ]
	diff <(uuids "$BATS_TEST_TMPDIR/in") <(uuids "$BATS_TEST_TMPDIR/out")
	# Everything was committed: the group has nothing left to read.
	run ad-clean -F "$KDIR/consumer.props" -e "kafka://$BROKERS/rt?group=rt"
	assert_success
	assert_output ""
}

@test "kafka: SIGTERM mid-stream then restart in the same group loses nothing" {
	t="$BATS_TEST_TMPDIR"
	gen 2 50000 > "$t/in"
	gen 2 50000 -r 10000 -o "kafka://$BROKERS/stop" 3>&- &
	prod=$!
	ad-clean -F "$KDIR/consumer.props" "kafka://$BROKERS/stop?group=stop" \
	    > "$t/a" 3>&- &
	cons=$!
	for _ in $(seq 300); do
		[ "$(wc -l < "$t/a")" -ge 2000 ] && break
		sleep 0.1
	done
	kill -TERM "$cons"
	wait "$cons"
	wait "$prod"
	a=$(wc -l < "$t/a")
	[ "$a" -ge 2000 ]
	[ "$a" -lt 50000 ]
	ad-clean -F "$KDIR/consumer.props" -e \
	    "kafka://$BROKERS/stop?group=stop" > "$t/b"
	diff <(uuids "$t/in") <(uuids "$t/a" "$t/b" | uniq)
	dups=$(( $(cat "$t/a" "$t/b" | wc -l) - 50000 ))
	echo "# first run $a records, duplicates after restart: $dups" >&3
}

@test "kafka: two consumers in one group split the partitions, exactly once" {
	t="$BATS_TEST_TMPDIR"
	gen 3 50000 > "$t/in"
	# Both members join first, so the group is settled before any record
	# flows (a rebalance in mid-stream may repeat records: at-least-once).
	ad-clean -F "$KDIR/consumer.props" \
	    "kafka://$BROKERS/scale?group=scale" > "$t/a" 3>&- &
	p1=$!
	ad-clean -F "$KDIR/consumer.props" \
	    "kafka://$BROKERS/scale?group=scale" > "$t/b" 3>&- &
	p2=$!
	sleep 6
	gen 3 50000 -o "kafka://$BROKERS/scale"
	for _ in $(seq 600); do
		[ "$(cat "$t/a" "$t/b" | wc -l)" -ge 50000 ] && break
		sleep 0.1
	done
	sleep 1
	kill -TERM "$p1" "$p2"
	wait "$p1"
	wait "$p2"
	[ -s "$t/a" ]
	[ -s "$t/b" ]
	diff <(uuids "$t/in") <(uuids "$t/a" "$t/b")
}

@test "kafka: key=FIELD keeps every key on one partition" {
	run gen 4 5000 -o "kafka://$BROKERS/keyed?key=service"
	assert_success
	"$HELPERS/ktool" "$BROKERS" keyed dump > "$BATS_TEST_TMPDIR/dump"
	[ "$(wc -l < "$BATS_TEST_TMPDIR/dump")" -eq 5000 ]
	# Each key on exactly one partition, and more than one partition used.
	run sh -c "cut -f1,2 '$BATS_TEST_TMPDIR/dump' | sort -u | cut -f2 | uniq -d"
	assert_output ""
	[ "$(cut -f1 "$BATS_TEST_TMPDIR/dump" | sort -u | wc -l)" -gt 1 ]
	# The key is the record's "service" field.
	run awk -F'\t' '{ if (index($3, "\"service\":\"" $2 "\"") == 0) print }' \
	    "$BATS_TEST_TMPDIR/dump"
	assert_output ""
}

@test "kafka: key=FIELD also keys records a program writes as text (ad-score --explain)" {
	gen 6 2000 > "$BATS_TEST_TMPDIR/in"
	ad-train-rf -q --trees 5 -o "$BATS_TEST_TMPDIR/m.rf" "$BATS_TEST_TMPDIR/in"
	run ad-score -m "$BATS_TEST_TMPDIR/m.rf" --explain 3 "$BATS_TEST_TMPDIR/in" \
	    -o "kafka://$BROKERS/keyed2?key=service"
	assert_success
	"$HELPERS/ktool" "$BROKERS" keyed2 dump > "$BATS_TEST_TMPDIR/dump"
	[ "$(wc -l < "$BATS_TEST_TMPDIR/dump")" -eq 2000 ]
	run awk -F'\t' '{ if (index($3, "\"service\":\"" $2 "\"") == 0) print }' \
	    "$BATS_TEST_TMPDIR/dump"
	assert_output ""
}

@test "kafka: unreachable broker exits 69 within the timeout, bad -X exits 78" {
	start=$(date +%s)
	run kdd-gen -n 1 --timeout 2s -o kafka://127.0.0.1:1/t
	assert_failure 69
	assert_output --partial "kdd-gen: kafka: 'kafka://127.0.0.1:1/t': no answer from the brokers within 2000 ms"
	run ad-clean --timeout 1s -e kafka://127.0.0.1:1/t
	assert_failure 69
	[ $(( $(date +%s) - start )) -le 8 ]
	run kdd-gen -n 1 -X no.such.property=1 -o "kafka://$BROKERS/rt"
	assert_failure 78
	assert_output --partial "kdd-gen: kafka: No such configuration property"
	run ad-clean -X linger.ms=soon -e "kafka://$BROKERS/rt"
	assert_failure 78
	# (A missing topic is also 69 on a real cluster; the mock creates
	# topics on demand, so it is not tested here.)
	run ad-clean -e "kafka://$BROKERS/rt?colour=red"
	assert_failure 64
}

@test "rolling sink: roll=1M gives closed files that concatenate to the input" {
	t="$BATS_TEST_TMPDIR"
	kdd-gen -s 6 -n 50000 --start 2024-01-01T00:00:00Z > "$t/in"
	run kdd-gen -s 6 -n 50000 --start 2024-01-01T00:00:00Z \
	    -o "file:$t/out/e-%Y%m%d.ndjson?roll=1M"
	assert_success
	[ "$(ls "$t/out" | wc -l)" -gt 3 ]
	[ -z "$(ls "$t/out" | grep '\.tmp$')" ]
	for f in "$t"/out/*; do
		[ "$(stat -c %s "$f")" -le $((1024 * 1024)) ]
	done
	cat "$t"/out/* | cmp - "$t/in"
}

@test "rolling sink: gzip, and a Kafka consumer persisting a topic" {
	t="$BATS_TEST_TMPDIR"
	gen 7 20000 > "$t/in"
	gen 7 20000 -o "kafka://$BROKERS/roll"
	run ad-clean -e -o "file:$t/out/%Y/enriched-%Y%m%d-%H.ndjson?roll=4M&gzip=1&flush=1" \
	    "kafka://$BROKERS/roll"
	assert_success
	ls "$t"/out/*/enriched-*.0000.ndjson.gz
	[ -z "$(find "$t/out" -name '*.tmp')" ]
	diff <(uuids "$t/in") <(zcat "$t"/out/*/* | grep -o '"uuid":"[^"]*"' | sort)
}
