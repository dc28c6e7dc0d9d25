#!/bin/sh
# End-to-end latency through Kafka: kdd-gen at RATE records/s -> topic in
# -> ad-clean (consumer group) -> topic out; ktool measures, per record,
# arrival on the output topic minus the record's "utc".  Prints p50, p99,
# max.  The cluster is the librdkafka mock (tests/helpers/mockbroker), on
# loopback.  Usage: sh bench/kafka-latency.sh [rate] [seconds]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${ADPIPE_BIN:-$top/bin}
helpers=${ADPIPE_BUILD:-$top/build}/helpers
rate=${1:-10000}
secs=${2:-5}
n=$((rate * secs))
d=$(mktemp -d)
trap 'kill $mock $cons 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$d"' EXIT
mkfifo "$d/ctl"
"$helpers/mockbroker" -b 1 in:4 out:4 < "$d/ctl" > "$d/addr" &
mock=$!
exec 9> "$d/ctl"
while [ ! -s "$d/addr" ]; do sleep 0.1; done
b=$(cat "$d/addr")
"$bin/ad-clean" $ADCLEAN_X "kafka://$b/in?group=bench&offset=latest" \
    -o "kafka://$b/out" &
cons=$!
"$helpers/ktool" "$b" out latency "$n" > "$d/lat" &
meas=$!
# Let the group settle (the mock's first rebalance waits 3 s).
sleep 5
"$bin/kdd-gen" $GEN_X -s 1 -r "$rate" --burst 1 -n "$n" -o "kafka://$b/in"
wait $meas
echo "kafka latency, $n records at $rate/s, kdd-gen -> in -> ad-clean -> out:"
grep -v ready "$d/lat"
