#!/usr/bin/env bats
# Every command block of README.md runs as written (extracted here, so the
# README cannot drift).  The first block is `make demo` / `make check`
# themselves: `make check` runs this file, and tests/e2e/demo.bats runs
# what `make demo` runs.

load ../helpers/common

# block N: the Nth ```sh block of README.md (from 1).
block() {
	awk -v n="$1" '/^```sh$/ { k++; inside = (k == n); next }
		/^```/ { inside = 0 } inside' "$TOP/README.md"
}

setup() {
	cd "$BATS_TEST_TMPDIR"
	mkdir -p data
	cp "$TOP/data/make-metrics.py" data/
}

@test "README: the opening block is make demo and make check" {
	run block 1
	assert_line --index 0 --partial "make demo"
	assert_line --index 1 --partial "make check"
}

@test "README: shell forensics on a captured KDD CSV" {
	run bash -e -c "$(block 2)"
	assert_success
	assert_equal "${#lines[@]}" 3
	assert_line --index 0 --partial '"why":['
}

@test "README: nightly retraining" {
	bash -e -c "$(block 2 | head -n 2)"
	run bash -e -c "$(block 3)"
	assert_success
	assert_line "ad-score: reloaded 'kdd.rf'"
	assert_output --partial '"trees":30'
	[ "$(wc -l < scored.ndjson)" -eq 20 ]
}

@test "README: streaming through Kafka (the test broker stands in for localhost:9092)" {
	helpers="${ADPIPE_BUILD:-$TOP/build}/helpers"
	[ -x "$helpers/mockbroker" ] || skip "mockbroker helper not built"
	bash -e -c "$(block 2 | head -n 2)"
	mkfifo ctl
	"$helpers/mockbroker" -b 1 conn:2 suspicious:2 < ctl > addr 2> mock.err 3>&- &
	mock=$!
	exec 6> ctl
	for _ in $(seq 100); do [ -s addr ] && break; sleep 0.1; done
	run bash -e -c "$(block 4 | sed "s/localhost:9092/$(cat addr)/g")"
	kill -TERM $mock; exec 6>&-
	assert_success
	assert_output --regexp 'enriched-[0-9]{8}\.0000\.ndjson\.gz'
	refute_output --partial ".tmp"
	[ "$(zcat enriched/*.gz | wc -l)" -eq 5000 ]
}

@test "README: metrics, decomposed and classified" {
	run bash -e -c "$(block 5)"
	assert_success
	assert_line "cpu.web1 periodic-stable"
	assert_line "queue.depth nonperiodic-unstable"
}

@test "README: metrics scored by ad-detect as they arrive, in two runs" {
	run bash -e -c "$(block 6)"
	assert_success
	assert_equal "${#lines[@]}" 3
	assert_line --index 0 --regexp '^\{"id":"[a-z.0-9]+","ts":[0-9]+,"score":(0|1|0\.[0-9]+|[0-9.e-]+)\}$'
	[ "$(wc -l < scored.ndjson)" -eq "$(wc -l < tagged.ndjson)" ]
	[ "$(wc -l < tagged.ndjson)" -gt 10000 ]
	# the two runs score as one
	ad-detect tagged.ndjson | cmp - scored.ndjson
}

@test "README: measuring a detector against anomaly windows" {
	run bash -e -o pipefail -c "$(block 7)"
	assert_success
	# make-metrics.py injects 20 anomalies; ad-detect finds 19 at the
	# best threshold, with a NAB score of 78.8 on windows of 30 minutes
	assert_equal "$(jq -c '[.tp, .fn]' <<< "$output")" '[19,1]'
	[ "$(jq '.score > 70' <<< "$output")" = true ]
	grep -q 'class="panel"' eval.svg
}

