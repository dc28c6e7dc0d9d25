#!/usr/bin/env bats
# ad-stl: STL decomposition equal to R's stl(), --period auto, --window.
load ../helpers/common

CO2="$FIXTURES/stl/co2.ndjson"

@test "--help prints the synopsis on stdout" {
	run ad-stl --help
	assert_success
	assert_output --partial "usage: ad-stl"
}

@test "--version" {
	run ad-stl --version
	assert_success
	assert_output "ad-stl 0.1.0"
}

@test "unknown option: usage on stderr, 64" {
	run ad-stl --period 12 --bogus
	assert_failure 64
	assert_output --partial "usage: ad-stl"
}

@test "neither --period nor --window: 64" {
	run ad-stl "$CO2"
	assert_failure 64
	assert_output --partial "give --period"
}

@test "bad --s-degree: 64" {
	run ad-stl --period 12 --s-degree 2 "$CO2"
	assert_failure 64
}

@test "missing file: 66" {
	run ad-stl --period 12 /nonexistent.ndjson
	assert_failure 66
	assert_output --partial "/nonexistent.ndjson"
}

@test "bad record: 65 with source:line, and the key is not decomposed" {
	f="$BATS_TEST_TMPDIR/bad.ndjson"
	head -30 "$CO2" > "$f"
	echo '{"id":"co2","ts":99999999999,' >> "$f"
	run ad-stl --period 12 "$f"
	assert_failure 65
	assert_line --index 0 --regexp "^ad-stl: .*bad.ndjson:31: invalid JSON"
}

@test "an id with \\u0000 in it: 65 with the reason, no crash" {
	f="$BATS_TEST_TMPDIR/nul.ndjson"
	head -30 "$CO2" > "$f"
	echo '{"id":"co\u00002","ts":99999999999,"value":1}' >> "$f"
	run ad-stl --period 12 "$f"
	assert_failure 65
	assert_line --index 0 --regexp "^ad-stl: .*nul.ndjson:31: invalid JSON at column 17: NUL character in a string"
}

@test "null value (NaN): 65, clear message, no output for the key" {
	f="$BATS_TEST_TMPDIR/nan.ndjson"
	head -30 "$CO2" > "$f"
	echo '{"id":"co2","ts":99999999999,"value":null}' >> "$f"
	run --separate-stderr ad-stl --period 12 "$f"
	assert_failure 65
	[ -z "$output" ]
	[[ "$stderr" == *"nan.ndjson:31: field 'value' is null, not a number"* ]]
	[[ "$stderr" == *"'co2': not decomposed"* ]]
}

@test "series shorter than two periods: 65 and a clear message" {
	run ad-stl --period 12 <(head -24 "$CO2")
	assert_failure 65
	assert_output --partial "'co2': 24 points, fewer than two periods of 12 (need at least 25)"
}

@test "unsorted times: 65 and a clear message" {
	f="$BATS_TEST_TMPDIR/unsorted.ndjson"
	head -40 "$CO2" > "$f"
	sed -n 5p "$CO2" >> "$f"
	run ad-stl --period 12 "$f"
	assert_failure 65
	assert_output --partial "unsorted.ndjson:41: time is before the previous point's of 'co2'"
}

@test "write error on /dev/full: 74" {
	run sh -c "ad-stl --period 12 '$CO2' > /dev/full"
	assert_failure 74
}

@test "golden: co2 periodic equals R (tests/golden)" {
	run ad-stl --period 12 "$CO2"
	assert_success
	diff -u "$GOLDEN/ad-stl/co2-periodic.out" <(echo "$output")
}

@test "golden: co2 s.window 7 robust" {
	run ad-stl --period 12 --s-window 7 --robust "$CO2"
	assert_success
	diff -u "$GOLDEN/ad-stl/co2-s7-robust.out" <(echo "$output")
}

@test "output agrees with R's reference CSV to 1e-6 x range" {
	run ad-stl --period 12 "$CO2"
	assert_success
	echo "$output" | jq -r '[.seasonal,.trend,.remainder]|@csv' > "$BATS_TEST_TMPDIR/ours.csv"
	tail -n +2 "$FIXTURES/stl/co2_periodic.csv" | cut -d, -f3-5 > "$BATS_TEST_TMPDIR/r.csv"
	# every one of R's 468 rows has its counterpart, and no more
	assert_equal "$(wc -l < "$BATS_TEST_TMPDIR/r.csv")" 468
	assert_equal "$(wc -l < "$BATS_TEST_TMPDIR/ours.csv")" 468
	run awk -F, 'NR==FNR { s[NR]=$1; t[NR]=$2; r[NR]=$3; n=NR; next }
		{ d = s[FNR]-$1; if (d<0) d=-d; if (d>m) m=d
		  d = t[FNR]-$2; if (d<0) d=-d; if (d>m) m=d
		  d = r[FNR]-$3; if (d<0) d=-d; if (d>m) m=d }
		END { print (n == FNR && m <= 1e-6 * 46.6) ? "ok" : "bad " m }' "$BATS_TEST_TMPDIR/ours.csv" "$BATS_TEST_TMPDIR/r.csv"
	assert_output "ok"
}

@test "--period auto finds 12 on co2" {
	run sh -c "ad-stl --period auto '$CO2' | head -1"
	assert_output --partial '"seasonal":-0.0610010303500462'
}

@test "--period auto on white noise: no period, 65" {
	awk 'BEGIN { srand(3); for (i = 0; i < 500; i++) printf "{\"ts\":%d,\"value\":%.6f}\n", 1700000000 + 60*i, rand() }' > "$BATS_TEST_TMPDIR/noise.ndjson"
	run ad-stl --period auto "$BATS_TEST_TMPDIR/noise.ndjson"
	assert_failure 65
	assert_output --partial "no significant seasonal period"
}

@test "--window: trailing mean, variance, covariance" {
	printf '%s\n' '{"id":"a","ts":0,"x":1,"y":2}' '{"id":"a","ts":60,"x":3,"y":6}' \
		'{"id":"b","ts":60,"x":5,"y":0}' '{"id":"a","ts":120,"x":5,"y":4}' \
		'{"id":"a","ts":180,"x":7,"y":8}' > "$BATS_TEST_TMPDIR/w.ndjson"
	run ad-stl --window 2m --field x --field y "$BATS_TEST_TMPDIR/w.ndjson"
	assert_success
	assert_line --index 0 '{"id":"a","ts":0,"x":1,"y":2,"x_mean":1.0,"x_var":null,"y_mean":2.0,"y_var":null,"cov_x_y":null,"window_n":1}'
	assert_line --index 1 '{"id":"a","ts":60,"x":3,"y":6,"x_mean":2.0,"x_var":2.0,"y_mean":4.0,"y_var":8.0,"cov_x_y":4.0,"window_n":2}'
	assert_line --index 2 '{"id":"b","ts":60,"x":5,"y":0,"x_mean":5.0,"x_var":null,"y_mean":0.0,"y_var":null,"cov_x_y":null,"window_n":1}'
	assert_line --index 3 '{"id":"a","ts":120,"x":5,"y":4,"x_mean":4.0,"x_var":2.0,"y_mean":5.0,"y_var":2.0,"cov_x_y":-2.0,"window_n":2}'
	assert_line --index 4 '{"id":"a","ts":180,"x":7,"y":8,"x_mean":6.0,"x_var":2.0,"y_mean":6.0,"y_var":8.0,"cov_x_y":4.0,"window_n":2}'
}

@test "--window without a time field: 65" {
	run ad-stl --window 1m <(echo '{"value":1}')
	assert_failure 65
	assert_output --partial "missing time field 'ts'"
}

@test "man page examples run" {
	run sh -c "ad-stl --period 12 '$CO2' | jq -c '{ts, seasonal}' | head -2"
	assert_success
	assert_line --index 0 '{"ts":0,"seasonal":-0.0610010303500462}'
	# robust: 468 points, each with a weight in [0,1], 47 of them below 0.5
	run ad-stl --period auto --s-window 7 --robust "$CO2"
	assert_success
	assert_equal "$(jq -s -c '[length, (map(select(.weight >= 0 and .weight <= 1)) | length),
		(map(select(.weight < 0.5)) | length)]' <<< "$output")" "[468,468,47]"
	run sh -c "ad-stl --window 5m --field value '$CO2' | head -1"
	assert_success
	assert_output --partial '"value_mean":315.42'
}

# stl_case NAME: run ad-stl on the series of tests/fixtures/stl/NAME.csv
# with every parameter R used (CASES.ndjson), given as options, and print
# the largest distance from R's seasonal, trend, remainder and weight
# over the series' range ("ok" when within 1e-6, else the figure).
stl_case() {
	c=$(jq -c --arg n "$1" 'select(.name == $n)' "$FIXTURES/stl/CASES.ndjson")
	opts=$(jq -r '"--period \(.period) --s-window \(."s.window") --t-window \(."t.window")
		--l-window \(."l.window") --s-degree \(."s.degree") --t-degree \(."t.degree")
		--l-degree \(."l.degree") --s-jump \(."s.jump") --t-jump \(."t.jump")
		--l-jump \(."l.jump") --inner \(.inner) --outer \(.outer)
		\(if .robust then "--robust" else "" end)"' <<< "$c")
	awk -F, 'NR > 1 { printf "{\"ts\":%d,\"value\":%s}\n", 60 * $1, $2 }' \
		"$FIXTURES/stl/$1.csv" > "$BATS_TEST_TMPDIR/$1.ndjson"
	# shellcheck disable=SC2086
	ad-stl $opts "$BATS_TEST_TMPDIR/$1.ndjson" > "$BATS_TEST_TMPDIR/$1.out" || return 1
	jq -r '[.seasonal, .trend, .remainder, (.weight // 1)] | @csv' "$BATS_TEST_TMPDIR/$1.out" |
		paste -d, - <(tail -n +2 "$FIXTURES/stl/$1.csv") |
		awk -F, -v n="$(jq .n <<< "$c")" '
			{ v[NR] = $6; d = $1 - $7; if (d < 0) d = -d; if (d > m) m = d
			  d = $2 - $8; if (d < 0) d = -d; if (d > m) m = d
			  d = $3 - $9; if (d < 0) d = -d; if (d > m) m = d
			  d = $4 - $10; if (d < 0) d = -d; if (d > w) w = d
			  if (NR == 1 || $6 < lo) lo = $6; if (NR == 1 || $6 > hi) hi = $6 }
			END { r = hi - lo
				if (NR != n) print "rows " NR " of " n
				else if (m > 1e-6 * r || w > 1e-6) print "off by " m / r " of the range, weights by " w
				else print "ok" }'
}

@test "every STL parameter as an option: R's seven reference cases to 1e-6 x range" {
	# --t-window, --l-window, the three degrees and jumps, --inner,
	# --outer and --robust, each case with the exact values R used
	for name in $(jq -r .name "$FIXTURES/stl/CASES.ndjson"); do
		run stl_case "$name"
		assert_success
		assert_output "ok"
	done
}

@test "each STL option changes the decomposition (none is ignored)" {
	awk -F, 'NR > 1 { printf "{\"ts\":%d,\"value\":%s}\n", 60 * $1, $2 }' \
		"$FIXTURES/stl/nottem_s13.csv" > "$BATS_TEST_TMPDIR/n.ndjson"
	run ad-stl --period 12 --s-window 13 "$BATS_TEST_TMPDIR/n.ndjson"
	assert_success
	assert_equal "${#lines[@]}" 240
	base=$output
	for o in "--t-window 31" "--l-window 25" "--s-degree 1" "--t-degree 0" "--l-degree 0" \
		"--s-jump 5" "--t-jump 9" "--l-jump 7" "--inner 5" "--outer 3"; do
		# shellcheck disable=SC2086
		run ad-stl --period 12 --s-window 13 $o "$BATS_TEST_TMPDIR/n.ndjson"
		assert_success
		assert_equal "${#lines[@]}" 240
		[ "$output" != "$base" ] || { echo "$o changes nothing"; false; }
	done
	# and --robust adds the weights, each in [0, 1]
	run ad-stl --period 12 --s-window 13 --robust "$BATS_TEST_TMPDIR/n.ndjson"
	assert_equal "$(jq -s 'map(select(.weight >= 0 and .weight <= 1)) | length' <<< "$output")" 240
}

@test "--strict stops at the first bad record: what came before, one message, 65" {
	{ head -100 "$CO2"; echo 'bad'; sed -n 101,200p "$CO2"; echo '[1]'; tail -n +201 "$CO2"; } > "$BATS_TEST_TMPDIR/b.ndjson"
	run --separate-stderr ad-stl --period 12 "$BATS_TEST_TMPDIR/b.ndjson"
	assert_equal "$status" 65
	assert_equal "${#lines[@]}" 468
	assert_equal "${#stderr_lines[@]}" 2
	run --separate-stderr ad-stl --period 12 --strict "$BATS_TEST_TMPDIR/b.ndjson"
	assert_equal "$status" 65
	# the 100 points before line 101, decomposed; nothing after
	assert_equal "${#lines[@]}" 100
	assert_equal "$(jq -r .ts <<< "$output" | tail -n 1)" "$(sed -n 100p "$CO2" | jq .ts)"
	assert_equal "$stderr" "ad-stl: $BATS_TEST_TMPDIR/b.ndjson:101: invalid JSON at column 3: invalid token near 'bad'"
}
