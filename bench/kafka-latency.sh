#!/bin/sh
# End-to-end latency through Kafka: kdd-gen at RATE records/s -> topic in
# -> ad-clean (consumer group) -> topic out; ktool measures, per record,
# arrival on the output topic minus the record's "utc".  Prints p50, p99,
# max, twice: with adpipe's defaults, and with fetch.wait.max.ms=1 for
# ad-clean's consumer.  The cluster is the librdkafka mock
# (tests/helpers/mockbroker) on loopback, which answers a fetch that finds
# no data only after the consumer's whole fetch.wait.max.ms (10 ms by
# default), where a real broker answers as soon as data arrives; the
# second case takes that artefact of the mock out.  There is no peer:
# each case runs BENCH_RUNS times (default 3), and the medians and
# spread of p50, p99 and max go to bench/results/latest.jsonl (bench/
# lib.sh's figure).
# Usage: sh bench/kafka-latency.sh [rate] [seconds]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. bench/lib.sh
runs=${BENCH_RUNS:-3}
bin=${ADPIPE_BIN:-$top/bin}
helpers=${ADPIPE_BUILD:-$top/build}/helpers
rate=${1:-10000}
secs=${2:-5}
n=$((rate * secs))
d=$(mktemp -d)
mock= cons=
trap 'kill $mock $cons 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$d"' EXIT

# measure LABEL ID [ad-clean options...]
measure() {
	label=$1 mid=$2
	shift 2
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
	grep -v ready "$d/lat" >> "$d/$mid.all"
}

# case ID LABEL [ad-clean options...]: measure runs times, record the
# figures
case_() {
	id=$1 clabel=$2
	shift 2
	: > "$d/$id.all"
	run=0
	while [ $run -lt "$runs" ]; do
		measure "$clabel" "$id" "$@"
		run=$((run + 1))
	done
	for q in p50 p99 max; do
		# shellcheck disable=SC2046
		figure "kafka-latency-$id-$q" \
			"Kafka latency, kdd-gen -> topic -> ad-clean -> topic, $rate rec/s for $secs s, mock broker, $clabel: $q" \
			bench/kafka-latency.sh ad-clean ms \
			$(sed -n "s/.* $q=\([0-9.]*\)ms.*/\1/p" "$d/$id.all")
	done
}

echo "kafka latency, $n records at $rate/s, kdd-gen -> in -> ad-clean -> out (mock cluster):"
case_ defaults "defaults" ${ADCLEAN_X:-}
case_ fetch-wait-1 "fetch.wait.max.ms=1" -X fetch.wait.max.ms=1 ${ADCLEAN_X:-}
