#!/usr/bin/env bats
# kdd-gen: replay KDD CSV rows (or synthetic traffic) as NDJSON.

load ../helpers/common

setup() {
	T=$BATS_TEST_TMPDIR
}

@test "--help prints the synopsis on stdout and exits 0" {
	run kdd-gen --help
	assert_success
	assert_line --index 0 --partial "usage: kdd-gen [-ehqVv]"
	assert_output --partial "--in-order"
}

@test "--version prints the version" {
	run kdd-gen --version
	assert_success
	assert_output "kdd-gen 0.1.0"
}

@test "an unknown option is a usage error (64) with usage on stderr" {
	run --separate-stderr kdd-gen --bogus
	assert_equal "$status" 64
	assert_equal "$output" ""
	[[ "$stderr" == *"usage: kdd-gen"* ]]
}

@test "bad option values are usage errors naming the option" {
	run kdd-gen --count -1
	assert_equal "$status" 64
	assert_line --index 0 "kdd-gen: --count: -1 is out of range [0, 9223372036854775807]"
	run kdd-gen --rate fast
	assert_equal "$status" 64
	assert_line --index 0 "kdd-gen: --rate: 'fast' is not a number"
	run kdd-gen --interval 5parsecs --start 0
	assert_equal "$status" 64
	run kdd-gen a.csv b.csv
	assert_equal "$status" 64
	run kdd-gen --in-order
	assert_equal "$status" 64
	assert_line --index 0 "kdd-gen: --in-order needs a file"
}

@test "a missing file exits 66 with the reason" {
	run kdd-gen --in-order "$T/nope.csv"
	assert_equal "$status" 66
	assert_output "kdd-gen: cannot open '$T/nope.csv': No such file or directory"
}

@test "--in-order writes every row once with 46 fields in order" {
	run kdd-gen --in-order "$FIXTURES/kdd/sample.csv"
	assert_success
	assert_equal "${#lines[@]}" 300
	kdd-gen --in-order "$FIXTURES/kdd/sample.csv" > "$T/out"
	run jq -s 'map(length) | unique' "$T/out"
	assert_output "$(printf '[\n  46\n]')"
	run jq -r '[.sequence_id, .index] | @tsv' "$T/out"
	assert_line --index 0 "$(printf '0\t0')"
	assert_line --index 299 "$(printf '299\t299')"
	run jq -r 'keys_unsorted | join(",")' <(head -1 "$T/out")
	assert_output --partial "duration,protocol_type,service,flag,src_bytes"
	assert_output --partial "label,utc,uuid,sequence_id,index"
}

@test "numbers stay numbers, as written; symbolic fields stay strings" {
	kdd-gen --in-order "$FIXTURES/kdd/sample.csv" | head -n 1 > "$T/one" || true
	run grep -c '"same_srv_rate":1.00,' "$T/one"
	assert_output 1
	run jq -r '[(.src_bytes|type), (.service|type), (.serror_rate|type)] | join(" ")' "$T/one"
	assert_output "number string number"
}

@test "each record carries utc, a v4 uuid and counters" {
	kdd-gen --seed 1 --count 3 > "$T/out"
	run jq -r '.utc' "$T/out"
	[[ "${lines[0]}" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z$ ]]
	run jq -r '.uuid' "$T/out"
	[[ "${lines[0]}" =~ ^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$ ]]
	run jq -s -r 'map(.uuid) | unique | length' "$T/out"
	assert_output 3
}

@test "a gzip file is read transparently" {
	gzip -c "$FIXTURES/kdd/sample.csv" > "$T/s.csv.gz"
	kdd-gen --in-order -s 4 --start 0 "$T/s.csv.gz" > "$T/gz.ndjson"
	kdd-gen --in-order -s 4 --start 0 "$FIXTURES/kdd/sample.csv" > "$T/plain.ndjson"
	cmp "$T/gz.ndjson" "$T/plain.ndjson"
	# and it is the file's rows, not two empty outputs
	assert_equal "$(wc -l < "$T/gz.ndjson")" "$(wc -l < "$FIXTURES/kdd/sample.csv")"
	assert_equal "$(jq -r .label "$T/gz.ndjson" | tr -d .)" \
		"$(awk -F, '{ sub(/\.$/, "", $NF); print $NF }' "$FIXTURES/kdd/sample.csv")"
}

@test "- reads the CSV from stdin" {
	run bash -c "kdd-gen --in-order - < '$FIXTURES/kdd/sample.csv' | wc -l"
	assert_output 300
}

@test "--count limits random draws, which come from the file" {
	kdd-gen --count 1000 --seed 2 "$FIXTURES/kdd/sample.csv" > "$T/out"
	run wc -l < "$T/out"
	assert_output 1000
	run jq -s 'map(.index) | (min >= 0) and (max <= 299) and (unique | length > 250)' "$T/out"
	assert_output true
}

@test "the same seed and --start give byte-identical output" {
	run cmp <(kdd-gen -s 9 -n 500 --start 2026-11-21T10:00:00Z) \
		<(kdd-gen -s 9 -n 500 --start 2026-11-21T10:00:00Z)
	assert_success
	run cmp <(kdd-gen -s 9 -n 500 --start 0) <(kdd-gen -s 10 -n 500 --start 0)
	assert_failure
}

@test "--start and --interval set a simulated clock" {
	run bash -c "kdd-gen -s 1 -n 3 --start 2026-11-21T10:00:00Z --interval 1500ms | jq -r .utc"
	assert_line --index 0 "2026-11-21T10:00:00.000000Z"
	assert_line --index 2 "2026-11-21T10:00:03.000000Z"
	run bash -c "kdd-gen -s 1 -n 1 --start 1795255200 | jq -r .utc"
	assert_output "2026-11-21T10:00:00.000000Z"
}

@test "synthetic traffic has normal records and attack families" {
	kdd-gen --seed 5 --count 20000 > "$T/out"
	run jq -r .label "$T/out"
	assert_line "normal."
	assert_line "smurf."
	assert_line "neptune."
	run bash -c "jq -r .label '$T/out' | sort -u | wc -l"
	[ "$output" -ge 6 ]
	run bash -c "jq -r 'select(.label==\"smurf.\") | .protocol_type' '$T/out' | sort -u"
	assert_output icmp
}

@test "malformed rows are reported with file:line, skipped, counted, exit 65" {
	run --separate-stderr kdd-gen --in-order -v "$FIXTURES/kdd/dirty.csv"
	assert_equal "$status" 65
	assert_equal "${#lines[@]}" 2
	[[ "$stderr" == *"kdd-gen: $FIXTURES/kdd/dirty.csv:2: expected 42 fields, got 41"* ]]
	[[ "$stderr" == *"kdd-gen: $FIXTURES/kdd/dirty.csv:3: field 5 'src_bytes': expected an integer, got 'abc'"* ]]
	[[ "$stderr" == *"kdd-gen: $FIXTURES/kdd/dirty.csv:5: unterminated quoted field"* ]]
	[[ "$stderr" == *"kdd-gen: wrote 2 records, rejected 3 rows"* ]]
}

@test "--reject keeps the bad rows as read" {
	run kdd-gen --in-order --reject "$T/bad.csv" "$FIXTURES/kdd/dirty.csv"
	assert_equal "$status" 65
	run sed -n 2p "$T/bad.csv"
	assert_output --partial "0,tcp,http,SF,abc,486"
	run wc -l < "$T/bad.csv"
	assert_output 3
}

@test "--strict stops at the first bad row" {
	run --separate-stderr kdd-gen --in-order --strict "$FIXTURES/kdd/dirty.csv"
	assert_equal "$status" 65
	assert_equal "${#lines[@]}" 1
}

@test "binary junk and an empty file never crash" {
	head -c 100000 /dev/urandom > "$T/junk"
	run kdd-gen --in-order -q "$T/junk"
	[ "$status" -eq 65 ] || [ "$status" -eq 0 ]
	: > "$T/empty"
	run kdd-gen --in-order "$T/empty"
	assert_success
	assert_output ""
	run kdd-gen "$T/empty"
	assert_equal "$status" 65
	assert_output "kdd-gen: '$T/empty': no usable rows"
}

@test "a full disk is a write error, exit 74" {
	run kdd-gen --seed 1 --count 100000 -o /dev/full
	assert_equal "$status" 74
	assert_output --partial "kdd-gen: write error on '/dev/full': No space left on device"
	run bash -c "kdd-gen --seed 1 --count 100000 > /dev/full"
	assert_equal "$status" 74
}

@test "a closed pipe ends with exit 74 and a message, not a signal" {
	run bash -c 'kdd-gen --seed 1 | head -n 1 > /dev/null; echo "${PIPESTATUS[0]}"'
	assert_line --index 1 74
	assert_line --index 0 --partial "Broken pipe"
}

@test "an output file that cannot be created exits 73" {
	run kdd-gen -n 1 -o /nonexistent/dir/out.ndjson
	assert_equal "$status" 73
	assert_output "kdd-gen: cannot create '/nonexistent/dir/out.ndjson': No such file or directory"
}

@test "--rate throttles: 11 records at 20/s with burst 1 take at least half a second" {
	start=$(date +%s%N)
	run kdd-gen -s 1 -n 11 --rate 20 --burst 1
	end=$(date +%s%N)
	assert_success
	[ $(( (end - start) / 1000000 )) -ge 450 ]
}

# valgrind-skip: expects over 100 records within 0.5 s of the start
# bats test_tags=valgrind-skip
@test "SIGTERM stops cleanly: output flushed, exit 0" {
	kdd-gen --seed 1 --rate 1000 > "$T/out" &
	pid=$!
	sleep 0.5
	kill -TERM $pid
	rc=0
	wait $pid || rc=$?
	assert_equal "$rc" 0
	# Every line is a whole record: nothing was cut off by the stop.
	run jq -sc 'map(length) | unique' "$T/out"
	assert_output "[46]"
	[ "$(wc -l < "$T/out")" -gt 100 ]
}

# valgrind-skip: the real KDD 10% file, about 500,000 records: hours at valgrind's speed
# bats test_tags=valgrind-skip
@test "the real 10% file: 494,021 records, 46 fields each, labels as in the CSV" {
	need_kdd10
	kdd-gen --in-order "$KDD10" > "$T/kdd.ndjson"
	run wc -l < "$T/kdd.ndjson"
	assert_output 494021
	run python3 -c '
import json, sys, gzip
labels = [l.rstrip("\n").rsplit(",", 1)[1] for l in gzip.open(sys.argv[1], "rt")]
bad = 0
for i, line in enumerate(open(sys.argv[2])):
    r = json.loads(line)
    if len(r) != 46 or r["label"] != labels[r["index"]] or r["index"] != i:
        bad += 1
print(len(labels), bad)' "$KDD10" "$T/kdd.ndjson"
	assert_output "494021 0"
}

@test "man page examples run" {
	run kdd-gen --seed 1 --start 2026-11-21T10:00:00Z --count 10
	assert_success
	assert_equal "${#lines[@]}" 10
	cp "$FIXTURES/kdd/sample.csv" "$T/kddcup.data_10_percent.gz"
	(cd "$T" && kdd-gen --in-order kddcup.data_10_percent.gz > kdd.ndjson)
	run wc -l < "$T/kdd.ndjson"
	assert_output 300
	run bash -c "kdd-gen --seed 7 --count 5000 | jq -r .label | sort | uniq -c"
	assert_success
	assert_output --partial "normal."
}
