#!/bin/sh
# End-to-end latency through Kafka: kdd-gen at RATE records/s -> topic in
# -> ad-clean (consumer group) -> topic out; ktool measures, per record,
# arrival on the output topic minus the record's "utc".  Prints p50, p99,
# max, twice: with adpipe's defaults, and with fetch.wait.max.ms=1 for
# ad-clean's consumer.  The cluster is the librdkafka mock
# (tests/helpers/mockbroker) on loopback, which answers a fetch that finds
# no data only after the consumer's whole fetch.wait.max.ms (10 ms by
# default), where a real broker answers as soon as data arrives; the
# second case takes that artefact of the mock out.
# Usage: sh bench/kafka-latency.sh [rate] [seconds]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${ADPIPE_BIN:-$top/bin}
helpers=${ADPIPE_BUILD:-$top/build}/helpers
rate=${1:-10000}
secs=${2:-5}
n=$((rate * secs))
d=$(mktemp -d)
mock= cons=
trap 'kill $mock $cons 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$d"' EXIT

# measure LABEL [ad-clean options...]
measure() {
	label=$1
	shift
	rm -f "$d/ctl" "$d/addr"
	mkfifo "$d/ctl"
	[ -x "$helpers/mockbroker" ] || {
		echo "bench/kafka-latency.sh: $helpers/mockbroker not built (make tests)" >&2
		exit 1
	}
	"$helpers/mockbroker" -b 1 in:4 out:4 < "$d/ctl" > "$d/addr" &
	mock=$!
	exec 9> "$d/ctl"
	# the mock prints its address when it listens: 10 s at most
	i=0
	while [ ! -s "$d/addr" ]; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 $mock 2>/dev/null; then
			echo "bench/kafka-latency.sh: the mock broker gave no address within 10 s" >&2
			exit 1
		fi
		sleep 0.1
	done
	b=$(cat "$d/addr")
	"$bin/ad-clean" "$@" "kafka://$b/in?group=bench&offset=latest" \
	    -o "kafka://$b/out" &
	cons=$!
	# bounded: if records are lost, ktool would wait for them forever
	timeout $((secs + 60)) "$helpers/ktool" "$b" out latency "$n" > "$d/lat" &
	meas=$!
	# Let the group settle (the mock's first rebalance waits 3 s).
	sleep 5
	"$bin/kdd-gen" ${GEN_X:-} -s 1 -r "$rate" --burst 1 -n "$n" -o "kafka://$b/in"
	wait $meas || { echo "$label: not all $n records arrived within $((secs + 60)) s" >&2; exit 1; }
	kill $cons 2>/dev/null || true
	wait $cons 2>/dev/null || true
	exec 9>&-
	wait $mock 2>/dev/null || true
	echo "$label: $(grep -v ready "$d/lat")"
}

echo "kafka latency, $n records at $rate/s, kdd-gen -> in -> ad-clean -> out (mock cluster):"
measure "defaults" ${ADCLEAN_X:-}
measure "fetch.wait.max.ms=1" -X fetch.wait.max.ms=1 ${ADCLEAN_X:-}
