#!/bin/sh
# Benchmark: KDD 10% CSV.gz -> NDJSON with kdd-gen --in-order, the Python
# generator and the Miller script of ../shared/peers, in the same run, on
# the same file and machine.  Output goes to a file on the same disk for
# all three (as the peers measure it); prints records/s and the ratios.
set -e
cd "$(dirname "$0")/.."
PEERS=${PEERS:-../shared/peers}
KDD=${KDD:-../shared/data/kdd99/kddcup.data_10_percent.gz}
OUT=${TMPDIR:-/tmp}/adpipe-bench-kdd-gen.$$
trap 'rm -f "$OUT".*' EXIT
[ -r "$KDD" ] || { echo "bench/kdd-gen.sh: $KDD absent, skipped"; exit 0; }
make -s all >/dev/null

now() { date +%s.%N; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.0f", n / (b - a) }'; }

best=0
for i in 1 2 3; do
	t0=$(now); bin/kdd-gen --in-order "$KDD" > "$OUT.ours"; t1=$(now)
	r=$(rate "$(wc -l < "$OUT.ours")" "$t0" "$t1")
	[ "$r" -gt "$best" ] && best=$r
done
n=$(wc -l < "$OUT.ours")
echo "kdd-gen --in-order: $n records, best of 3: $best records/s"

py=$(/usr/bin/python3 "$PEERS/kdd_to_ndjson.py" "$KDD" -o "$OUT.py" |
	sed -E 's/.*"records_per_s": ?([0-9.]+).*/\1/')
echo "python kdd_to_ndjson.py: $py records/s"
mlr=$(bash "$PEERS/kdd_to_ndjson_mlr.sh" "$KDD" "$OUT.mlr" |
	sed -E 's/.*"records_per_s": ?([0-9.]+).*/\1/')
echo "miller kdd_to_ndjson_mlr.sh: $mlr records/s"
awk -v o="$best" -v p="$py" -v m="$mlr" 'BEGIN {
	printf "ratio vs python: %.1fx (target >= 10x)\nratio vs miller: %.1fx (target >= 3x)\n", o / p, o / m }'

# Rate accuracy of the token bucket over 10 s (DESIGN: within 1%): each
# record's utc is its emission time, so count the records whose utc falls
# in the 10 s after the first second (past the initial burst).
for r in 1 100 10000 100000; do
	bin/kdd-gen --seed 1 --rate $r --count $((r * 12 + 1)) |
		grep -o '"utc":"[^"]*' | cut -c18-32 > "$OUT.rate"
	awk -v r=$r -F: '{ t = $1 * 3600 + $2 * 60 + $3; if (NR == 1) t0 = t
		if (t >= t0 + 1 && t < t0 + 11) n++ }
		END { printf "--rate %d: %.2f records/s over 10 s (%+.3f%%)\n", r, n / 10, (n / 10 - r) / r * 100 }' "$OUT.rate"
done
