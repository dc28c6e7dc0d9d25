#!/usr/bin/env bats
# ad-classify: periodic/nonperiodic x stable/unstable per key.
load ../helpers/common

FOUR="$FIXTURES/classify/four.ndjson"

@test "--help prints the synopsis on stdout" {
	run ad-classify --help
	assert_success
	assert_output --partial "usage: ad-classify"
}

@test "--version" {
	run ad-classify --version
	assert_success
	assert_output "ad-classify 0.1.0"
}

@test "unknown option: 64" {
	run ad-classify --bogus
	assert_failure 64
	assert_output --partial "usage: ad-classify"
}

@test "bad --normalize: 64" {
	run ad-classify --normalize nope "$FOUR"
	assert_failure 64
	assert_output --partial "--normalize: expected variance or remainder, got 'nope'"
}

@test "missing file: 66" {
	run ad-classify /nonexistent.ndjson
	assert_failure 66
}

@test "bad record: 65 with source:line" {
	f="$BATS_TEST_TMPDIR/bad.ndjson"
	head -400 "$FOUR" > "$f"
	echo 'not json' >> "$f"
	run ad-classify "$f"
	assert_failure 65
	assert_line --index 0 --regexp "^ad-classify: .*bad.ndjson:401: invalid JSON"
}

@test "write error on /dev/full: 74" {
	run sh -c "ad-classify '$FOUR' > /dev/full"
	assert_failure 74
}

@test "the four synthetic classes (golden)" {
	run ad-classify "$FOUR"
	assert_success
	diff -u "$GOLDEN/ad-classify/four.out" <(echo "$output")
	assert_line --index 0 --partial '"id":"sine","class":"periodic-stable","period":144'
	assert_line --index 1 --partial '"id":"sine_noisy","class":"periodic-unstable","period":144'
	assert_line --index 2 --partial '"id":"trend","class":"nonperiodic-stable","period":null'
	assert_line --index 3 --partial '"id":"noise","class":"nonperiodic-unstable","period":null'
}

@test "--normalize remainder calls nearly everything stable" {
	run sh -c "ad-classify --normalize remainder '$FOUR' | jq -r .class"
	assert_success
	assert_line --index 3 "nonperiodic-stable"
}

@test "--tag passes every point with class" {
	run sh -c "ad-classify --tag '$FOUR' | jq -r 'select(.class==\"periodic-stable\") | .id' | sort | uniq -c"
	assert_success
	assert_output --regexp "^ *1008 sine$"
}

@test "constant series: clear message, nonperiodic-stable" {
	run --separate-stderr ad-classify <(for i in 1 2 3 4 5; do echo "{\"id\":\"c\",\"ts\":$i,\"value\":7}"; done)
	assert_success
	[[ "$stderr" == *"'c': constant series"* ]]
	assert_output --partial '"class":"nonperiodic-stable"'
}

@test "single point: clear message, 65" {
	run ad-classify <(echo '{"id":"one","ts":1,"value":7}')
	assert_failure 65
	assert_output --partial "'one': 1 point, too few to classify (need at least 3)"
}

@test "all NaN: every line rejected, 65, no summary" {
	run --separate-stderr ad-classify <(printf '%s\n' '{"id":"n","ts":1,"value":null}' '{"id":"n","ts":2,"value":null}')
	assert_failure 65
	[ -z "$output" ]
	[[ "$stderr" == *":1: field 'value' is null, not a number"* ]]
	[[ "$stderr" == *"'n': not classified: 2 points refused"* ]]
}

@test "shorter than two periods with --period: clear message, 65" {
	run ad-classify --period 144 <(grep '"sine"' "$FOUR" | head -200)
	assert_failure 65
	assert_output --partial "'sine': 200 points, fewer than two periods of 144 (need at least 289)"
}

@test "man page examples run" {
	run sh -c "ad-classify '$FOUR' | jq -r '[.id, .class] | @tsv'"
	assert_success
	assert_line --index 0 "$(printf 'sine\tperiodic-stable')"
	run sh -c "ad-classify --tag '$FOUR' | jq -c 'select(.class == \"periodic-stable\")' | head -1"
	assert_success
	assert_output --partial '"class":"periodic-stable"'
}

# rule S V: every class of the four-series fixture follows from its printed
# figures: periodic when seasonal_strength >= S, stable when
# remainder_share <= V; prints the classes in order
rule() {
	ad-classify --seasonal-strength "$1" --stable-var "$2" "$FOUR" > "$BATS_TEST_TMPDIR/c" || return 1
	[ "$(wc -l < "$BATS_TEST_TMPDIR/c")" -eq 4 ] || return 1
	jq -e --argjson s "$1" --argjson v "$2" '.class ==
		((if .seasonal_strength >= $s then "periodic" else "nonperiodic" end) + "-" +
		 (if .remainder_share <= $v then "stable" else "unstable" end))' "$BATS_TEST_TMPDIR/c" > /dev/null || return 1
	jq -r .class "$BATS_TEST_TMPDIR/c" | xargs
}

@test "--seasonal-strength and --stable-var move the class boundaries" {
	# defaults 0.6 / 0.2: sine_noisy has strength 0.757, remainder 0.242
	run rule 0.6 0.2
	assert_success
	assert_output "periodic-stable periodic-unstable nonperiodic-stable nonperiodic-unstable"
	run rule 0.8 0.2
	assert_success
	assert_output "periodic-stable nonperiodic-unstable nonperiodic-stable nonperiodic-unstable"
	run rule 0.6 0.25
	assert_success
	assert_output "periodic-stable periodic-stable nonperiodic-stable nonperiodic-unstable"
	# trend's remainder share is 0.0045, sine's 0.0015
	run rule 0.6 0.001
	assert_success
	assert_output "periodic-unstable periodic-unstable nonperiodic-unstable nonperiodic-unstable"
}

@test "--period n forces the period; --s-window changes the seasonal fit" {
	run ad-classify --period 144 "$FOUR"
	assert_success
	# auto finds no period in trend and noise; a given one applies to all
	assert_equal "$(jq -c '[.id, .period]' <<< "$output" | xargs)" "[sine,144] [sine_noisy,144] [trend,144] [noise,144]"
	run ad-classify --s-window 7 "$FOUR"
	assert_success
	# a narrower seasonal window follows the noisy sine more closely:
	# strength above the default's 0.757, remainder below 0.2
	assert_line --index 1 --regexp '"id":"sine_noisy","class":"periodic-stable","period":144,.*"seasonal_strength":0\.80'
}

@test "--strict stops at the first bad record: what came before, one message, 65" {
	{ head -500 "$FOUR"; echo 'bad'; sed -n 501,1500p "$FOUR"; echo '[1]'; tail -n +1501 "$FOUR"; } > "$BATS_TEST_TMPDIR/b.ndjson"
	run --separate-stderr ad-classify "$BATS_TEST_TMPDIR/b.ndjson"
	assert_equal "$status" 65
	assert_equal "$(jq -s -c 'map(.points)' <<< "$output")" "[1008,1008,1008,1008]"
	assert_equal "${#stderr_lines[@]}" 2
	run --separate-stderr ad-classify --strict "$BATS_TEST_TMPDIR/b.ndjson"
	assert_equal "$status" 65
	# only the first 500 points were read: 125 of each series
	assert_equal "$(jq -c '[.id, .points]' <<< "$output" | xargs)" "[sine,125] [sine_noisy,125] [trend,125] [noise,125]"
	assert_equal "$(head -500 "$FOUR" | jq -r .id | sort | uniq -c | awk '{ print $1 }' | sort -u)" 125
	assert_equal "$stderr" "ad-classify: $BATS_TEST_TMPDIR/b.ndjson:501: invalid JSON at column 3: invalid token near 'bad'"
}
