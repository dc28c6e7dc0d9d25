#!/bin/sh
# Benchmark: ad-alert's counting rule (3 mismatches within 10 minutes, per
# key, cooldown 5 minutes) and its tumbling one-minute report, against the
# same work done the way people do it today: a Python loop over json.loads
# with a deque per key (the rule), and Miller's stats1 grouped by key and
# window (the report).  Same generated stream, same machine, same run;
# each pair timed whole, alternating A B A B (bench/lib.sh, BENCH_RUNS
# pairs), after checking that both sides find the same alerts/windows.
# The Python rule lives in bench/peers/alert_count.py.
set -e
cd "$(dirname "$0")/.."
N=${N:-300000}
KEYS=${KEYS:-1000}
OUT=${TMPDIR:-/tmp}/adpipe-bench-ad-alert.$$
trap 'rm -f "$OUT".*' EXIT
make -s all >/dev/null
. bench/lib.sh
PY=/usr/bin/python3

# KEYS metrics, one point per key per second, epoch ms, ~0.4% mismatches in
# bursts (a deterministic LCG, so every run sees the same stream).
awk -v n="$N" -v keys="$KEYS" 'BEGIN {
	x = 12345
	for (i = 0; i < n; i++) {
		k = i % keys
		t = 1763719200000 + int(i / keys) * 1000
		x = (x * 1103515245 + 12345) % 2147483648
		m = (int(x / 65536) % 1000) < 4 ? "true" : "false"
		printf "{\"id\":\"host%d.cpu\",\"ts\":%.0f,\"value\":%.2f,\"mismatch\":%s}\n", k, t, (x % 10000) / 100, m
	}
}' > "$OUT.in"
echo "input: $N records, $KEYS keys, $(wc -c < "$OUT.in") bytes"

bin/ad-alert --when mismatch --count 3 --within 10m --cooldown 5m "$OUT.in" > "$OUT.ours"
$PY bench/peers/alert_count.py < "$OUT.in" > "$OUT.pyout"
if [ "$(jq -r '[.id, .ts, .since, .count] | @tsv' "$OUT.ours" | sort | md5sum)" != \
	"$(jq -r '[.id, .ts, .since, .count] | @tsv' "$OUT.pyout" | sort | md5sum)" ]; then
	echo "bench/ad-alert.sh: the alerts of ad-alert and the Python peer differ" >&2
	exit 1
fi
[ -s "$OUT.ours" ] || { echo "bench/ad-alert.sh: no alert in $N records: nothing to compare (N too small)" >&2; exit 1; }
echo "counting rule: the same $(wc -l < "$OUT.ours") alerts (id, ts, since, count) from both"
ab alert-count-python "counting rule, 3 in 10m, $KEYS keys ($N records)" "$N" bench/ad-alert.sh \
	ad-alert "bin/ad-alert --when mismatch --count 3 --within 10m --cooldown 5m '$OUT.in' > '$OUT.ours'" \
	Python "$PY bench/peers/alert_count.py < '$OUT.in' > '$OUT.pyout'"

command -v mlr > /dev/null || { echo "bench/ad-alert.sh: mlr not installed (tools/deps.sh --bench), the Miller comparison skipped"; exit 0; }
MLR="mlr --ijsonl --ojsonl put '\$win = 60000 * floor(\$ts / 60000); \$m = \$mismatch ? 1 : 0' then stats1 -a count,sum,max -f m,value -g id,win '$OUT.in' > '$OUT.mlr'"
bin/ad-alert --when mismatch --report --window 1m "$OUT.in" > "$OUT.ours"
sh -c "$MLR"
[ "$(wc -l < "$OUT.ours")" = "$(wc -l < "$OUT.mlr")" ] || {
	echo "bench/ad-alert.sh: ad-alert wrote $(wc -l < "$OUT.ours") windows, Miller $(wc -l < "$OUT.mlr")" >&2
	exit 1
}
ab alert-report-miller "1-minute report per key ($N records)" "$N" bench/ad-alert.sh \
	ad-alert "bin/ad-alert --when mismatch --report --window 1m '$OUT.in' > '$OUT.ours'" \
	Miller "$MLR"
