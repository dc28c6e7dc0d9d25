#!/usr/bin/env bats
# The input options every record-reading program shares through lib/cli,
# checked in each program that documents them (each has its own wiring of
# the input, so each is run): --max-line, -X, -F and --timeout.
load ../helpers/common

setup() {
	T=$BATS_TEST_TMPDIR
}

# The programs, each with the options it needs to start reading.
progs() {
	cat <<-EOF2
	ad-alert --when mismatch --count 3 --within 10m
	ad-classify
	ad-clean
	ad-detect
	ad-eval --truth label --positive 1
	ad-forecast train -o $T/f.model
	ad-plot -o $T/x.svg
	ad-score --zscore 3
	ad-stl --period 4
	ad-train-rf -o $T/m.rf
	EOF2
}

@test "--max-line N: a longer line is rejected at its place, status 65" {
	while read -r p args; do
		run --separate-stderr $p $args --max-line 20 <<< '{"id":"a","ts":1700000000,"value":1}'
		echo "$p: $status: $stderr"
		assert_equal "$status" 65
		[[ "$stderr" == "$p: <stdin>:1: line longer than 20 bytes"* ]]
		# the same line under the default limit is not rejected
		run --separate-stderr $p $args <<< '{"id":"a","ts":1700000000,"value":1}'
		[[ "$stderr" != *"line longer than"* ]]
	done < <(progs)
}

@test "-X name=value goes to librdkafka: an unknown property is a configuration error, 78" {
	while read -r p args; do
		run --separate-stderr timeout 20 $p $args -X no.such.property=1 kafka://127.0.0.1:1/t
		echo "$p: $status: $stderr"
		assert_equal "$status" 78
		assert_equal "$stderr" "$p: kafka: No such configuration property: \"no.such.property\""
	done < <(progs)
}

@test "-F file: its name=value lines go to librdkafka, comments skipped" {
	printf '# a comment\n\nno.such.property=1\n' > "$T/props"
	while read -r p args; do
		run --separate-stderr timeout 20 $p $args -F "$T/props" kafka://127.0.0.1:1/t
		echo "$p: $status: $stderr"
		assert_equal "$status" 78
		assert_equal "$stderr" "$p: kafka: No such configuration property: \"no.such.property\""
	done < <(progs)
	run --separate-stderr ad-clean -F "$T/absent" kafka://127.0.0.1:1/t
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"$T/absent"* ]]
}

@test "--timeout: brokers that never answer end the program with 69 after it" {
	while read -r p args; do
		start=$(date +%s)
		run --separate-stderr timeout 20 $p $args --timeout 1s kafka://127.0.0.1:1/t
		echo "$p: $status: $stderr"
		assert_equal "$status" 69
		[[ "$stderr" == "$p: kafka: 'kafka://127.0.0.1:1/t': no answer from the brokers within 1000 ms"* ]]
		[ $(($(date +%s) - start)) -le 6 ]
	done < <(progs)
}
