#!/usr/bin/env bats
# ad-detect: the program around the streaming detector.  Its tests check
# properties any good detector has (every record out once, in order, with
# its fields; scores in [0,1]; a huge spike scores highest and is an
# anomaly; runs cut by --state continue exactly), not one detector's
# numbers, so that they hold when the detector's insides change.

load ../helpers/common

setup() {
	T=$BATS_TEST_TMPDIR
	NAB=$FIXTURES/detect/nab.ndjson
}

teardown() {
	# a Kafka test that failed early: closing the pipe stops mockbroker
	exec 9>&- 2>/dev/null || true
}

# the records of $1 without the fields ad-detect adds, compact
strip() {
	jq -c 'del(.score, .anomaly, .parts)' "$1"
}

@test "--help prints the synopsis on stdout and exits 0" {
	run --separate-stderr ad-detect --help
	assert_success
	assert_line --index 0 "usage: ad-detect [-ehqVv] [-F file] [-o dest] [-X name=value] [--id field]"
	assert_output --partial "--state file"
	assert_equal "$stderr" ""
}

@test "--version prints the version" {
	run ad-detect -V
	assert_success
	assert_output "ad-detect 0.1.0"
}

@test "usage errors exit 64 with usage on stderr" {
	run --separate-stderr ad-detect --bogus "$NAB"
	assert_equal "$status" 64
	assert_equal "$output" ""
	[[ "$stderr" == *"usage: ad-detect"* ]]
	run ad-detect --threshold 1.5 "$NAB"
	assert_equal "$status" 64
	assert_line --index 0 "ad-detect: --threshold: 1.5 is out of range [0, 1]"
	run ad-detect --disable nosuch "$NAB"
	assert_equal "$status" 64
	assert_line --index 0 --regexp "^ad-detect: --disable: no component 'nosuch' \(there are: [a-z]"
	run ad-detect --field score "$NAB"
	assert_equal "$status" 64
	assert_line --index 0 "ad-detect: 'score' is a field ad-detect writes, not one it reads"
	run ad-detect --max-keys 0 "$NAB"
	assert_equal "$status" 64
}

@test "a missing input exits 66" {
	run ad-detect "$T/nope.ndjson"
	assert_equal "$status" 66
	assert_output "ad-detect: cannot open '$T/nope.ndjson': No such file or directory"
}

@test "every record comes out once, in order, its fields kept, score in [0,1]" {
	ad-detect "$NAB" > "$T/out"
	assert_equal "$(wc -l < "$T/out")" 2000
	# the input line, a comma, then the two fields
	paste -d '\t' "$NAB" "$T/out" | awk -F '\t' '
		{ l = substr($1, 1, length($1) - 1)
		  if (index($2, l ",\"score\":") != 1) { print "line " NR ": " $2; exit 1 } }'
	run jq -s '[.[] | select((.score | type) != "number" or .score < 0 or .score > 1
		or (.anomaly | type) != "boolean")] | length' "$T/out"
	assert_output 0
	# stdin and a file give the same
	ad-detect < "$NAB" | cmp - "$T/out"
}

@test "anomaly is score >= --threshold" {
	for t in 0 0.5 0.9 1; do
		ad-detect --threshold $t "$NAB" > "$T/out"
		run jq -s --argjson t $t '[.[] | select(.anomaly != (.score >= $t))] | length' "$T/out"
		assert_output 0
	done
	# threshold 0: everything is an anomaly
	run jq -s '[.[] | select(.anomaly)] | length' "$T/out"
	[ "$(ad-detect --threshold 0 "$NAB" | grep -c '"anomaly":true')" -eq 2000 ]
}

@test "a huge spike in a long noisy series scores highest and is an anomaly" {
	ad-detect "$NAB" > "$T/out"
	# NAB's probation: the first 15% of the key's points are not judged
	# above every point before it, at least as high as any after it, and an
	# anomaly at the default threshold
	run jq -s -r '[.[] | select(.id == "web")] | .[150:] |
		(map(select(.spike)) | .[0]) as $s |
		(map(select(.spike | not))) as $rest |
		(.[0:650] | max_by(.score)) as $before |
		[($s.score > $before.score), ($s.score >= ($rest | max_by(.score)).score),
		 $s.anomaly] | @tsv' "$T/out"
	assert_output "$(printf 'true\ttrue\ttrue')"
}

@test "keys are independent: a key alone scores as when interleaved" {
	ad-detect "$NAB" | grep '"id":"db"' > "$T/mixed"
	grep '"id":"db"' "$NAB" | ad-detect > "$T/alone"
	assert_equal "$(wc -l < "$T/alone")" 1000
	cmp "$T/mixed" "$T/alone"
}

@test "the time forms are one time: epoch s, epoch ms, ISO 8601, NAB text" {
	grep '"id":"web"' "$NAB" > "$T/nab"
	jq -c '.ts |= (sub(" "; "T") + "Z" | fromdate)' "$T/nab" > "$T/s"
	jq -c '.ts |= . * 1000' "$T/s" > "$T/ms"
	jq -c '.ts |= (todate)' "$T/s" > "$T/iso"
	ad-detect "$T/nab" | jq -c .score > "$T/want"
	[ "$(wc -l < "$T/want")" -eq 1000 ]
	for f in s ms iso; do
		ad-detect "$T/$f" | jq -c .score | cmp - "$T/want"
	done
}

@test "bad records: file:line and reason, rejected, counted, the rest scored, exit 65" {
	cat > "$T/in" <<-'EOF'
	{"id":"k","ts":1404172800,"value":1}
	{"id":"k","ts":1404173100}
	{"id":"k","ts":1404173100,"value":"12"}
	{"id":"k","ts":1404173100,"value":null}
	{"id":"k","ts":1404173100,"value":NaN}
	{"id":"k","value":2}
	{"id":"k","ts":"yesterday","value":2}
	{"ts":1404173100,"value":2}
	{"id":"k","ts":1404172500,"value":2}
	not json
	{"id":"k","ts":1404173100,"value":2}
	{"id":"k","ts":1404173100,"value":3}
	{"id":"k","ts":1405382700,"value":4}
	EOF
	run --separate-stderr ad-detect -v --reject "$T/rej" "$T/in"
	assert_equal "$status" 65
	# nine reasons and the summary
	[ "$(echo "$stderr" | grep -c '^ad-detect: ')" -eq 10 ]
	[[ "$stderr" == *"ad-detect: $T/in:2: missing field 'value'"* ]]
	[[ "$stderr" == *"ad-detect: $T/in:3: field 'value' is a string, not a number"* ]]
	[[ "$stderr" == *"ad-detect: $T/in:4: field 'value' is null, not a number (a gap or NaN)"* ]]
	[[ "$stderr" == *"ad-detect: $T/in:5: invalid JSON"* ]]
	[[ "$stderr" == *"ad-detect: $T/in:6: missing time field 'ts'"* ]]
	[[ "$stderr" == *"ad-detect: $T/in:7: 'yesterday' is not a time"* ]]
	[[ "$stderr" == *"ad-detect: $T/in:8: missing or null key field 'id'"* ]]
	[[ "$stderr" == *"ad-detect: $T/in:9: time goes back 300000 ms for key 'k'"* ]]
	[[ "$stderr" == *"ad-detect: $T/in:10: invalid JSON"* ]]
	[[ "$stderr" == *"ad-detect: 13 read, 9 rejected, 1 keys, 0 evicted"* ]]
	# the good ones (an equal time and a gap of two weeks included) come out
	assert_equal "$(echo "$output" | jq -r .value | xargs)" "1 2 3 4"
	# the dead letters are the bad lines as read
	sed -n '2,10p' "$T/in" | cmp - "$T/rej"
	# and they changed nothing: the good lines alone score the same
	sed -n '1p;11,13p' "$T/in" | ad-detect | cmp - <(echo "$output")
}

@test "--strict stops at the first bad record" {
	printf '{"id":"k","ts":1,"value":1}\n{"id":"k","ts":2}\n{"id":"k","ts":3,"value":3}\n' > "$T/in"
	run --separate-stderr ad-detect --strict "$T/in"
	assert_equal "$status" 65
	assert_equal "$(echo "$output" | jq -r .value | xargs)" "1"
	[[ "$stderr" == *"$T/in:2: missing field 'value'"* ]]
}

@test "--id, --time and --field; our fields in the input are replaced" {
	printf '{"host":"a","when":"2014-07-01T00:00:00Z","cpu":5,"score":9,"anomaly":"x"}\n' > "$T/in"
	run ad-detect --id host --time when --field cpu "$T/in"
	assert_success
	run jq -c '[.host, .cpu, (.score | type), (.anomaly | type), (keys_unsorted | length)]' <<< "$output"
	assert_output '["a",5,"number","boolean",5]'
	run ad-detect "$T/in"
	assert_equal "$status" 65
}

@test "--parts: every component's score, in [0,1]; --disable leaves one out" {
	ad-detect --parts "$NAB" > "$T/out"
	names=$(head -n 1 "$T/out" | jq -r '.parts | keys_unsorted[]')
	[ -n "$names" ]
	run jq -s '[.[] | .parts | to_entries[] | select((.value | type) != "number" or .value < 0 or .value > 1)] | length' "$T/out"
	assert_output 0
	# every component is documented in the man page
	for n in $names; do
		grep -q "^\.It Li $n\$" "$TOP/man/ad-detect.1" || fail "component '$n' not in the man page"
	done
	first=$(echo "$names" | head -n 1)
	run ad-detect --parts --disable "$first" "$NAB"
	assert_success
	run jq -s --arg n "$first" '[.[] | select(.parts | has($n))] | length' <<< "$output"
	assert_output 0
	# without --parts, no parts
	run ad-detect "$NAB"
	refute_output --partial '"parts"'
}

@test "--disable every component: still every record, scores in [0,1]" {
	all=$(ad-detect --parts "$NAB" | head -n 1 | jq -r '.parts | keys_unsorted | join(",")')
	run ad-detect --disable "$all" "$NAB"
	assert_success
	assert_equal "$(echo "$output" | jq -s '[.[] | select(.score >= 0 and .score <= 1)] | length')" 2000
}

@test "--state: a stream cut into runs scores exactly as one run" {
	ad-detect --state "$T/whole.state" "$NAB" > "$T/whole"
	head -n 700 "$NAB" | ad-detect --state "$T/s" > "$T/cut"
	sed -n '701,1500p' "$NAB" | ad-detect --state "$T/s" >> "$T/cut"
	tail -n +1501 "$NAB" | ad-detect --state "$T/s" >> "$T/cut"
	assert_equal "$(wc -l < "$T/cut")" 2000
	cmp "$T/cut" "$T/whole"
	cmp "$T/s" "$T/whole.state"
	# one line per key: id, the last time in ms, the detector's state
	run jq -c '[.id, .t, (.state | type)]' "$T/s"
	assert_output "$(printf '["web",1404472500000,"object"]\n["db",1404472500000,"object"]')"
	# no temporary file left
	assert_equal "$(ls "$T" | grep -c '\.tmp')" 0
	# the last time is kept: a point before it is still refused
	run ad-detect --state "$T/s" "$NAB"
	assert_equal "$status" 65
	assert_line --index 0 --partial "time goes back"
}

@test "--state: a bad state file is refused with its line, 65; unwritable: 73" {
	printf '{"id":"web","t":1,"state":{"v":-1}}\n' > "$T/bad.state"
	run ad-detect --state "$T/bad.state" "$NAB"
	assert_equal "$status" 65
	assert_line --index 0 --partial "ad-detect: $T/bad.state:1: "
	printf 'not json\n' > "$T/bad.state"
	run ad-detect --state "$T/bad.state" "$NAB"
	assert_equal "$status" 65
	assert_line --index 0 --partial "ad-detect: $T/bad.state:1: "
	run ad-detect --state /nonexistent/dir/s "$NAB"
	assert_equal "$status" 73
	assert_output --partial "cannot create '/nonexistent/dir/s'"
}

@test "--max-keys: the least recently seen key is evicted and starts afresh" {
	run --separate-stderr ad-detect -v --max-keys 1 "$NAB"
	assert_success
	[[ "$stderr" == *"2000 read, 0 rejected, 1 keys, 1999 evicted"* ]]
	echo "$output" > "$T/out"
	# two keys alternate and one is kept: every point is its key's first
	for n in 2 3 1601 2000; do
		assert_equal "$(sed -n "${n}p" "$T/out")" "$(sed -n "${n}p" "$NAB" | ad-detect)"
	done
	# with room for both, the spike is judged with its history
	run --separate-stderr ad-detect -v --max-keys 2 "$NAB"
	[[ "$stderr" == *"2 keys, 0 evicted"* ]]
	[ "$(echo "$output" | sed -n 1601p)" != "$(sed -n 1601p "$T/out")" ]
}

@test "-v says the bytes of state per key, as the man page does" {
	run --separate-stderr ad-detect -v "$NAB"
	assert_success
	n=$(echo "$stderr" | sed -n 's/.* \([0-9][0-9]*\) bytes of state per key.*/\1/p')
	[ -n "$n" ]
	grep -q "length of its stream: $n\$" "$TOP/man/ad-detect.1" ||
		fail "the man page does not say $n bytes of state per key"
}

@test "SIGTERM: what was read is written, the state saved, exit 0" {
	mkfifo "$T/feed"
	ad-detect --state "$T/s" "$T/feed" > "$T/out" &
	pid=$!
	exec 7<> "$T/feed" # read-write: never blocks, whoever reads
	head -n 100 "$NAB" >&7
	for _ in $(seq 100); do [ "$(wc -l < "$T/out")" -ge 100 ] && break; sleep 0.1; done
	kill -TERM $pid
	st=0
	wait $pid || st=$?
	exec 7>&-
	assert_equal "$st" 0
	head -n 100 "$NAB" | ad-detect | cmp - "$T/out"
	assert_equal "$(jq -r .id "$T/s" | sort | xargs)" "db web"
}

@test "a failed write (/dev/full) exits 74" {
	run ad-detect "$NAB" -o /dev/full
	assert_equal "$status" 74
	assert_output --partial "ad-detect: "
}

@test "a detector that breaks its contract: exit 70 at its record, no state saved" {
	# No input makes the detector score outside [0,1] (hostile.bats tries
	# the extremes), so a test build puts the fault in: build/helpers/
	# ad-detect-fault is ad-detect linked over detector_step, breaking the
	# step AD_FAULT names (tests/helpers/inject/detector.c).  Under the
	# program's own name, as its messages carry it.
	F=${ADPIPE_BUILD:-$TOP/build}/helpers/ad-detect-fault
	[ -x "$F" ] || fail "$F is not built (make tests)"
	mkdir "$T/fault"
	ln -s "$F" "$T/fault/ad-detect"
	head -n 10 "$NAB" > "$T/in"
	run --separate-stderr ad-detect --state "$T/s" "$T/in"
	assert_success
	assert_equal "${#lines[@]}" 10
	printf '%s\n' "${lines[@]:0:3}" > "$T/first3"
	assert_equal "$(echo "${lines[3]}" | jq .score)" 0
	rm "$T/s"
	# the score of the 4th record (key db) out of range, NaN, or a
	# component's score not finite: the records before it are written as
	# ad-detect writes them, then it stops with the place and the reason
	for fault in "4 score 1.5" "4 score nan" "4 part inf"; do
		AD_FAULT=$fault run --separate-stderr "$T/fault/ad-detect" --state "$T/s" "$T/in"
		echo "$fault: $status: $stderr"
		assert_equal "$status" 70
		# with a part broken, the score is the detector's own: 0 so early
		s=${fault##* }
		[ "$s" != inf ] || s=0
		assert_equal "$stderr" "ad-detect: $T/in:4: detector: score $s out of [0,1] or a part not finite for key 'db'"
		assert_equal "$output" "$(cat "$T/first3")"
		# the state is saved only by a clean end
		[ ! -e "$T/s" ]
	done
	# without a fault the test build is ad-detect
	run "$T/fault/ad-detect" "$T/in"
	assert_success
	assert_equal "$output" "$(ad-detect "$T/in")"
}

@test "Kafka: scored into a topic keyed by id, read back, scored again the same" {
	H=${ADPIPE_BUILD:-$TOP/build}/helpers
	[ -x "$H/mockbroker" ] || skip "mockbroker helper not built"
	mkfifo "$T/ctl"
	"$H/mockbroker" scored:2 < "$T/ctl" > "$T/addr" &
	exec 9> "$T/ctl"
	for i in $(seq 50); do [ -s "$T/addr" ] && break; sleep 0.2; done
	brk=$(head -n 1 "$T/addr")
	ad-detect "$NAB" > "$T/want"
	run ad-detect -o "kafka://$brk/scored?key=id" "$NAB"
	assert_success
	run "$H/ktool" "$brk" scored dump
	assert_equal "$(echo "$output" | wc -l)" 2000
	assert_equal "$(echo "$output" | cut -f2 | sort -u | xargs)" "db web"
	# read back (the scores in the input are replaced by new ones): per key,
	# in order, the same records as from the file (jansson re-writes the
	# records that held our fields: numbers compared as numbers)
	run --separate-stderr ad-detect -e "kafka://$brk/scored?group=g1&offset=earliest"
	exec 9>&-
	wait
	assert_success
	assert_equal "${#lines[@]}" 2000
	for k in web db; do
		diff <(echo "$output" | grep "\"id\":\"$k\"" | jq -c .) <(grep "\"id\":\"$k\"" "$T/want" | jq -c .)
	done
}
