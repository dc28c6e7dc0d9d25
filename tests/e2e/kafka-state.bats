#!/usr/bin/env bats
# A restarted z-score scorer starts from the statistics published on a
# Kafka model topic, read to its end before the first record is scored,
# as it does from a state file: against the librdkafka mock cluster of
# tests/helpers/mockbroker, started and stopped here.
load ../helpers/common

HELPERS="${ADPIPE_BUILD:-$TOP/build}/helpers"

setup_file() {
	export KDIR="$BATS_FILE_TMPDIR"
	mkfifo "$KDIR/ctl"
	"$HELPERS/mockbroker" -b 1 zs:1 zs3:3 < "$KDIR/ctl" > "$KDIR/addr" \
	    2> "$KDIR/mock.err" 3>&- &
	echo $! > "$KDIR/mock.pid"
	exec 9> "$KDIR/ctl"
	for _ in $(seq 100); do
		[ -s "$KDIR/addr" ] && break
		sleep 0.1
	done
	export BROKERS=$(cat "$KDIR/addr")
	[ -n "$BROKERS" ]
}

teardown_file() {
	kill -TERM "$(cat "$KDIR/mock.pid")" 2>/dev/null || true
	exec 9>&-
	for _ in $(seq 50); do
		kill -0 "$(cat "$KDIR/mock.pid")" 2>/dev/null || break
		sleep 0.1
	done
}

setup() {
	T=$BATS_TEST_TMPDIR
	# 120 values of key a cycling 8..13: mean 10.5, variance
	# 20 * 17.5 / 119 = 2.941176, stdev 1.714986.
	awk 'BEGIN { for (i = 0; i < 120; i++) printf "{\"id\":\"a\",\"value\":%d}\n", 8 + i % 6 }' > "$T/train"
	# After the restart: cold, 13 is z 3.54 from (10, 11) and anomalous;
	# warm it is z 1.46 and normal.
	printf '{"id":"a","value":%d}\n' 10 11 13 > "$T/new"
}

# check OUT: the records of $T/new scored with the trained statistics.
check() {
	run jq -r '[.value, (.z * 10000 | round), .anomaly] | @tsv' "$1"
	# z = (x - mean) / stdev before each point is added (Welford):
	# 10: (10 - 10.5) / 1.714986; then n 121, mean 10.495868, M2
	# 350.247934, 11: 0.504132 / 1.708430; then n 122, mean 10.5, M2
	# 350.5, 13: 2.5 / 1.701968
	assert_output "$(printf '10\t-2915\tfalse\n11\t2951\tfalse\n13\t14689\tfalse')"
}

@test "restart: --state FILE is applied before the first record" {
	ad-score --zscore 3 --state "$T/z.state" "$T/train" > /dev/null
	ad-score --zscore 3 --state "$T/z.state" "$T/new" > "$T/out"
	check "$T/out"
}

@test "restart: a Kafka --model-in topic is read to its end first" {
	run ad-score --zscore 3 --model-out "kafka://$BROKERS/zs" "$T/train"
	assert_success
	ad-score --zscore 3 --model-out "$T/pub" "$T/train" > /dev/null
	# the cold start, for contrast: the third point is flagged
	run jq -r .anomaly <(ad-score --zscore 3 "$T/new")
	assert_line --index 2 true
	ad-score --zscore 3 --model-in "kafka://$BROKERS/zs?offset=earliest" \
	    "$T/new" > "$T/out"
	check "$T/out"
	ad-score --zscore 3 --model-in "$T/pub" "$T/new" > "$T/want"
	diff "$T/want" "$T/out"
}

@test "restart: three partitions, the newest statistics of each key win" {
	# two publications: after 60 points, then after all 120
	head -n 60 "$T/train" | ad-score --zscore 3 --model-out "kafka://$BROKERS/zs3?key=id" > /dev/null
	ad-score --zscore 3 --model-out "kafka://$BROKERS/zs3?key=id" "$T/train" > /dev/null
	ad-score --zscore 3 --model-in "kafka://$BROKERS/zs3?offset=earliest" \
	    "$T/new" > "$T/out"
	check "$T/out"
}
