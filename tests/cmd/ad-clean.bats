#!/usr/bin/env bats
# ad-clean: validate, de-duplicate and enrich records; clean time series.

load ../helpers/common

setup() {
	T=$BATS_TEST_TMPDIR
	D=$FIXTURES/clean
}

@test "--help prints the synopsis on stdout and exits 0" {
	run ad-clean --help
	assert_success
	assert_line --index 0 --partial "usage: ad-clean [-ehqVv]"
	assert_output --partial "--dedup-window"
	assert_output --partial "--outlier-k"
}

@test "--version prints the version" {
	run ad-clean --version
	assert_success
	assert_output "ad-clean 0.1.0"
}

@test "an unknown option is a usage error (64) with usage on stderr" {
	run --separate-stderr ad-clean --bogus
	assert_equal "$status" 64
	assert_equal "$output" ""
	[[ "$stderr" == *"usage: ad-clean"* ]]
}

@test "bad option values and combinations are usage errors naming the option" {
	run ad-clean --dedup-window 0
	assert_equal "$status" 64
	assert_line --index 0 "ad-clean: --dedup-window: 0 is out of range [1, 2147483648]"
	run ad-clean --dedup ''
	assert_equal "$status" 64
	assert_line --index 0 "ad-clean: --dedup: empty field name"
	run ad-clean --step 1m
	assert_equal "$status" 64
	assert_line --index 0 "ad-clean: --step needs --series"
	run ad-clean --series
	assert_equal "$status" 64
	assert_line --index 0 "ad-clean: --series needs --step"
	run ad-clean --series --step 1m --dedup uuid
	assert_equal "$status" 64
	assert_line --index 0 "ad-clean: --dedup does not apply to --series"
	run ad-clean --series --step 0s
	assert_equal "$status" 64
	run ad-clean --series --step 1m --outlier-k -1
	assert_equal "$status" 64
	run ad-clean --series --step 1m --period often
	assert_equal "$status" 64
}

@test "a missing input file exits 66, the other files are still read" {
	run --separate-stderr ad-clean "$T/nope.ndjson" "$D/dirty.ndjson"
	assert_equal "$status" 66
	[[ "$stderr" == *"cannot open '$T/nope.ndjson'"* ]]
	assert_equal "$(printf '%s\n' "$output" | wc -l)" 15
}

@test "a missing or bad schema file is reported" {
	run ad-clean --schema "$T/nope.schema" </dev/null
	assert_equal "$status" 66
	printf 'id string\nts when\n' >"$T/bad.schema"
	run ad-clean --schema "$T/bad.schema" </dev/null
	assert_equal "$status" 78
	assert_output "ad-clean: $T/bad.schema:2: unknown type 'when' (int, number, string, bool)"
}

@test "writing to a full device exits 74" {
	run ad-clean "$D/dirty.ndjson" -o /dev/full
	assert_equal "$status" 74
}

@test "every reject reason, with its exact message, on the dirty fixture" {
	run --separate-stderr ad-clean -v "$D/dirty.ndjson"
	assert_equal "$status" 65
	expected="ad-clean: $D/dirty.ndjson:3: missing field 'label'
ad-clean: $D/dirty.ndjson:5: missing field 'src_bytes'
ad-clean: $D/dirty.ndjson:8: field 'src_bytes': expected a number, got \"abc\"
ad-clean: $D/dirty.ndjson:10: field 'protocol_type': expected a string, got 5
ad-clean: $D/dirty.ndjson:12: field 'duration': expected an integer, got 1.5
ad-clean: $D/dirty.ndjson:14: invalid JSON at column 3: invalid token near 'not'
ad-clean: $D/dirty.ndjson:15: field 'serror_rate': expected a finite number, got \"NaN\"
ad-clean: $D/dirty.ndjson:17: expected a JSON object, got an array
ad-clean: $D/dirty.ndjson:22: invalid JSON at column 40: premature end of input near '\"ser'
ad-clean: read 24, written 15, rejected 9 (invalid JSON 3, missing field 2, wrong type 3, not finite 1), duplicates 0"
	assert_equal "$stderr" "$expected"
}

@test "--dedup drops the known duplicates; golden output" {
	run --separate-stderr ad-clean -v --dedup uuid "$D/dirty.ndjson"
	assert_equal "$status" 65
	[[ "$stderr" == *"written 13, rejected 9 "*", duplicates 2" ]]
	assert_equal "$output" "$(cat "$GOLDEN/ad-clean/dirty-dedup.out")"
}

@test "--reject keeps every rejected line as read; --strict stops at the first" {
	run ad-clean -q --reject "$T/dead.ndjson" "$D/dirty.ndjson"
	assert_equal "$status" 65
	assert_equal "$(wc -l <"$T/dead.ndjson")" 9
	assert_equal "$(sed -n 6p "$T/dead.ndjson")" "not json at all"
	run --separate-stderr ad-clean --strict "$D/dirty.ndjson"
	assert_equal "$status" 65
	assert_equal "$(printf '%s\n' "$output" | wc -l)" 2
	assert_equal "$stderr" "ad-clean: $D/dirty.ndjson:3: missing field 'label'"
}

@test "numeric strings are coerced, total_bytes is added and fields keep their order" {
	run --separate-stderr ad-clean "$D/dirty.ndjson"
	assert_equal "$status" 65
	assert_equal "${#lines[@]}" 15
	# line 18 of the input has src_bytes as a string, line 20 count "N.0"
	line=$(sed -n 18p "$D/dirty.ndjson" | ad-clean)
	[[ "$(sed -n 18p "$D/dirty.ndjson")" == *'"src_bytes":"'* ]]
	[[ "$line" == *'"src_bytes":'[0-9]*','* ]]
	[[ "$line" != *'"src_bytes":"'* ]]
	[[ "$line" == *'"index":14,"total_bytes":'[0-9]*'}' ]]
	src=$(jq .src_bytes <<<"$line")
	dst=$(jq .dst_bytes <<<"$line")
	assert_equal "$(jq .total_bytes <<<"$line")" "$((src + dst))"
	[[ "$(sed -n 20p "$D/dirty.ndjson")" == *'.0",'* ]]
	line=$(sed -n 20p "$D/dirty.ndjson" | ad-clean)
	[[ "$(jq -c .count <<<"$line")" =~ ^[0-9]+$ ]]
	# a stale total_bytes is recomputed in place
	run ad-clean <<<"$(sed -n 1p "$D/dirty.ndjson" | jq -c '.total_bytes = 1 | .extra = true')"
	assert_success
	[[ "$output" == *'"total_bytes":'[0-9]*',"extra":true}' ]]
	[[ "$output" != *'"total_bytes":1,'* ]]
}

@test "property: ad-clean | ad-clean leaves a clean stream unchanged" {
	kdd-gen -s 3 -n 2000 --start 2026-01-01T00:00:00Z | ad-clean >"$T/once"
	ad-clean <"$T/once" >"$T/twice"
	cmp "$T/once" "$T/twice"
	assert_equal "$(wc -l <"$T/once")" 2000
	ad-clean --series --step 1m --period 12 "$D/series.ndjson" >"$T/s1"
	ad-clean --series --step 1m --period 12 "$T/s1" >"$T/s2"
	# the same points per key (keys may interleave differently)
	sort "$T/s1" | cmp - <(sort "$T/s2")
}

@test "kdd-gen output with escapes and nested values goes through the slow path" {
	printf '%s\n' '{"a\u0062":1,"n":{"x":[1, 2]},"s":"\u00e9"}' | ad-clean --schema none >"$T/o"
	assert_equal "$(cat "$T/o")" '{"ab":1,"n":{"x":[1,2]},"s":"é"}'
	run ad-clean --schema none <<<'{"a":1,"a":2}'
	assert_equal "$status" 65
	assert_output --partial "<stdin>:1: invalid JSON at column"
	assert_output --partial "duplicate object key"
}

@test "--dedup-window bounds what is remembered" {
	printf '{"u":"a"}\n{"u":"b"}\n{"u":"c"}\n{"u":"a"}\n{"u":"c"}\n' >"$T/w"
	run ad-clean --schema none --dedup u --dedup-window 2 "$T/w"
	assert_success
	assert_output '{"u":"a"}
{"u":"b"}
{"u":"c"}
{"u":"a"}'
	run ad-clean --schema none --dedup u "$T/w"
	assert_equal "$(printf '%s\n' "$output" | wc -l)" 3
	run ad-clean --schema none --dedup v "$T/w"
	assert_equal "$status" 65
	assert_line --index 0 "ad-clean: $T/w:1: missing field 'v'"
}

@test "--schema FILE checks and coerces other record types" {
	printf '%s\n' '{"id":"a","ts":"17","value":"0.5","up":"true"}' \
		'{"id":"a","ts":17,"value":1,"up":null}' '{"id":"a","ts":1.5,"value":1}' \
		'{"id":"a","ts":1,"value":"x"}' '{"id":"a","ts":1,"value":1,"up":3}' \
		'{"ts":1,"value":1}' >"$T/m"
	run --separate-stderr ad-clean --schema "$D/metric.schema" "$T/m"
	assert_equal "$status" 65
	assert_equal "$output" '{"id":"a","ts":17,"value":0.5,"up":true}
{"id":"a","ts":17,"value":1,"up":null}'
	assert_equal "$stderr" "ad-clean: $T/m:3: field 'ts': expected an integer, got 1.5
ad-clean: $T/m:4: field 'value': expected a number, got \"x\"
ad-clean: $T/m:5: field 'up': expected a boolean, got 3
ad-clean: $T/m:6: missing field 'id'"
}

@test "an over-long line is rejected (--max-line)" {
	run ad-clean --schema none --max-line 10 <<<'{"a":"0123456789"}'
	assert_equal "$status" 65
	assert_output "ad-clean: <stdin>:1: line longer than 10 bytes"
}

# valgrind-skip: the real KDD 10% file, about 500,000 records: hours at valgrind's speed
# bats test_tags=valgrind-skip
@test "the real KDD 10% file: every one of the 494,021 records passes" {
	need_kdd10
	run bash -c "kdd-gen --in-order '$KDD10' | ad-clean -v --dedup uuid | wc -l"
	assert_success
	assert_line "ad-clean: read 494021, written 494021, rejected 0, duplicates 0"
	assert_line "494021"
}

@test "--series: grid, phase-mean fill, long gap, spike replaced; golden output" {
	run --separate-stderr ad-clean -v --series --step 1m --period 12 "$D/series.ndjson"
	assert_success
	assert_equal "$output" "$(cat "$GOLDEN/ad-clean/series.out")"
	assert_equal "$stderr" "ad-clean: read 82, rejected 0, points 82, written 86, filled 3, replaced 1, level shifts 0, gaps 1 (7 slots), merged 0, evicted keys 0"
	# the filled value of the periodic key is its phase mean (12), the spike's original kept
	run grep -c '"id":"p","ts":1700003040000,"value":12.0,"filled":true' "$GOLDEN/ad-clean/series.out"
	assert_output 1
	run grep -c '"value":10.0,"original":110,"replaced":true' "$GOLDEN/ad-clean/series.out"
	assert_output 1
	# the 7 empty slots of key q, 10:04 to 10:10, are one gap record
	run grep -c '"id":"q","ts":1700000640000,"value":null,"gap":true,"gap_slots":7}' "$GOLDEN/ad-clean/series.out"
	assert_output 1
}

@test "--series: --max-gap, --outlier-k 0, --history, --period auto, field names" {
	run ad-clean --series --step 1m --period 12 --max-gap 10 "$D/series.ndjson"
	assert_success
	refute_output --partial '"gap":true'
	run ad-clean --series --step 1m --period 12 --outlier-k 0 "$D/series.ndjson"
	assert_success
	# 82 points, 3 filled, the 7-slot gap as one marker: 86 lines
	assert_equal "${#lines[@]}" 86
	refute_output --partial '"replaced"'
	# the spike stays as it came
	assert_line '{"id":"p","ts":1700003640000,"value":110}'
	# --period auto needs 256 steps: on this short series no period is
	# found, so the spike is replaced by the mean of its neighbours
	# (10 and 12), not by its phase mean (10)
	run ad-clean --series --step 1m --period auto "$D/series.ndjson"
	assert_success
	assert_line '{"id":"p","ts":1700003640000,"value":11.0,"original":110,"replaced":true}'
	# --history: period 2, phase 0 holds 0, 10, 20, 30, then a gap; the
	# fill is the mean of the last period (30) or of the last four (15)
	for k in 0 1 2 3; do
		echo "{\"id\":\"s\",\"ts\":$((k * 120)),\"value\":$((k * 10))}"
		echo "{\"id\":\"s\",\"ts\":$((k * 120 + 60)),\"value\":100}"
	done > "$T/ph"
	echo '{"id":"s","ts":540,"value":100}' >> "$T/ph"
	run ad-clean --series --step 1m --period 2 --history 1 "$T/ph"
	assert_success
	assert_line --index 8 '{"id":"s","ts":480,"value":30.0,"filled":true}'
	run ad-clean --series --step 1m --period 2 "$T/ph"
	assert_line --index 8 '{"id":"s","ts":480,"value":15.0,"filled":true}'
	# --outlier-window: 20 points swinging 0/100, then 50 52 48 51 49, 60,
	# 50. Over the 5 before it 60 is (60-50)/(1.4826*1) = 6.7 MADs out and
	# replaced by the mean of its neighbours; over 25 the MAD is 50: kept
	for i in $(seq 0 19); do echo "{\"id\":\"h\",\"ts\":$((i * 60)),\"value\":$((i % 2 * 100))}"; done > "$T/hw"
	i=20
	for v in 50 52 48 51 49 60 50; do echo "{\"id\":\"h\",\"ts\":$((i * 60)),\"value\":$v}"; i=$((i + 1)); done >> "$T/hw"
	run ad-clean --series --step 1m --outlier-window 5 "$T/hw"
	assert_success
	assert_line --index 25 '{"id":"h","ts":1500,"value":49.5,"original":60,"replaced":true}'
	run ad-clean --series --step 1m "$T/hw"
	assert_line --index 25 '{"id":"h","ts":1500,"value":60}'
	sed 's/"id"/"host"/; s/"ts"/"time"/; s/"value"/"cpu"/' "$D/series.ndjson" >"$T/r"
	run ad-clean --series --step 1m --id host --time time --field cpu --period 12 "$T/r"
	assert_success
	assert_output --partial '{"host":"p","time":1700003040000,"cpu":12.0,"filled":true}'
}

@test "--series: a step is a new level, not outliers; --level-shift 0 eats it" {
	# 40 points alternating 100/101, then 20 at 150/151: a step of 50
	awk 'BEGIN { for (i = 0; i < 60; i++) printf "{\"id\":\"s\",\"ts\":%d,\"value\":%d}\n", 60 * i, (i < 40 ? 100 : 150) + i % 2 }' > "$T/step"
	run ad-clean --series --step 1m "$T/step"
	assert_success
	# every value as it was, none replaced, the first of the new level marked
	assert_equal "$(jq -r .value <<< "$output" | xargs)" "$(jq -r .value "$T/step" | xargs)"
	assert_equal "$(grep -c replaced <<< "$output")" 0
	assert_equal "$(jq -c 'select(.level_shift) | .ts' <<< "$output")" 2400
	# a spike of two points on the new level is still replaced
	jq -c 'if .ts == 3300 or .ts == 3360 then .value = 300 else . end' "$T/step" > "$T/spike"
	run ad-clean --series --step 1m "$T/spike"
	assert_equal "$(jq -c 'select(.replaced) | [.ts, .original]' <<< "$output" | xargs)" "[3300,300] [3360,300]"
	# a plain Hampel filter replaces the step's first points
	run ad-clean --series --step 1m --level-shift 0 "$T/step"
	assert_equal "$(jq -c 'select(.replaced) | .ts' <<< "$output" | head -3 | xargs)" "2400 2460 2520"
}

@test "--series: times keep their form (ISO 8601, epoch seconds)" {
	printf '%s\n' '{"id":"a","ts":"2026-01-01T00:00:10Z","value":1}' \
		'{"id":"a","ts":"2026-01-01T00:02:00Z","value":3}' >"$T/iso"
	run ad-clean --series --step 1m "$T/iso"
	assert_success
	assert_output '{"id":"a","ts":"2026-01-01T00:00:00Z","value":1}
{"id":"a","ts":"2026-01-01T00:01:00Z","value":2.0,"filled":true}
{"id":"a","ts":"2026-01-01T00:02:00Z","value":3}'
	run ad-clean --series --step 60s <<<'{"id":"a","ts":1700000001,"value":1}'
	assert_output '{"id":"a","ts":1699999980,"value":1}'
}

@test "--series: late points, --reorder-window, bad fields" {
	printf '%s\n' '{"id":"a","ts":120000,"value":2}' '{"id":"a","ts":60000,"value":1}' \
		'{"id":"a","ts":180000,"value":"x"}' '{"ts":180000,"value":1}' \
		'{"id":"a","ts":"soon","value":1}' '{"id":"a","ts":180000}' \
		'{"id":"a","ts":240000,"value":"NaN"}' '{"id":"a","ts":300000,"value":null}' >"$T/late"
	why="'soon' is not a time"
	run --separate-stderr ad-clean --series --step 1m "$T/late"
	assert_equal "$status" 65
	assert_equal "$stderr" "ad-clean: $T/late:2: late point for 'a': 60000 is behind the reorder window
ad-clean: $T/late:3: field 'value': expected a number, got \"x\"
ad-clean: $T/late:4: missing field 'id'
ad-clean: $T/late:5: field 'ts': $why
ad-clean: $T/late:6: missing field 'value'
ad-clean: $T/late:7: field 'value': expected a finite number, got \"NaN\""
	run --separate-stderr ad-clean --series --step 1m --reorder-window 2m "$T/late"
	assert_equal "$status" 65
	[[ "$stderr" != *"late point"* ]]
	assert_line --index 0 --partial '"ts":60000,"value":1}'
}

# valgrind-skip: a deadline of 10 s per command (timeout 10); beside the other suites under valgrind it was killed, alone it takes 4 s (0.8 s of CPU) with no report
# bats test_tags=valgrind-skip
@test "--series: a gap longer than --max-gap is one marker record, however long" {
	# a jump to the year 9999 on a 1-minute grid is 4e9 empty slots
	printf '%s\n' '{"id":"a","ts":"2026-01-01T00:00:00Z","value":1}' \
		'{"id":"a","ts":"9999-12-31T23:58:00Z","value":2}' >"$T/jump"
	# (output to a file of at most 10 MB: a failure must not fill memory)
	run bash -c "ulimit -f 10000; timeout -k 1 10 ad-clean -v --series --step 1m '$T/jump' >'$T/out'"
	assert_success
	stderr=$output output=$(cat "$T/out")
	# (9999-12-31T23:57 - 2026-01-01T00:01) / 1 min + 1 slots, by date(1)
	n=$((($(date -ud 9999-12-31T23:57:00Z +%s) - $(date -ud 2026-01-01T00:01:00Z +%s)) / 60 + 1))
	assert_equal "$output" '{"id":"a","ts":"2026-01-01T00:00:00Z","value":1}
{"id":"a","ts":"2026-01-01T00:01:00Z","value":null,"gap":true,"gap_slots":'$n'}
{"id":"a","ts":"9999-12-31T23:58:00Z","value":2}'
	assert_equal "$stderr" "ad-clean: read 2, rejected 0, points 2, written 3, filled 0, replaced 0, level shifts 0, gaps 1 ($n slots), merged 0, evicted keys 0"
	# --step 1ms over points 5 minutes apart: one marker per gap, not 3e5 records
	for i in $(seq 0 99); do
		echo '{"id":"b","ts":'$((1700000000000 + i * 300000))',"value":'$i'}'
	done >"$T/ms"
	run bash -c "ulimit -f 10000; timeout -k 1 10 ad-clean --series --step 1ms '$T/ms' >'$T/out'"
	assert_success
	assert_equal "$(grep -c '"gap":true,"gap_slots":299999}' "$T/out")" 99
	assert_equal "$(wc -l <"$T/out")" 199
}

# valgrind-skip: a deadline of 2 s for the stop
# bats test_tags=valgrind-skip
@test "--series: SIGTERM or a closed pipe stops a long fill within a second" {
	# 99 gaps of 299,999 slots, all filled: 3e7 records unless stopped
	for i in $(seq 0 99); do
		echo '{"id":"b","ts":'$((1700000000000 + i * 300000))',"value":'$i'}'
	done >"$T/ms"
	mkfifo "$T/fifo"
	tail -n 2 <"$T/fifo" >"$T/tail" &
	tpid=$!
	ad-clean --series --step 1ms --max-gap 1000000 "$T/ms" >"$T/fifo" &
	pid=$!
	sleep 1
	kill -TERM $pid
	SECONDS=0
	wait $pid
	[ "$SECONDS" -le 2 ]
	wait $tpid
	# what was not filled is one gap record, then the point after it
	run cat "$T/tail"
	assert_line --index 0 --regexp '^\{"id":"b","ts":[0-9]+,"value":null,"gap":true,"gap_slots":[0-9]+\}$'
	assert_line --index 1 --regexp '^\{"id":"b","ts":[0-9]+,"value":[0-9]+\}$'
	run --separate-stderr bash -c "set -o pipefail; timeout -k 1 10 ad-clean --series --step 1ms --max-gap 1000000 '$T/ms' | head -n 1"
	assert_equal "$status" 74
	assert_output '{"id":"b","ts":1700000000000,"value":0}'
	assert_equal "$stderr" "ad-clean: write error on '<stdout>': Broken pipe"
}

@test "--series: impossible times are rejected with a reason, year 9999 seconds are seconds" {
	printf '%s\n' '{"id":"a","ts":"2026-02-31T00:00:00Z","value":1}' \
		'{"id":"a","ts":"2026-12-31T23:59:60Z","value":1}' \
		'{"id":"a","ts":9223372036854775807,"value":1}' \
		'{"id":"a","ts":253402300000,"value":1}' >"$T/times"
	run --separate-stderr ad-clean --series --step 1m "$T/times"
	assert_equal "$status" 65
	assert_equal "$stderr" "ad-clean: $T/times:1: field 'ts': '2026-02-31T00:00:00Z' is not a time
ad-clean: $T/times:2: field 'ts': '2026-12-31T23:59:60Z' is not a time
ad-clean: $T/times:3: field 'ts': time out of range (the years 0000 to 9999)"
	# 253402300000 s is 9999-12-31T23:46:40Z, written back in seconds
	assert_output '{"id":"a","ts":253402300020,"value":1}'
}

@test "--series: a second point in the slot just released is merged, not late" {
	printf '%s\n' '{"id":"a","ts":1700000040000,"value":1}' \
		'{"id":"a","ts":1700000050000,"value":3}' \
		'{"id":"a","ts":1700000100000,"value":5}' >"$T/same"
	run --separate-stderr ad-clean -v --series --step 1m "$T/same"
	assert_success
	assert_output '{"id":"a","ts":1700000040000,"value":2.0}
{"id":"a","ts":1700000100000,"value":5}'
	[[ "$stderr" == *"merged 1,"* ]]
}

@test "--series: --max-keys evicts (and flushes) the least recently used key" {
	printf '%s\n' '{"id":"a","ts":0,"value":1}' '{"id":"b","ts":0,"value":1}' \
		'{"id":"c","ts":0,"value":1}' '{"id":"a","ts":60000,"value":2}' >"$T/k"
	run --separate-stderr ad-clean -v --series --step 1m --max-keys 2 "$T/k"
	assert_success
	assert_equal "$(printf '%s\n' "$output" | wc -l)" 4
	[[ "$stderr" == *"evicted keys 2" ]]
}

@test "man page examples run" {
	kdd-gen -s 1 -n 50 | ad-clean --dedup uuid >"$T/ex1"
	assert_equal "$(wc -l <"$T/ex1")" 50
	run ad-clean --reject "$T/bad.ndjson" "$D/dirty.ndjson"
	assert_equal "$status" 65
	run ad-clean --series --step 1m --period 12 --max-gap 3 "$D/series.ndjson"
	assert_success
	assert_output --partial '"filled":true'
}
