#!/usr/bin/env bats
# ad-eval: NAB scores of series against anomaly windows (hand-computed
# and against the independent nab_score.py), and labelled records.

load ../helpers/common

NAB_DIR="${ADPIPE_SHARED:-$TOP/../shared}/nab"
NAB_DEV="${ADPIPE_SHARED:-$TOP/../shared}/data/nab-dev"
PY=/usr/bin/python3

setup() {
	T=$BATS_TEST_TMPDIR
	F="$FIXTURES/eval"
	cd "$T"
}

teardown() {
	# a Kafka test that failed early: closing the pipe stops mockbroker
	exec 9>&- 2>/dev/null || true
	if [ -n "${MOCK_PID:-}" ]; then
		kill -TERM "$MOCK_PID" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$MOCK_PID" 2>/dev/null || break; sleep 0.1; done
	fi
}

# NAB's scaled sigmoid, for the expected values written out below.
sig() { awk -v y="$1" 'BEGIN { printf "%.17g", 2 / (1 + exp(5 * y)) - 1 }'; }
# |a - b| <= tol
near() { awk -v a="$1" -v b="$2" -v t="${3:-1e-9}" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t) }'; }

@test "--help prints the synopsis on stdout and exits 0" {
	run ad-eval --help
	assert_success
	assert_line --index 0 --partial "usage: ad-eval [-ehqVv]"
	assert_output --partial "--windows file"
}

@test "--version prints the version" {
	run ad-eval --version
	assert_output "ad-eval 0.1.0"
}

@test "usage errors exit 64 with usage on stderr" {
	run --separate-stderr ad-eval --bogus
	assert_equal "$status" 64
	[[ "$stderr" == *"usage: ad-eval"* ]]
	run --separate-stderr ad-eval --windows "$F/one-window.json" --threshold 0.5 --optimize
	assert_equal "$status" 64
	[[ "$stderr" == *"ad-eval: --optimize and --threshold conflict"* ]]
	run --separate-stderr ad-eval
	assert_equal "$status" 64
}

@test "missing input or windows file exits 66" {
	run ad-eval --windows "$F/one-window.json" nope.ndjson
	assert_equal "$status" 66
	assert_output --partial "ad-eval: cannot open 'nope.ndjson': No such file or directory"
	run ad-eval --windows nope.json "$F/one-window.ndjson"
	assert_equal "$status" 66
	assert_output "ad-eval: cannot open 'nope.json': No such file or directory"
}

@test "one window, fixed threshold: the NAB score written out from the formula" {
	run ad-eval --windows "$F/one-window.json" --threshold 0.5 "$F/one-window.ndjson"
	assert_success
	echo "$output" > r.json
	# 20 rows: probation floor(0.15 * 20) = 3.  Window rows 10..14 (W = 5).
	# Detections: row 5 (before any window: -1), row 12 (in the window:
	# sig(-(14 - 12 + 1) / 5) / sig(-1)), row 17 (after it: sig((17 - 14) / (14 - 10))).
	tp=$(awk -v a="$(sig -0.6)" -v b="$(sig -1)" 'BEGIN { printf "%.17g", a / b }')
	after=$(sig 0.75)
	std=$(awk -v tp="$tp" -v a="$after" 'BEGIN { raw = tp + 0.11 * -1 + 0.11 * a; printf "%.17g", 100 * (raw + 1) / 2 }')
	lfp=$(awk -v tp="$tp" -v a="$after" 'BEGIN { raw = tp + 0.22 * -1 + 0.22 * a; printf "%.17g", 100 * (raw + 1) / 2 }')
	lfn=$(awk -v tp="$tp" -v a="$after" 'BEGIN { raw = tp + 0.11 * -1 + 0.11 * a; printf "%.17g", 100 * (raw + 2) / 3 }')
	near "$(jq .nab.standard.score r.json)" "$std"
	near "$(jq .nab.reward_low_FP_rate.score r.json)" "$lfp"
	near "$(jq .nab.reward_low_FN_rate.score r.json)" "$lfn"
	assert_equal "$(jq -c '.nab.standard | [.threshold, .tp, .fp, .fn, .null_raw, .perfect_raw]' r.json)" '[0.5,1,2,0,-1,1]'
	assert_equal "$(jq -c '.nab.reward_low_FN_rate | [.null_raw, .perfect_raw]' r.json)" '[-2,1]'
	assert_equal "$(jq -c '.keys["test/one.csv"] | [.rows, .probation, .windows, .found, .fp, .delay_rows, .delay_s]' r.json)" '[20,3,1,1,2,2,120]'
	assert_equal "$(jq -c '[.records, .series, .windows, .missing]' r.json)" '[20,1,1,["test/quiet.csv"]]'
}

@test "one window, --optimize: the best threshold keeps only the detection in the window" {
	run ad-eval --windows "$F/one-window.json" "$F/one-window.ndjson"
	assert_success
	echo "$output" > r.json
	std=$(awk -v a="$(sig -0.6)" -v b="$(sig -1)" 'BEGIN { printf "%.17g", 100 * (a / b + 1) / 2 }')
	near "$(jq .nab.standard.score r.json)" "$std"
	assert_equal "$(jq -c '[.nab[] | .threshold]' r.json)" '[1,1,1]'
	assert_equal "$(jq -c '.nab.standard | [.tp, .fp, .fn]' r.json)" '[1,0,0]'
}

@test "a detector that never fires scores 0, a perfect one 100" {
	sed 's/"score":[^}]*}/"score":0}/' "$F/one-window.ndjson" > never.ndjson
	run ad-eval --windows "$F/one-window.json" --threshold 0.5 never.ndjson
	assert_success
	assert_equal "$(jq -c '[.nab[] | .score]' <<< "$output")" '[0,0,0]'
	# optimised, score 0 everywhere is a detector firing everywhere:
	# the window at its left edge (1) and the 12 scored rows outside it
	run ad-eval --windows "$F/one-window.json" never.ndjson
	assert_equal "$(jq -c '.nab.standard | [.threshold, .tp, .fp]' <<< "$output")" '[0,1,12]'
	# a detection at the window's left edge only
	awk '{ s = NR == 11 ? 1 : 0; sub(/"score":[^}]*}/, "\"score\":" s "}"); print }' "$F/one-window.ndjson" > perfect.ndjson
	run ad-eval --windows "$F/one-window.json" perfect.ndjson
	assert_equal "$(jq -c '[.nab[] | .score]' <<< "$output")" '[100,100,100]'
}

@test "keys in any order, and --pretty, give the same report" {
	ad-eval --windows "$F/one-window.json" "$F/one-window.ndjson" > a.json
	{ cat "$F/one-window.ndjson"; sed 's/test\/one.csv/test\/quiet.csv/' "$F/one-window.ndjson"; } | awk '{ print NR % 7, NR, $0 }' | sort -n -k1,1 -k2,2 | cut -d' ' -f3- > mixed.ndjson
	ad-eval --windows "$F/one-window.json" mixed.ndjson > b.json
	assert_equal "$(jq -c '.keys["test/one.csv"]' a.json)" "$(jq -c '.keys["test/one.csv"]' b.json)"
	assert_equal "$(jq -c '.series' b.json)" 2
	ad-eval --pretty --windows "$F/one-window.json" "$F/one-window.ndjson" > p.json
	[ "$(wc -l < p.json)" -gt 20 ]
	assert_equal "$(jq -cS . p.json)" "$(jq -cS . a.json)"
}

@test "bad records: not a number, no windows entry, no time; exit 65" {
	{
		head -3 "$F/one-window.ndjson"
		echo '{"id":"test/one.csv","ts":"2020-01-01 00:03:00","value":3,"score":"high"}'
		echo '{"id":"test/other.csv","ts":"2020-01-01 00:03:00","value":3,"score":1}'
		echo '{"id":"test/one.csv","value":3,"score":1}'
		echo 'not json'
		echo '{"id":"test/other.csv","ts":"2020-01-01 00:04:00","value":3,"score":1}'
	} > bad.ndjson
	run --separate-stderr ad-eval --windows "$F/one-window.json" --reject dead.ndjson bad.ndjson
	assert_equal "$status" 65
	[[ "$stderr" == *"ad-eval: bad.ndjson:4: field 'score' is a string, not a number"* ]]
	[[ "$stderr" == *"ad-eval: bad.ndjson:5: key 'test/other.csv' has no entry in '$F/one-window.json'"* ]]
	[[ "$stderr" == *"ad-eval: bad.ndjson:6: missing field 'ts'"* ]]
	[[ "$stderr" == *"ad-eval: bad.ndjson:7: invalid JSON"* ]]
	assert_equal "$(wc -l < dead.ndjson)" 5
	assert_equal "$(jq -c '[.records, .unlabelled]' <<< "$output")" '[3,{"test/other.csv":2}]'
}

@test "--reject: the bad lines verbatim, in order, and their count with -v" {
	# the bad lines, byte for byte (spaces and field order kept): a score
	# that is not a number, a key with no windows entry, no time, a score
	# that is null, a line that is not JSON
	cat > bad.txt <<-'EOF'
	{"id":"test/one.csv", "ts":"2020-01-01 00:03:00","score":"high"}
	{"score":1,"id":"test/other.csv","ts":"2020-01-01 00:03:00"}
	{"id":"test/one.csv","score":1}
	{"id":"test/one.csv","ts":"2020-01-01 00:04:00","score":null}
	not json {
	EOF
	{
		sed -n 1,3p "$F/one-window.ndjson"
		sed -n 1,2p bad.txt
		sed -n 4,6p "$F/one-window.ndjson"
		sed -n 3,5p bad.txt
		sed -n 7,20p "$F/one-window.ndjson"
	} > in.ndjson
	echo '{"previous":"run"}' > dead.ndjson
	run --separate-stderr ad-eval -v --windows "$F/one-window.json" --threshold 0.5 --reject dead.ndjson in.ndjson
	assert_equal "$status" 65
	# --reject appends: the line already there, then the five bad lines
	diff dead.ndjson <(echo '{"previous":"run"}'; cat bad.txt)
	[[ "$stderr" == *"ad-eval: in.ndjson:4: field 'score' is a string, not a number"* ]]
	[[ "$stderr" == *"ad-eval: in.ndjson:5: key 'test/other.csv' has no entry in '$F/one-window.json'"* ]]
	[[ "$stderr" == *"ad-eval: in.ndjson:9: missing field 'ts'"* ]]
	[[ "$stderr" == *"ad-eval: in.ndjson:10: field 'score' is null"* ]]
	[[ "$stderr" == *"ad-eval: in.ndjson:11: invalid JSON"* ]]
	assert_equal "$(grep -c '^ad-eval: in.ndjson:' <<< "$stderr")" 5
	assert_equal "$(tail -n 1 <<< "$stderr")" "ad-eval: read 25, rejected 5"
	# the good rows are all scored: the report of the 20 rows alone
	assert_equal "$(jq -c '[.records, .unlabelled, .nab.standard.tp, .nab.standard.fp, .nab.standard.fn]' <<< "$output")" '[20,{"test/other.csv":1},1,2,0]'
}

# Two series with two windows each, scores 0 or 1: w.json, two.ndjson.
two_keys() {
	# key a: 20 rows a minute apart; windows rows 6..8 and 12..15.
	# key b: 10 rows 10 s apart; windows rows 3..5 and 7..8.
	cat > w.json <<-'EOF'
	{"a": [["2020-01-01 00:06:00", "2020-01-01 00:08:00"],
	       ["2020-01-01 00:12:00", "2020-01-01 00:15:00"]],
	 "b": [["2020-01-01 00:00:30", "2020-01-01 00:00:50"],
	       ["2020-01-01 00:01:10", "2020-01-01 00:01:20"]]}
	EOF
	# detections (score 1, else 0): a at rows 1 (probation) 4 7 8 14 18;
	# b at rows 5 9.  The two series interleaved.
	awk 'BEGIN {
		split("1 4 7 8 14 18", da, " "); for (i in da) ha[da[i]] = 1
		split("5 9", db, " "); for (i in db) hb[db[i]] = 1
		for (i = 0; i < 20; i++) {
			printf "{\"id\":\"a\",\"ts\":\"2020-01-01 00:%02d:00\",\"score\":%d}\n", i, (i in ha)
			if (i < 10)
				printf "{\"id\":\"b\",\"ts\":\"2020-01-01 00:%02d:%02d\",\"score\":%d}\n", int(i / 6), i % 6 * 10, (i in hb)
		}
	}' > two.ndjson
}

# The report $1 of two_keys at threshold 0.5, written out by hand from the
# definitions of the man page.
two_keys_check() {
	# a: probation floor(0.15 * 20) = 3 rows (row 1 not scored).  Window
	# 6..8 found at row 7 (row 8 does not count again): delay 1 row, 60 s;
	# window 12..15 found at row 14: 2 rows, 120 s.  Mean 1.5 rows, 90 s.
	# False positives rows 4 (before any window) and 18 (after 12..15).
	assert_equal "$(jq -c '.keys.a | [.rows, .probation, .windows, .found, .fp, .delay_rows, .delay_s]' "$1")" '[20,3,2,2,2,1.5,90]'
	# b: probation floor(1.5) = 1.  Window 3..5 found at row 5: 2 rows,
	# 20 s; window 7..8 missed; row 9 a false positive after 7..8.
	assert_equal "$(jq -c '.keys.b | [.rows, .probation, .windows, .found, .fp, .delay_rows, .delay_s]' "$1")" '[10,1,2,1,1,2,20]'
	# raw standard score per key, from the formula of the man page
	raw_a=$(awk -v w1="$(sig -0.66666666666666667)" -v w2="$(sig -0.5)" -v m="$(sig -1)" -v after="$(sig 1)" \
		'BEGIN { printf "%.17g", w1 / m + w2 / m + 0.11 * -1 + 0.11 * after }')
	raw_b=$(awk -v w1="$(sig -0.33333333333333333)" -v m="$(sig -1)" -v after="$(sig 1)" \
		'BEGIN { printf "%.17g", w1 / m - 1 + 0.11 * after }')
	near "$(jq .keys.a.raw "$1")" "$raw_a"
	near "$(jq .keys.b.raw "$1")" "$raw_b"
	# the corpus: 3 windows found of 4, 3 false positives; null -4, perfect 4
	assert_equal "$(jq -c '.nab.standard | [.tp, .fp, .fn, .null_raw, .perfect_raw]' "$1")" '[3,3,1,-4,4]'
	near "$(jq .nab.standard.score "$1")" "$(awk -v a="$raw_a" -v b="$raw_b" 'BEGIN { printf "%.17g", 100 * (a + b + 4) / 8 }')"
}

@test "per key: windows, found, delay in rows and seconds, false positives (two keys by hand)" {
	two_keys
	assert_equal "$(wc -l < two.ndjson)" 30
	run ad-eval --windows w.json --threshold 0.5 two.ndjson
	assert_success
	echo "$output" > r.json
	two_keys_check r.json
	# nothing found: delays are null, not 0
	sed 's/"score":1/"score":0/' two.ndjson > none.ndjson
	run ad-eval --windows w.json --threshold 0.5 none.ndjson
	assert_equal "$(jq -c '[.keys.a.found, .keys.a.delay_rows, .keys.a.delay_s, .keys.b.fp]' <<< "$output")" '[0,null,null,0]'
}

# valgrind-skip: each command gets 60 s (timeout 60); with the other suites under valgrind beside it ad-eval did not finish in time, and alone the test took 67 s
# bats test_tags=valgrind-skip
@test "Kafka in: a topic read to its end (-e) gives the report written out by hand" {
	H=${ADPIPE_BUILD:-$TOP/build}/helpers
	[ -x "$H/mockbroker" ] || skip "mockbroker helper not built"
	mkfifo ctl
	"$H/mockbroker" scored:2 < ctl > addr 2> mock.err 3>&- &
	MOCK_PID=$!
	exec 9> ctl
	for _ in $(seq 50); do [ -s addr ] && break; sleep 0.2; done
	brk=$(head -n 1 addr)
	[ -n "$brk" ]
	two_keys
	# keyed by id: each series in one partition, the two read interleaved
	run timeout 60 ad-clean --schema none -o "kafka://$brk/scored?key=id" two.ndjson
	assert_success
	run timeout 60 "$H/ktool" "$brk" scored count
	assert_line "total	30"
	run --separate-stderr timeout 60 ad-eval -e --windows w.json --threshold 0.5 \
	    "kafka://$brk/scored?group=ev&offset=earliest"
	assert_success
	echo "$output" > k.json
	assert_equal "$(jq .records k.json)" 30
	two_keys_check k.json
}

@test "epoch seconds up to year 9999 are seconds, as in every program; beyond is a bad time" {
	# 200000000000 s is 8307-10-01T19:33:20Z: seconds (below
	# 253402300800), not milliseconds of 1976
	for i in 0 1 2 3 4 5 6 7 8 9; do
		s=0.1; [ $i = 7 ] && s=0.9
		echo "{\"id\":\"a\",\"ts\":$((200000000000 + i * 60)),\"score\":$s}"
	done > far.ndjson
	echo '{"a":[["8307-10-01T19:38:20Z","8307-10-01T19:41:40Z"]]}' > far.json
	run ad-eval --threshold 0.5 --windows far.json far.ndjson
	assert_success
	# rows 5..8 are in the window; the detection at row 7 is 2 rows, 120 s late
	assert_equal "$(jq -c '.keys.a | [.found, .fp, .delay_rows, .delay_s]' <<< "$output")" '[1,0,2,120]'
	echo '{"a":[[200000000300,200000000500]]}' > farnum.json
	run ad-eval --threshold 0.5 --windows farnum.json far.ndjson
	assert_equal "$(jq -c '.keys.a | [.found, .delay_s]' <<< "$output")" '[1,120]'
	echo '{"id":"a","ts":300000000000000,"score":0.5}' > beyond.ndjson
	run ad-eval --windows far.json beyond.ndjson
	assert_equal "$status" 65
	assert_output --partial "ad-eval: beyond.ndjson:1: time out of range (the years 0000 to 9999)"
	echo '{"a":[[300000000000000,300000000000001]]}' > beyond.json
	run ad-eval --windows beyond.json far.ndjson
	assert_equal "$status" 65
	assert_output "ad-eval: beyond.json:1: '300000000000000' is out of range (the years 0000 to 9999)"
}

@test "bad windows files: the line of the fault, exit 65" {
	printf '{\n "a.csv": [\n  ["2020-01-01 00:10:00", "2020-01-01 00:05:00"]\n ]\n}\n' > back.json
	run ad-eval --windows back.json "$F/one-window.ndjson"
	assert_equal "$status" 65
	assert_output "ad-eval: back.json:3: 'a.csv': window ends before it starts"
	printf '{\n "a.csv": [\n  ["2020-01-01 00:10:00", "2020-01-01 00:15:00"]\n ],\n}\n' > comma.json
	run ad-eval --windows comma.json "$F/one-window.ndjson"
	assert_equal "$status" 65
	assert_output "ad-eval: comma.json:5: expected a string"
	printf '{"a.csv": [["yesterday", "2020-01-01 00:15:00"]]}' > word.json
	run ad-eval --windows word.json "$F/one-window.ndjson"
	assert_equal "$status" 65
	assert_output "ad-eval: word.json:1: 'yesterday' is not a time"
	printf '{"a.csv": [],\n"a.csv": []}' > twice.json
	run ad-eval --windows twice.json "$F/one-window.ndjson"
	assert_equal "$status" 65
	assert_output "ad-eval: twice.json:2: key 'a.csv' given twice"
	printf '{"a.csv": [["2020-01-01 00:10:00", "2020-01-01 00:15:00"],\n ["2020-01-01 00:12:00", "2020-01-01 00:18:00"]]}' > overlap.json
	run ad-eval --windows overlap.json "$F/one-window.ndjson"
	assert_equal "$status" 65
	assert_output "ad-eval: overlap.json:2: 'a.csv': windows overlap or are not in time order"
	: > empty.json
	run ad-eval --windows empty.json "$F/one-window.ndjson"
	assert_equal "$status" 65
	assert_output "ad-eval: empty.json:1: expected '{': a windows file is one JSON object (end of file)"
}

@test "a full disk is a write error, exit 74" {
	run ad-eval --windows "$F/one-window.json" -o /dev/full "$F/one-window.ndjson"
	assert_equal "$status" 74
	run bash -c "ad-eval --windows '$F/one-window.json' '$F/one-window.ndjson' > /dev/full"
	assert_equal "$status" 74
}

# Score FILE with ad-eval and with nab_score.py; the three profiles must
# agree to 1e-6 (score) and exactly (threshold, tp, fp, fn).
nab_compare() {
	local scored=$1 name=$2
	rm -rf "res.$name"
	"$PY" "$F/nabprep.py" results "$scored" "res.$name"
	"$PY" "$NAB_DIR/nab_score.py" --nab "$NAB_DEV" --results "res.$name" --optimize > "py.$name.json"
	ad-eval --windows "$NAB_DEV/labels/combined_windows.json" "$scored" > "c.$name.json"
	for p in standard reward_low_FP_rate reward_low_FN_rate; do
		a=$(jq ".nab.$p.score" "c.$name.json")
		b=$(jq ".profiles.$p.score" "py.$name.json")
		echo "$name $p: ad-eval $a nab_score.py $b"
		near "$a" "$b" 1e-6
		assert_equal "$(jq -c ".nab.$p | [.threshold, .tp, .fp, .fn]" "c.$name.json")" \
			"$(jq -c ".profiles.$p | [.threshold, .tp, .fp, .fn]" "py.$name.json")"
	done
}

@test "NAB dev split: equal to nab_score.py for several detectors" {
	[ -r "$NAB_DIR/nab_score.py" ] && [ -d "$NAB_DEV/data" ] || skip "../shared/nab absent ($NAB_DIR)"
	"$PY" "$F/nabprep.py" input "$NAB_DEV" in.ndjson
	assert_equal "$(wc -l < in.ndjson)" 137366
	# z-score (per-key state: one process over all series is one per series)
	ad-score --zscore 4 in.ndjson > z4.ndjson
	nab_compare z4.ndjson zscore
	# random scores, fixed seed, then the series interleaved (substr,
	# not sub(): mawk's sub() here took 79 s of CPU over these lines)
	awk 'BEGIN { srand(7) } { print substr($0, 1, length($0) - 1) ",\"score\":" rand() "}" }' in.ndjson |
		awk '{ match($0, /"id":"[^"]*"/); print n[substr($0, RSTART, RLENGTH)]++, $0 }' |
		sort -s -n -k1,1 | cut -d' ' -f2- > rnd.ndjson
	[ "$(head -2 rnd.ndjson | jq -r .id | sort -u | wc -l)" -eq 2 ]
	nab_compare rnd.ndjson random
	# ad-detect with its defaults (the judged configuration)
	ad-detect in.ndjson > detect.ndjson
	assert_equal "$(wc -l < detect.ndjson)" 137366
	nab_compare detect.ndjson detect
	# ad-forecast trained on each series' probation rows (15%, at most
	# 750), then run over every row, as bench/nab.sh does; a small network
	# and few epochs keep the test short (the evaluator is under test)
	awk 'NR == FNR { match($0, /"id":"[^"]*"/); n[substr($0, RSTART, RLENGTH)]++; next }
		{ match($0, /"id":"[^"]*"/); k = substr($0, RSTART, RLENGTH)
		  p = int(n[k] * 15 / 100); if (p > 750) p = 750; if (c[k]++ < p) print }' \
		in.ndjson in.ndjson > train.ndjson
	assert_equal "$(wc -l < train.ndjson)" 20580
	ad-forecast train -q -s 1 --hidden 16 --epochs 4 -o m.lstm train.ndjson
	ad-forecast run -m m.lstm in.ndjson > forecast.ndjson
	[ "$(awk -F'"score":' '$2 + 0 > 0.5' forecast.ndjson | wc -l)" -gt 0 ]
	nab_compare forecast.ndjson forecast
	# never fires
	sed 's/}$/,"score":0}/' in.ndjson > never.ndjson
	nab_compare never.ndjson never
	# coarse scores: many ties at every threshold
	awk '{ n++; s = (n * 7919 % 10) / 10; sub(/}$/, ",\"score\":" s "}"); print }' in.ndjson > ties.ndjson
	nab_compare ties.ndjson ties
}

six() {
	printf '%s\n' '{"score":0.9,"label":"attack."}' '{"score":0.8,"label":"normal."}' \
		'{"score":0.8,"label":"attack."}' '{"score":0.5,"label":"normal."}' \
		'{"score":0.3,"label":"attack."}' '{"score":0.1,"label":"normal."}'
}

@test "labelled: six records computed by hand (a tie across the classes)" {
	six > six.ndjson
	run ad-eval --truth label --negative normal. six.ndjson
	assert_success
	echo "$output" > r.json
	# AUC: pairs (attack, normal) ordered right, ties half:
	# 0.9 beats 3; 0.8 ties 0.8 and beats 2 (2.5); 0.3 beats 1: 6.5 / 9
	near "$(jq .auc r.json)" "$(awk 'BEGIN { printf "%.17g", 6.5 / 9 }')" 1e-15
	# AP: recall steps of 1/3 at precisions 1 (0.9), 2/3 (0.8), 3/5 (0.3)
	near "$(jq .pr_auc r.json)" "$(awk 'BEGIN { printf "%.17g", 1/3 + 2/9 + 1/5 }')" 1e-15
	# at 0.5: 0.9 0.8 0.8 0.5 called attacks: tp 2 fp 2 fn 1 tn 1
	assert_equal "$(jq -c '.at_threshold | [.threshold, .tp, .fp, .fn, .tn, .precision, .accuracy]' r.json)" '[0.5,2,2,1,1,0.5,0.5]'
	near "$(jq .at_threshold.f1 r.json)" "$(awk 'BEGIN { printf "%.17g", 4 / 7 }')" 1e-15
	# best F1 = 2tp / (2tp + fp + fn): 0.9: 2/4, 0.8: 4/6, 0.5: 4/7, 0.3: 6/8, 0.1: 6/9
	assert_equal "$(jq -c '.best_f1 | [.threshold, .tp, .fp, .fn, .tn, .f1, .precision, .recall]' r.json)" '[0.3,3,2,0,1,0.75,0.6,1]'
	# --positive names the positive class instead
	run ad-eval --truth label --positive attack. --threshold 0.85 six.ndjson
	assert_equal "$(jq -c '[.auc == 6.5 / 9, .at_threshold.tp, .at_threshold.fp]' <<< "$output")" '[true,1,0]'
}

@test "labelled: equal to scikit-learn's on 2000 records with ties" {
	run ad-eval --truth label --negative normal. "$F/ties.ndjson"
	assert_success
	echo "$output" > r.json
	E="$F/ties.expected.json"
	for f in .auc .pr_auc .at_threshold.precision .at_threshold.recall .at_threshold.f1 .at_threshold.accuracy \
		.best_f1.threshold .best_f1.precision .best_f1.recall .best_f1.f1 .best_f1.accuracy; do
		echo "$f: ad-eval $(jq "$f" r.json) sklearn $(jq "$f" "$E")"
		near "$(jq "$f" r.json)" "$(jq "$f" "$E")" 1e-12
	done
}

@test "labelled: one class only gives null AUCs, not a crash" {
	six | grep attack > pos.ndjson
	run ad-eval --truth label --negative normal. pos.ndjson
	assert_success
	assert_equal "$(jq -c '[.auc, .pr_auc, .positives]' <<< "$output")" '[null,1,3]'
	six | grep normal > neg.ndjson
	run ad-eval --truth label --negative normal. neg.ndjson
	assert_equal "$(jq -c '[.auc, .pr_auc, .positives, .at_threshold.precision]' <<< "$output")" '[null,null,0,0]'
}

@test "labelled: usage and bad records" {
	run ad-eval --truth label six.ndjson
	assert_equal "$status" 64
	assert_line --index 0 "ad-eval: --truth needs --positive, --negative or --class"
	run ad-eval --truth label --positive a --windows "$F/one-window.json"
	assert_equal "$status" 64
	{ six; echo '{"score":"x","label":"attack."}'; echo '{"score":0.2}'; echo '{"score":0.2,"label":null}'; } > bad.ndjson
	run --separate-stderr ad-eval --truth label --negative normal. bad.ndjson
	assert_equal "$status" 65
	[[ "$stderr" == *"ad-eval: bad.ndjson:7: field 'score' is a string, not a number"* ]]
	[[ "$stderr" == *"ad-eval: bad.ndjson:8: missing field 'label'"* ]]
	[[ "$stderr" == *"ad-eval: bad.ndjson:9: field 'label' is null"* ]]
	assert_equal "$(jq .records <<< "$output")" 6
}

@test "multi-class: confusion matrix, recall and KDD cost, every cell of the matrix used" {
	# kdd-classes.ndjson: each (actual, predicted) pair of the five KDD
	# classes once, then normal -> normal five times more (30 records).
	run ad-eval --truth label --class class --classes "$F/classes.txt" --costs "$TOP/data/kdd-costs.csv" "$F/kdd-classes.ndjson"
	assert_success
	echo "$output" > r.json
	# data/kdd-costs.csv rows (actual normal, probe, dos, u2r, r2l):
	# 0+1+2+2+2 = 7, 1+0+2+2+2 = 7, 2+1+0+2+2 = 7, 3+2+2+0+2 = 9, 4+2+2+2+0 = 10
	assert_equal "$(jq -c '.cost' r.json)" '{"total":40,"per_record":1.3333333333333333}'
	assert_equal "$(jq -c '.confusion.classes' r.json)" '["normal","probe","dos","u2r","r2l"]'
	assert_equal "$(jq -c '.confusion.matrix' r.json)" '[[6,1,1,1,1],[1,1,1,1,1],[1,1,1,1,1],[1,1,1,1,1],[1,1,1,1,1]]'
	assert_equal "$(jq -c '[.confusion.recall.normal, .confusion.recall.u2r, .confusion.accuracy]' r.json)" '[0.6,0.2,0.3333333333333333]'
	# a label in no class, a class not in the matrix: rejected
	{ cat "$F/kdd-classes.ndjson"; echo '{"label":"teardrop.","class":"dos"}'; echo '{"label":"smurf.","class":"worm"}'; } > bad.ndjson
	run --separate-stderr ad-eval --truth label --class class --classes "$F/classes.txt" --costs "$TOP/data/kdd-costs.csv" bad.ndjson
	assert_equal "$status" 65
	[[ "$stderr" == *"ad-eval: bad.ndjson:31: label 'teardrop.' is in no class of '$F/classes.txt'"* ]]
	[[ "$stderr" == *"ad-eval: bad.ndjson:32: class 'worm' is not in the cost matrix '$TOP/data/kdd-costs.csv'"* ]]
	assert_equal "$(jq -c '.cost.total' <<< "$output")" 40
}

@test "multi-class without --classes: labels are the classes; with --negative too" {
	printf '%s\n' '{"label":"a","class":"a","score":0.9}' '{"label":"a","class":"b","score":0.2}' \
		'{"label":"b","class":"b","score":0.1}' '{"label":"c","class":"a","score":0.7}' > abc.ndjson
	run ad-eval --truth label --class class abc.ndjson
	assert_success
	assert_equal "$(jq -c '[.confusion.classes, .confusion.matrix, .confusion.recall, .auc, .cost]' <<< "$output")" \
		'[["a","b","c"],[[1,1,0],[0,1,0],[1,0,0]],{"a":0.5,"b":1,"c":0},null,null]'
	run ad-eval --truth label --class class --negative b abc.ndjson
	assert_success
	# positives a, a, c (0.9, 0.2, 0.7) against b (0.1): every pair right
	assert_equal "$(jq -c '[.auc, .confusion.records]' <<< "$output")" '[1,4]'
	run ad-eval --truth label --costs x.csv --negative b abc.ndjson
	assert_equal "$status" 64
}

# Well-formed XML, and the number of elements with a class.
svg_count() {
	python3 -c '
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
print(sum(1 for e in root.iter() if sys.argv[2] in (e.get("class") or "").split()))' "$1" "$2"
}

@test "--svg: each key's scores with its windows and detections" {
	run ad-eval --windows "$F/one-window.json" --threshold 0.5 --svg s.svg "$F/one-window.ndjson"
	assert_success
	assert_equal "$(jq .nab.standard.tp <<< "$output")" 1
	run svg_count s.svg panel
	assert_output 1
	# detections at rows 5, 12 and 17 (a score >= 0.5 in probation would not count)
	run svg_count s.svg anomaly
	assert_output 3
	run svg_count s.svg alert
	assert_output 1
	grep -q '>test/one.csv<' s.svg
	grep -q '>anomaly window<' s.svg
}

@test "--svg: ROC and precision-recall curves through every distinct score" {
	six > six.ndjson
	run ad-eval --truth label --negative normal. --svg c.svg six.ndjson
	assert_success
	run svg_count c.svg curve
	assert_output 2
	# ROC: (0,0), then the five distinct scores, the last at (1,1)
	run python3 -c '
import sys, xml.etree.ElementTree as ET
ns = {"s": "http://www.w3.org/2000/svg"}
root = ET.parse("c.svg").getroot()
lines = [e for e in root.iter("{http://www.w3.org/2000/svg}polyline") if e.get("class") == "line"]
print(len(lines), len(lines[0].get("points").split()), len(lines[1].get("points").split()))'
	assert_output "2 6 6"
	grep -q 'ROC (AUC 0.7222)' c.svg
	grep -q 'precision-recall (AP 0.7556)' c.svg
	run ad-eval --truth label --negative normal. --svg /nonexistent/dir/c.svg six.ndjson
	assert_equal "$status" 73
}

@test "-q: bad records counted and exit 65, but not told" {
	{ cat "$F/one-window.ndjson"; echo 'nope'; } > q.ndjson
	run --separate-stderr ad-eval -q --windows "$F/one-window.json" q.ndjson
	assert_equal "$status" 65
	assert_equal "$stderr" ""
	assert_equal "$(jq .records <<< "$output")" 20
}
