#!/usr/bin/env bats
# ad-alert: counting, threshold, delta and change rules with firing,
# cooldown and resolve; windowed reports; event time with lateness.

load ../helpers/common

setup() {
	T=$BATS_TEST_TMPDIR
	A=$FIXTURES/alert
	G=$GOLDEN/ad-alert
}

teardown() {
	# a Kafka test that failed early: closing the pipe stops mockbroker
	exec 9>&- 2>/dev/null || true
}

@test "--help prints the synopsis on stdout and exits 0" {
	run --separate-stderr ad-alert --help
	assert_success
	assert_line --index 0 "usage: ad-alert [-ehqVv] [-F file] [-o dest] [-X name=value] [--id field]"
	assert_output --partial "--resolve-after duration"
	assert_equal "$stderr" ""
}

@test "--version prints the version" {
	run ad-alert --version
	assert_success
	assert_output "ad-alert 0.1.0"
	run ad-alert -V
	assert_output "ad-alert 0.1.0"
}

@test "an unknown option is a usage error (64) with usage on stderr" {
	run --separate-stderr ad-alert --bogus --above 1
	assert_equal "$status" 64
	assert_equal "$output" ""
	[[ "$stderr" == *"unrecognized option '--bogus'"* ]]
	[[ "$stderr" == *"usage: ad-alert [-ehqVv]"* ]]
}

@test "bad option values and combinations are usage errors, named" {
	run ad-alert
	assert_equal "$status" 64
	assert_line --index 0 "ad-alert: no rule: give --count, --above, --below, --delta, --change or --report"
	run ad-alert --count 3
	assert_equal "$status" 64
	assert_line --index 0 "ad-alert: --count and --within go together"
	run ad-alert --count 0 --within 1m
	assert_equal "$status" 64
	assert_line --index 0 "ad-alert: --count: 0 is out of range [1, 1000000]"
	run ad-alert --count 3 --within soon
	assert_equal "$status" 64
	assert_line --index 0 "ad-alert: --within: 'soon' is not a duration (e.g. 500ms, 30s, 5m, 1h, 7d)"
	run ad-alert --above high
	assert_equal "$status" 64
	assert_line --index 0 "ad-alert: --above: 'high' is not a number"
	run ad-alert --change 50%
	assert_equal "$status" 64
	assert_line --index 0 "ad-alert: --change and --vs go together"
	run ad-alert --change lots --vs 1d
	assert_equal "$status" 64
	assert_line --index 0 "ad-alert: --change: 'lots' is not a number"
	run ad-alert --above 1 --history 24
	assert_equal "$status" 64
	assert_line --index 0 "ad-alert: --history needs --change"
	run ad-alert --delta 1 --for 1m
	assert_equal "$status" 64
	assert_line --index 0 "ad-alert: --for needs --above or --below"
	run ad-alert --report
	assert_equal "$status" 64
	assert_line --index 0 "ad-alert: --report and --window go together"
	run ad-alert --report --window 1s --slide 1m
	assert_equal "$status" 64
	assert_line --index 0 "ad-alert: --slide must not be longer than --window"
	run ad-alert --report --window 1d --slide 1ms
	assert_equal "$status" 64
	assert_line --index 0 "ad-alert: --window / --slide: too many windows open at once (at most 100000)"
	run ad-alert --above 1 --slide 1s
	assert_equal "$status" 64
	assert_line --index 0 "ad-alert: --slide needs --report"
	run ad-alert --above 1 --max-keys 0
	assert_equal "$status" 64
	assert_line --index 0 "ad-alert: --max-keys: 0 is out of range [1, 100000000]"
	run ad-alert --above 1 --lateness -1s
	assert_equal "$status" 64
}

@test "a missing file exits 66 with the reason, the other files are still read" {
	run ad-alert --above 90 "$T/nope.ndjson" "$A/metric.ndjson"
	assert_equal "$status" 66
	assert_line --index 0 "ad-alert: cannot open '$T/nope.ndjson': No such file or directory"
	assert_output --partial '"alert":"above"'
}

@test "bad records: exact messages, skipped, counted, exit 65, dead-lettered" {
	run --separate-stderr ad-alert --count 2 --within 5m --reject "$T/dead" -v "$A/bad.ndjson"
	assert_equal "$status" 65
	assert_equal "${#stderr_lines[@]}" 5
	assert_equal "${stderr_lines[0]}" "ad-alert: $A/bad.ndjson:2: invalid JSON at column 39: invalid token near 'tru'"
	assert_equal "${stderr_lines[1]}" "ad-alert: $A/bad.ndjson:3: missing field 'ts'"
	assert_equal "${stderr_lines[2]}" "ad-alert: $A/bad.ndjson:4: field 'anomaly' is not a boolean"
	assert_equal "${stderr_lines[3]}" "ad-alert: $A/bad.ndjson:5: field 'ts': 'yesterday' is not a time"
	assert_equal "${stderr_lines[4]}" "ad-alert: read 6, rejected 4, late 0, evicted keys 0; firing 1, resolved 0, suppressed 0, reports 0"
	# the good records 1 and 6 (3 minutes apart) make the firing
	assert_output --partial '"reason":"2 anomalies within 5m","evidence":[1763719200,1763719380]'
	run diff <(sed -n '2,5p' "$A/bad.ndjson") "$T/dead"
	assert_success
}

@test "--strict stops at the first bad record" {
	run --separate-stderr ad-alert --strict --count 2 --within 5m "$A/bad.ndjson"
	assert_equal "$status" 65
	assert_equal "${#stderr_lines[@]}" 1
	assert_equal "$output" ""
}

@test "the value field must be a number when a rule needs it" {
	printf '{"id":"a","ts":1,"value":"high"}\n{"id":"a","ts":2}\n' > "$T/in"
	run ad-alert --above 1 "$T/in"
	assert_equal "$status" 65
	assert_line --index 0 "ad-alert: $T/in:1: field 'value' is not a number"
	assert_line --index 1 "ad-alert: $T/in:2: missing field 'value'"
}

@test "a full disk is a write error, exit 74" {
	run bash -c "ad-alert --report --window 30s '$A/late.ndjson' > /dev/full"
	assert_equal "$status" 74
	assert_output --partial "ad-alert: write error on '<stdout>': No space left on device"
	run ad-alert --report --window 30s -o /dev/full "$A/late.ndjson"
	assert_equal "$status" 74
}

@test "golden: counting rule with resolve" {
	run ad-alert --when mismatch --count 3 --within 10m --resolve-after 15m "$A/mismatch.ndjson"
	assert_success
	assert_output "$(cat "$G/count.out")"
	# by hand from the fixture: web's mismatches at +3m, +8m, +13m (values
	# 103, 108, 113) span exactly 10m: one firing at +13m, resolved 15m
	# after the last; db's at +3m, +8m, +14m span 11m: nothing
	assert_equal "$(jq -c 'select(.mismatch) | [.id, (.ts - 1763719200000) / 60000]' "$A/mismatch.ndjson" | xargs)" \
		"[web,3] [db,3] [web,8] [db,8] [web,13] [db,14]"
	assert_equal "$(jq -c '[.id, .status, .ts, .max, .evidence]' <<< "$output")" \
		'["web","firing",1763719980000,113,[1763719380000,1763719680000,1763719980000]]
["web","resolved",1763720880000,113,[1763719980000]]'
}

@test "golden: thresholds with --for, delta, named" {
	run ad-alert --above 90 --below 30 --delta 30 --for 1m --name cpu "$A/metric.ndjson"
	assert_success
	assert_output "$(cat "$G/threshold.out")"
}

@test "golden: day-over-day change" {
	run ad-alert --change 50% --vs 1d --history 24 "$A/dod.ndjson"
	assert_success
	assert_output "$(cat "$G/change.out")"
}

@test "--report on a crafted window: count and max of the anomalous, max_all and mean of all" {
	# key w, 10 s window [0,10): values 4 8 (flagged) 30 2 (flagged) 6;
	# [10,20): 1 3, none flagged; key v: one flagged record without a value
	cat > "$T/win" <<-'IN'
	{"id":"w","ts":0,"value":4,"anomaly":false}
	{"id":"w","ts":2,"value":8,"anomaly":true}
	{"id":"w","ts":4,"value":30,"anomaly":false}
	{"id":"w","ts":6,"value":2,"anomaly":true}
	{"id":"w","ts":8,"value":6,"anomaly":false}
	{"id":"w","ts":12,"value":1,"anomaly":false}
	{"id":"v","ts":13,"anomaly":true}
	{"id":"w","ts":14,"value":3,"anomaly":false}
	IN
	run ad-alert --report --window 10s "$T/win"
	assert_success
	run jq -c '[.id, .start, .records, .count, .max, .max_all, .mean]' <<< "$output"
	# w [0,10): 2 anomalous, the larger 8 (not 30), all: max 30, mean 50/5
	assert_line '["w",0,5,2,8,30,10]'
	assert_line '["w",10,2,0,null,3,2]'
	assert_line '["v",10,1,1,null,null,null]'
	assert_equal "${#lines[@]}" 3
}

@test "golden: sliding report with lateness" {
	run ad-alert --report --window 30s --slide 10s --lateness 20s -q "$A/late.ndjson"
	assert_success
	assert_output "$(cat "$G/report.out")"
}

@test "golden: counting rule and tumbling report with lateness" {
	run ad-alert --lateness 20s --count 2 --within 30s --report --window 30s -q "$A/late.ndjson"
	assert_success
	assert_output "$(cat "$G/lateness.out")"
}

@test "3 mismatches within 10m fire exactly once; 3 over 11m do not" {
	ad-alert --when mismatch --count 3 --within 10m "$A/mismatch.ndjson" > "$T/out"
	run jq -r '[.id, .status, .count, .reason] | @tsv' "$T/out"
	assert_output "$(printf 'web\tfiring\t3\t3 mismatches within 10m')"
	run ad-alert --when mismatch --count 3 --within 11m "$A/mismatch.ndjson"
	assert_equal "$(echo "$output" | jq -r .id | sort | tr '\n' ' ')" "db web "
	run ad-alert --when mismatch --count 4 --within 1h "$A/mismatch.ndjson"
	assert_output ""
}

@test "--resolve-after: resolved once quiet that long, not before" {
	ad-alert --when mismatch --count 3 --within 10m --resolve-after 15m "$A/mismatch.ndjson" > "$T/out"
	run jq -r 'select(.status == "resolved") | [.ts, .since, .reason] | @tsv' "$T/out"
	assert_output "$(printf '1763720880000\t1763719380000\t3 mismatches within 10m: not held for 15m')"
	# held last at minute 13; the stream ends at 44: no resolve after 35m
	run ad-alert --when mismatch --count 3 --within 10m --resolve-after 35m "$A/mismatch.ndjson"
	assert_equal "$(echo "$output" | jq -r .status)" "firing"
	run ad-alert --when mismatch --count 3 --within 10m --resolve-after 0 "$A/mismatch.ndjson"
	assert_equal "$(echo "$output" | jq -r .ts | tr '\n' ' ')" "1763719980000 1763720040000 "
}

@test "--cooldown suppresses repeats and counts them" {
	for i in 0 1 2 3 4 5 6 7 8 9; do
		printf '{"id":"x","ts":%d,"value":%d}\n' $((1763719200 + i * 60)) $((i % 2 ? 10 : 99))
	done > "$T/flap"
	run ad-alert --above 90 "$T/flap"
	assert_equal "${#lines[@]}" 5
	run --separate-stderr ad-alert --above 90 --cooldown 5m -v "$T/flap"
	assert_equal "${#lines[@]}" 2
	assert_equal "$(echo "$output" | jq -r .ts | tr '\n' ' ')" "1763719200 1763719560 "
	[[ "$stderr" == *"firing 2, resolved 0, suppressed 3"* ]]
}

@test "--id: records without the default id form one series; a given --id is required" {
	printf '{"ts":1,"value":5}\n{"ts":2,"value":7}\n' > "$T/in"
	run ad-alert --above 6 "$T/in"
	assert_success
	assert_output '{"alert":"above","id":null,"status":"firing","since":2,"ts":2,"count":1,"max":7,"reason":"value 7 above 6","evidence":[2]}'
	run ad-alert --id host --above 6 "$T/in"
	assert_equal "$status" 65
	assert_line --index 0 "ad-alert: $T/in:1: missing field 'host'"
	printf '{"host":17,"ts":2,"value":7}\n{"host":[1],"ts":2,"value":7}\n' > "$T/in"
	run ad-alert --id host --above 6 "$T/in"
	assert_equal "$status" 65
	assert_line --index 0 --partial '"id":"17"'
	assert_line --index 1 "ad-alert: $T/in:2: field 'host' is not a string or an integer"
}

@test "--time and --field name the fields; times come back in the input's form" {
	printf '{"host":"a","when":"2026-11-21T12:00:00.250+02:00","temp":30}\n{"host":"a","when":"2026-11-21T12:00:01.500+02:00","temp":45}\n' > "$T/in"
	run ad-alert --id host --time when --field temp --delta 10 "$T/in"
	assert_success
	assert_output --partial '"since":"2026-11-21T12:00:01.500+02:00"'
	assert_output --partial '"evidence":["2026-11-21T12:00:00.250+02:00","2026-11-21T12:00:01.500+02:00"]'
	assert_output --partial '"reason":"temp changed by +15 (30 to 45), more than 10"'
}

@test "--when counts a named flag, booleans or numbers" {
	printf '{"id":"a","ts":0,"bad":1}\n{"id":"a","ts":10,"bad":0}\n{"id":"a","ts":20,"bad":true}\n' > "$T/in"
	run ad-alert --when bad --count 2 --within 20s "$T/in"
	assert_success
	assert_output --partial '"reason":"2 bads within 20s","evidence":[0,20]'
}

@test "--name names the alert; with several rules name:kind" {
	run ad-alert --above 90 --name hot "$A/metric.ndjson"
	assert_equal "$(echo "$output" | jq -r .alert | sort -u)" "hot"
	run ad-alert --above 90 --below 30 --name hot "$A/metric.ndjson"
	assert_equal "$(echo "$output" | jq -r .alert | sort -u | tr '\n' ' ')" "hot:above hot:below "
}

@test "--change: + for rises only, - for falls only, reference one period back" {
	run ad-alert --change +50% --vs 1d --history 24 "$A/dod.ndjson"
	assert_output '{"alert":"change","id":"req","status":"firing","since":1763820000,"ts":1763820000,"count":1,"max":480,"reason":"value 480 is +100% vs 1d earlier (240)","evidence":[1763733600,1763820000]}'
	run ad-alert --change -50 --vs 1d --history 24 "$A/dod.ndjson"
	assert_output --partial '"reason":"value 110 is -63.33% vs 1d earlier (300)"'
	assert_equal "${#lines[@]}" 1
}

@test "--lateness: out of order within it gives the same alerts as sorted input" {
	jq -c . "$A/late.ndjson" | grep -v '"ts":1763719215' | sort -t: -k3 -n > "$T/sorted"
	grep -v '"ts":1763719215' "$A/late.ndjson" > "$T/shuffled"
	run ad-alert --lateness 20s --count 2 --within 30s --report --window 30s "$T/shuffled"
	assert_success
	assert_output "$(ad-alert --count 2 --within 30s --report --window 30s "$T/sorted")"
	# by hand: anomalies at :05, :30 and :45 give two pairs within 30s, and
	# the reports account for all 15 records
	assert_equal "$(echo "$output" | jq -c 'select(.alert) | .evidence')" "[1763719205,1763719230]
[1763719230,1763719245]"
	assert_equal "$(echo "$output" | jq -s 'map(.records // 0) | add')" 15
}

@test "late records beyond --lateness are reported, counted, not lost silently" {
	run --separate-stderr ad-alert --lateness 20s --report --window 30s -v "$A/late.ndjson"
	assert_success
	assert_equal "${stderr_lines[0]}" "ad-alert: $A/late.ndjson:13: late record: 1763719215 is 1m15s behind 1763719290 (lateness 20s), not counted"
	assert_equal "${stderr_lines[1]}" "ad-alert: read 16, rejected 0, late 1, evicted keys 0; firing 0, resolved 0, suppressed 0, reports 5"
	assert_equal "$(echo "$output" | jq -s 'map(.late) | add')" 1
	run --separate-stderr ad-alert -q --lateness 20s --report --window 30s "$A/late.ndjson"
	assert_equal "$stderr" ""
}

@test "--max-keys bounds the keys, evicting the least recent" {
	run --separate-stderr ad-alert --when mismatch --count 3 --within 10m --max-keys 1 -v "$A/mismatch.ndjson"
	assert_success
	assert_output ""
	[[ "$stderr" == *"evicted keys 89;"* ]]
	run ad-alert --when mismatch --count 3 --within 10m --max-keys 2 "$A/mismatch.ndjson"
	assert_equal "${#lines[@]}" 1
}

@test "--max-pending releases the oldest early" {
	run --separate-stderr ad-alert --lateness 1h --max-pending 1 --report --window 30s -v "$A/late.ndjson"
	assert_success
	assert_equal "${stderr_lines[0]}" "ad-alert: $A/late.ndjson:9: late record: 1763719245 is behind a record released early (--max-pending 1), not counted"
	[[ "$stderr" == *"late 2,"* ]]
	run --separate-stderr ad-alert --lateness 1h --report --window 30s -v "$A/late.ndjson"
	[[ "$stderr" == *"late 0,"* ]]
}

@test "-o writes to a file; gzip and several inputs are read" {
	gzip -c "$A/metric.ndjson" > "$T/m.gz"
	run ad-alert --above 90 -o "$T/out" "$T/m.gz" "$A/dod.ndjson"
	assert_success
	assert_output ""
	assert_equal "$(wc -l < "$T/out")" 3
	run ad-alert --above 90 - < "$A/metric.ndjson"
	assert_equal "${#lines[@]}" 2
}

@test "man page EXAMPLES: each one runs" {
	cp "$A/mismatch.ndjson" "$T/forecast.ndjson"
	cp "$A/metric.ndjson" "$T/metrics.ndjson"
	cp "$A/dod.ndjson" "$T/hourly.ndjson"
	cp "$A/late.ndjson" "$T/scored.ndjson"
	cd "$T"
	mapfile -t ex < <(man_examples ad-alert)
	assert_equal "${#ex[@]}" 5
	run sh -c "${ex[0]}"
	assert_success
	assert_output "$(cat "$G/count.out")"
	run sh -c "${ex[1]}"
	assert_success
	assert_equal "$(echo "$output" | jq -r .ts)" "2026-11-21T10:03:00Z"
	run sh -c "${ex[2]}"
	assert_success
	assert_equal "$(echo "$output" | jq -r .reason)" "value 480 is +100% vs 1d earlier (240)"
	run sh -c "${ex[3]}"
	assert_success
	assert_output "$(cat "$G/report.out")"
	run sh -c "${ex[4]}"
	assert_success
	assert_equal "$(echo "$output" | jq -r .id | sort -u | tr '\n' ' ')" "eco_i finger private "
}

@test "the groff lint of the man page is clean" {
	run groff -mdoc -ww -z "$TOP/man/ad-alert.1"
	assert_success
	assert_output ""
}

@test "alerts go to a Kafka topic keyed by id, and are read back from it" {
	H=${ADPIPE_BUILD:-$TOP/build}/helpers
	[ -x "$H/mockbroker" ] || skip "mockbroker helper not built"
	mkfifo "$T/ctl"
	"$H/mockbroker" alerts:2 < "$T/ctl" > "$T/addr" &
	exec 9> "$T/ctl"
	for i in 1 2 3 4 5 6 7 8 9 10; do [ -s "$T/addr" ] && break; sleep 0.2; done
	brk=$(head -n 1 "$T/addr")
	run ad-alert --when mismatch --count 3 --within 11m -o "kafka://$brk/alerts?key=id" "$A/mismatch.ndjson"
	assert_success
	run "$H/ktool" "$brk" alerts dump
	assert_equal "$(echo "$output" | cut -f2 | sort | tr '\n' ' ')" "db web "
	run ad-alert -e --field count --above 2 "kafka://$brk/alerts?group=g1&offset=earliest"
	exec 9>&-
	wait
	assert_success
	assert_equal "$(echo "$output" | jq -r .reason | sort -u)" "count 3 above 2"
	assert_equal "${#lines[@]}" 2
}

@test "the man page SYNOPSIS is the usage text" {
	man=$(groff -mdoc -Tascii -P-c -P-b -P-u "$TOP/man/ad-alert.1" 2>/dev/null |
		sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d' | sed 's/‐/-/g' | xargs)
	use=$(ad-alert --help | sed '/^$/q' | sed 's/^usage: //' | xargs)
	assert_equal "$man" "$use"
}
