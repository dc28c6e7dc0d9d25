#!/usr/bin/env bats
# make check-kafka: the programs against a real Kafka cluster that the user
# names, KAFKA_BROKERS=host:port[,host:port...] (skipped, saying so, when
# unset).  Each run writes to a topic of its own, KAFKA_TOPIC (default
# adpipe-check-TIME-PID), which the cluster must create on first use or
# which must exist; records are written by kdd-gen and read back by
# ad-clean, and every uuid must come back exactly once.
load ../helpers/common

setup_file() {
	[ -n "${KAFKA_BROKERS:-}" ] || return 0
	export TOPIC="${KAFKA_TOPIC:-adpipe-check-$(date +%s)-$$}"
	export N=20000
	kdd-gen -s 7 -n "$N" --start 0 > "$BATS_FILE_TMPDIR/in"
}

setup() {
	[ -n "${KAFKA_BROKERS:-}" ] || skip "KAFKA_BROKERS is not set: give KAFKA_BROKERS=host:port to test against a real cluster"
}

uuids() { cat "$@" | grep -o '"uuid":"[^"]*"' | sort; }

@test "real cluster: kdd-gen writes $N records, ad-clean reads them all back once" {
	run kdd-gen -s 7 -n "$N" --start 0 --timeout 30s -o "kafka://$KAFKA_BROKERS/$TOPIC"
	assert_success
	run ad-clean -e --timeout 30s "kafka://$KAFKA_BROKERS/$TOPIC?group=$TOPIC-a" -o "$BATS_TEST_TMPDIR/out"
	assert_success
	assert_equal "$(wc -l < "$BATS_TEST_TMPDIR/out")" "$N"
	diff <(uuids "$BATS_FILE_TMPDIR/in") <(uuids "$BATS_TEST_TMPDIR/out")
}

@test "real cluster: the group's committed offsets hold: a second read gets nothing new" {
	run ad-clean -e --timeout 30s "kafka://$KAFKA_BROKERS/$TOPIC?group=$TOPIC-a" -o "$BATS_TEST_TMPDIR/again"
	assert_success
	assert_equal "$(wc -l < "$BATS_TEST_TMPDIR/again")" 0
}
