#!/usr/bin/env bats
# Where a Kafka source starts: offset=earliest|latest|stored, with and
# without a group, against the librdkafka mock cluster of
# tests/helpers/mockbroker (started and stopped here).  Records are
# kdd-gen's, told apart by their uuid; ktool counts what the topic holds.
load ../helpers/common

HELPERS="${ADPIPE_BUILD:-$TOP/build}/helpers"

setup_file() {
	export KDIR="$BATS_FILE_TMPDIR"
	mkfifo "$KDIR/ctl"
	"$HELPERS/mockbroker" -b 1 st:2 gst:2 lt:2 glt:2 live:1 \
	    < "$KDIR/ctl" > "$KDIR/addr" 2> "$KDIR/mock.err" 3>&- &
	echo $! > "$KDIR/mock.pid"
	exec 9> "$KDIR/ctl"
	for _ in $(seq 100); do
		[ -s "$KDIR/addr" ] && break
		sleep 0.1
	done
	export BROKERS=$(cat "$KDIR/addr")
	[ -n "$BROKERS" ]
	printf '%s\n' 'session.timeout.ms=3000' 'heartbeat.interval.ms=500' \
	    > "$KDIR/consumer.props"
}

teardown_file() {
	kill -TERM "$(cat "$KDIR/mock.pid")" 2>/dev/null || true
	exec 9>&-
	for _ in $(seq 50); do
		kill -0 "$(cat "$KDIR/mock.pid")" 2>/dev/null || break
		sleep 0.1
	done
}

teardown() {
	[ -z "${cons:-}" ] || kill -TERM "$cons" 2>/dev/null || true
}

uuids() {
	cat "$@" | grep -o '"uuid":"[^"]*"' | sort
}

# put SEED N TOPIC: N records of seed SEED into TOPIC, and into the file
# $BATS_TEST_TMPDIR/SEED.
put() {
	kdd-gen -s "$1" -n "$2" > "$BATS_TEST_TMPDIR/$1"
	kdd-gen -s "$1" -n "$2" -o "kafka://$BROKERS/$3"
}

read_topic() {
	ad-clean -F "$KDIR/consumer.props" -e "kafka://$BROKERS/$1"
}

@test "offset=stored without a group: commits, and the next run resumes after them" {
	t=$BATS_TEST_TMPDIR
	put 1 300 st
	# nothing committed yet: from the start
	read_topic "st?offset=stored" > "$t/a"
	diff <(uuids "$t/1") <(uuids "$t/a")
	# everything was committed: nothing left
	run read_topic "st?offset=stored"
	assert_success
	assert_output ""
	put 2 200 st
	read_topic "st?offset=stored" > "$t/b"
	diff <(uuids "$t/2") <(uuids "$t/b")
	# earliest ignores the commits: all 500
	read_topic "st" > "$t/all"
	diff <(uuids "$t/1" "$t/2") <(uuids "$t/all")
}

@test "offset=stored with a group: the group's commits, not another group's" {
	t=$BATS_TEST_TMPDIR
	put 3 300 gst
	read_topic "gst?group=g1&offset=stored" > "$t/a"
	diff <(uuids "$t/3") <(uuids "$t/a")
	put 4 100 gst
	read_topic "gst?group=g1&offset=stored" > "$t/b"
	diff <(uuids "$t/4") <(uuids "$t/b")
	# a group that never committed starts from the beginning
	read_topic "gst?group=g2&offset=stored" > "$t/c"
	diff <(uuids "$t/3" "$t/4") <(uuids "$t/c")
}

@test "offset=latest: what the topic held is skipped, with or without a group" {
	t=$BATS_TEST_TMPDIR
	put 5 300 lt
	run "$HELPERS/ktool" "$BROKERS" lt count
	assert_line "total	300"
	run read_topic "lt?offset=latest"
	assert_success
	assert_output ""
	put 6 300 glt
	run read_topic "glt?group=g3&offset=latest"
	assert_success
	assert_output ""
	# the same topics from the start: all of it (so the empty reads above
	# are not an empty topic)
	read_topic "lt?offset=earliest" > "$t/a"
	diff <(uuids "$t/5") <(uuids "$t/a")
}

@test "offset=latest: a running consumer sees only the messages written after it started" {
	t=$BATS_TEST_TMPDIR
	put 7 200 live
	ad-clean -F "$KDIR/consumer.props" "kafka://$BROKERS/live?offset=latest" \
	    > "$t/out" 2> "$t/err" 3>&- &
	cons=$!
	# let it find the end of the partition before the new messages
	sleep 2
	put 8 100 live
	for _ in $(seq 100); do
		[ "$(wc -l < "$t/out")" -ge 100 ] && break
		sleep 0.1
	done
	kill -TERM "$cons"
	wait "$cons" || true
	cons=
	diff <(uuids "$t/8") <(uuids "$t/out")
}
