#!/usr/bin/env bats
# End to end: alerts on a synthetic metric series with injected anomalies
# fire for each injected anomaly and nowhere else.

load ../helpers/common

setup() {
	T=$BATS_TEST_TMPDIR
}

# Three days of one-minute points of a daily cycle, ISO times, with upward
# spikes (x2) at the minutes given as arguments (counted from the start)
# and, with LEVEL=m, one hour shifted up by 80 from minute m.
series() {
	awk -v spikes="$*" -v level="${LEVEL:--1}" 'BEGIN {
		n = split(spikes, s, " ")
		for (i = 1; i <= n; i++) spike[s[i]] = 1
		pi = atan2(0, -1)
		for (m = 0; m < 3 * 1440; m++) {
			v = 100 + 50 * sin(2 * pi * (m % 1440) / 1440) + 2 * sin(m * 7.3)
			if (m in spike) v *= 2
			if (level >= 0 && m >= level && m < level + 60) v += 80
			d = 21 + int(m / 1440)
			printf "{\"id\":\"svc.latency\",\"ts\":\"2026-11-%02dT%02d:%02d:00Z\",\"value\":%.3f}\n", d, int(m % 1440 / 60), m % 60, v
		}
	}'
}

@test "day-over-day rises fire exactly at the injected spikes" {
	series 1740 2400 3900 > "$T/series"
	run ad-alert --change +50% --vs 1d "$T/series"
	assert_success
	run jq -r .ts <<< "$output"
	assert_output "$(printf '2026-11-22T05:00:00Z\n2026-11-22T16:00:00Z\n2026-11-23T17:00:00Z')"
}

@test "a level shift fires once with --for, resolves after it ends" {
	LEVEL=2000 series > "$T/series"
	run ad-alert --above 180 --for 5m --resolve-after 10m "$T/series"
	assert_success
	run jq -r '[.status, .since, .ts] | @tsv' <<< "$output"
	assert_line --index 0 "$(printf 'firing\t2026-11-22T09:20:00Z\t2026-11-22T09:25:00Z')"
	assert_line --index 1 "$(printf 'resolved\t2026-11-22T09:20:00Z\t2026-11-22T10:29:00Z')"
	assert_equal "${#lines[@]}" 2
}

@test "ad-clean --series | ad-classify --tag | ad-forecast run | ad-alert" {
	for p in ad-classify ad-forecast; do
		command -v "$p" > /dev/null || skip "$p not built yet"
	done
	ad-clean --help | grep -q -- --series || skip "ad-clean --series not built yet"
	# train on a clean copy, then run on the series with spikes; ad-clean
	# must not replace the spikes (--outlier-k 1000): they are the signal
	series > "$T/clean"
	series 1740 2400 3900 > "$T/series"
	ad-forecast train --window 30 --hidden 16 --epochs 3 --seed 1 -m "$T/model" "$T/clean"
	ad-clean --series --step 1m --outlier-k 1000 "$T/series" | ad-classify --tag |
		ad-forecast run -m "$T/model" --tolerance 0.25 |
		ad-alert --when mismatch --count 1 --within 1m --cooldown 5m > "$T/alerts"
	run jq -r .since "$T/alerts"
	assert_output "$(printf '2026-11-22T05:00:00Z\n2026-11-22T16:00:00Z\n2026-11-23T17:00:00Z')"
}
