#!/usr/bin/env bats
# The connection-record pipeline end to end: through pipes, then the same
# chain with every hop through Kafka topics (the mock cluster of
# tests/helpers/mockbroker), which must give the same alerts.

load ../helpers/common

HELPERS="${ADPIPE_BUILD:-$TOP/build}/helpers"

setup_file() {
	export P="$BATS_FILE_TMPDIR"
	kdd-gen --seed 1 --count 20000 --start 2026-11-21T00:00:00Z > "$P/history"
	ad-train-rf --mode supervised --trees 20 --seed 1 -q -o "$P/kdd.rf" "$P/history"
	kdd-gen --seed 2 --count 5000 --start 2026-11-21T10:00:00Z --interval 20ms > "$P/live"
}

alerts() {
	ad-alert --id service --time utc --when anomaly --count 20 --within 1m --cooldown 10m "$@"
}

@test "pipeline through pipes: kdd-gen | ad-clean | ad-score | ad-alert" {
	ad-clean --dedup uuid "$P/live" | ad-score -m "$P/kdd.rf" --explain 3 | alerts > "$P/alerts"
	[ "$(wc -l < "$P/alerts")" -ge 1 ]
	# Every alert is about a service that carried attacks in that stream.
	run jq -r 'select(.label != "normal.") | .service' "$P/live"
	attacked=$output
	while read -r id; do
		grep -qx "$id" <<< "$attacked"
	done < <(jq -r .id "$P/alerts")
	run jq -r .status "$P/alerts"
	assert_line firing
}

@test "pipeline: each record reaches the end of the chain as it arrives" {
	( kdd-gen --seed 3 --count 1 --start 0; sleep 4; kdd-gen --seed 4 --count 1 --start 0 ) |
		ad-clean | ad-score -m "$P/kdd.rf" > "$P/streamed" &
	sleep 2
	[ "$(wc -l < "$P/streamed")" -eq 1 ]
	wait
	[ "$(wc -l < "$P/streamed")" -eq 2 ]
}

@test "pipeline through Kafka: the same chain, each hop a topic, the same alerts" {
	[ -x "$HELPERS/mockbroker" ] || skip "mockbroker helper not built"
	mkfifo "$P/ctl"
	"$HELPERS/mockbroker" -b 1 conn:1 clean:2 scored:2 < "$P/ctl" > "$P/addr" 2> "$P/mock.err" 3>&- &
	mock=$!
	exec 8> "$P/ctl"
	for _ in $(seq 100); do [ -s "$P/addr" ] && break; sleep 0.1; done
	B=$(cat "$P/addr")
	printf '%s\n' 'session.timeout.ms=3000' 'heartbeat.interval.ms=500' > "$P/props"
	# kdd-gen -> conn; ad-clean conn -> clean (keyed by service, so each
	# service keeps its order); ad-score clean -> scored; ad-alert scored.
	kdd-gen --seed 2 --count 5000 --start 2026-11-21T10:00:00Z --interval 20ms \
		-o "kafka://$B/conn"
	ad-clean -F "$P/props" -e --dedup uuid "kafka://$B/conn?group=clean" \
		-o "kafka://$B/clean?key=service"
	ad-score -F "$P/props" -e -m "$P/kdd.rf" --explain 3 "kafka://$B/clean?group=score" \
		-o "kafka://$B/scored?key=service"
	alerts -F "$P/props" -e "kafka://$B/scored?group=alert" > "$P/alerts-kafka"
	kill -TERM $mock; exec 8>&-; wait $mock || true
	ad-clean --dedup uuid "$P/live" | ad-score -m "$P/kdd.rf" --explain 3 | alerts > "$P/alerts"
	diff <(jq -cS . "$P/alerts" | sort) <(jq -cS . "$P/alerts-kafka" | sort)
	[ "$(wc -l < "$P/alerts-kafka")" -ge 1 ]
}
