#!/usr/bin/env bats
# Every EXAMPLES command of every man page, extracted from the page and run
# as printed, in a directory holding the files its page names (so the
# pages cannot drift from the programs).  A Kafka broker in an example is
# the test broker; a command meant to run forever runs for three seconds.

load ../helpers/common

HELPERS="${ADPIPE_BUILD:-$TOP/build}/helpers"

setup_file() {
	export M="$BATS_FILE_TMPDIR"
	mkfifo "$M/ctl"
	"$HELPERS/mockbroker" -b 1 conn:2 < "$M/ctl" > "$M/addr" 2> "$M/mock.err" 3>&- &
	echo $! > "$M/mock.pid"
	exec 9> "$M/ctl"
	for _ in $(seq 100); do [ -s "$M/addr" ] && break; sleep 0.1; done
	ad-train-rf -q --trees 10 --seed 1 -o "$M/kdd.rf" "$FIXTURES/forest/train.ndjson"
}

teardown_file() {
	kill -TERM "$(cat "$M/mock.pid")" 2>/dev/null || true
	exec 9>&-
}

setup() {
	cd "$BATS_TEST_TMPDIR"
}

# examples PROG: run each example of PROG's page; an example may end with
# 0, or with 65 when it is about rejecting bad input on purpose.
examples() {
	local n=0 cmd status
	while IFS= read -r cmd; do
		n=$((n + 1))
		cmd=${cmd//localhost:9092/$(cat "$M/addr")}
		if [[ "$cmd" == *"--rate"* ]]; then
			status=0
			timeout 3 bash -o pipefail -c "$cmd" > out.$n 2> err.$n || status=$?
			[ "$status" -eq 124 ] || { echo "$1 example $n: $cmd: exit $status"; cat err.$n; return 1; }
			continue
		fi
		status=0
		bash -o pipefail -c "$cmd" > out.$n 2> err.$n || status=$?
		# pipefail: every stage must succeed, except one that head cut short
		if [ "$status" -eq 141 ] && [[ "$cmd" == *"| head"* ]]; then
			status=0
		fi
		if [ "$status" -ne 0 ] && ! { [ "$status" -eq 65 ] && [[ "$cmd" == *--reject* ]]; }; then
			echo "$1 example $n: $cmd: exit $status"
			cat err.$n
			return 1
		fi
		# and it did something: wrote to stdout, or to the file it names
		# with -o or > (a program that exits 0 and prints nothing fails)
		dest=$(sed -nE 's/.*(-o|--output|>) *([^ |;&]+).*/\2/p' <<< "$cmd")
		if [ ! -s out.$n ] && { [ -z "$dest" ] || { [[ "$dest" != *://* ]] && [ ! -s "$dest" ]; }; }; then
			echo "$1 example $n: $cmd: no output${dest:+ (nothing in $dest)}"
			cat err.$n
			return 1
		fi
	done < <(man_examples "$1")
	[ "$n" -gt 0 ] || { echo "$1: no examples"; return 1; }
}

@test "man kdd-gen: every example runs" {
	cp "$FIXTURES/kdd/sample.csv" kddcup.data_10_percent.gz
	examples kdd-gen
	[ "$("$HELPERS/ktool" "$(cat "$M/addr")" conn count | awk '/total/ { print $2 }')" -gt 0 ]
}

@test "man ad-clean: every example runs" {
	cp "$FIXTURES/clean/dirty.ndjson" "$FIXTURES/clean/series.ndjson" .
	examples ad-clean
}

@test "man ad-stl: every example runs" {
	cp "$FIXTURES/stl/co2.ndjson" .
	examples ad-stl
}

@test "man ad-classify: every example runs" {
	cp "$FIXTURES/classify/four.ndjson" .
	examples ad-classify
}

@test "man ad-train-rf: every example runs" {
	cp "$FIXTURES/kdd/sample.csv" kddcup.data_10_percent.gz
	cp "$FIXTURES/forest/train.ndjson" train.ndjson
	cp "$FIXTURES/forest/train.ndjson" http.ndjson
	if [ -r "$KDD10" ]; then
		cp "$(dirname "$KDD10")/training_attack_types" .
	else
		printf 'smurf dos\nneptune dos\nteardrop dos\nipsweep probe\nportsweep probe\nsatan probe\nback dos\nguess_passwd r2l\nbuffer_overflow u2r\n' > training_attack_types
	fi
	cp "$TOP/data/kdd-costs.csv" .
	examples ad-train-rf
}

@test "man ad-score: every example runs" {
	cp "$M/kdd.rf" kdd.rf
	cp "$FIXTURES/forest/score.ndjson" records.ndjson
	cp "$TOP/data/kdd-costs.csv" .
	printf 'smurf dos\nneptune dos\nteardrop dos\nipsweep probe\nportsweep probe\nsatan probe\nguess_passwd r2l\nbuffer_overflow u2r\n' > types
	ad-train-rf -q --trees 10 --classes types -o kdd5.rf "$FIXTURES/forest/train.ndjson"
	cp "$FIXTURES/forest/metrics.ndjson" metrics.ndjson
	examples ad-score
}

@test "man ad-forecast: every example runs" {
	cp "$FIXTURES/forecast/series.ndjson" "$FIXTURES/forecast/spiked.ndjson" .
	examples ad-forecast
}

@test "man ad-detect: every example runs" {
	cp "$FIXTURES/detect/nab.ndjson" .
	examples ad-detect
	# the two-run example scored every point once, the spike among them
	assert_equal "$(cat first.ndjson rest.ndjson | wc -l)" 2000
	grep -q '"spike":true,"score":' rest.ndjson
}

@test "man ad-alert: every example runs" {
	cp "$FIXTURES/alert/mismatch.ndjson" forecast.ndjson
	cp "$FIXTURES/alert/metric.ndjson" metrics.ndjson
	cp "$FIXTURES/alert/dod.ndjson" hourly.ndjson
	cp "$FIXTURES/alert/late.ndjson" scored.ndjson
	examples ad-alert
}

@test "man ad-eval: every example runs" {
	cp "$FIXTURES"/eval/one-window.* "$FIXTURES"/eval/ties.ndjson "$FIXTURES"/eval/classes.txt \
		"$FIXTURES"/eval/kdd-classes.ndjson "$TOP"/data/kdd-costs.csv .
	examples ad-eval
}

@test "man ad-plot: every example runs" {
	cp "$FIXTURES"/plot/*.ndjson .
	cp "$FIXTURES/alert/late.ndjson" metrics.ndjson
	examples ad-plot
}
