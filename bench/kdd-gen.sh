#!/bin/sh
# Benchmark: KDD 10% CSV.gz -> NDJSON with kdd-gen --in-order, the Python
# generator and the Miller script of bench/peers, in the same run, on
# the same file and machine.  Output goes to a file on the same disk for
# all three; each pair of commands is timed whole, alternating A B A B
# (BENCH_RUNS pairs, default 5), medians and spread recorded in
# bench/results/latest.jsonl (bench/lib.sh).
set -e
cd "$(dirname "$0")/.."
KDD=${KDD:-${KDD_DIR:-../shared/data/kdd99}/kddcup.data_10_percent.gz}
OUT=${TMPDIR:-/tmp}/adpipe-bench-kdd-gen.$$
trap 'rm -f "$OUT".*' EXIT
[ -r "$KDD" ] || { echo "bench/kdd-gen.sh: $KDD absent, skipped"; exit 0; }
make -s all >/dev/null

. bench/lib.sh
bin/kdd-gen --in-order "$KDD" > "$OUT.ours"
n=$(wc -l < "$OUT.ours")
# the peers must write the same records, or the figures compare different work
/usr/bin/python3 bench/peers/kdd_to_ndjson.py "$KDD" -o "$OUT.py"
[ "$(wc -l < "$OUT.py")" -eq "$n" ] || { echo "bench/kdd-gen.sh: the Python peer wrote $(wc -l < "$OUT.py") records, not $n" >&2; exit 1; }
ab kdd-gen-python "KDD CSV.gz -> NDJSON file ($n records)" "$n" bench/kdd-gen.sh \
	kdd-gen "bin/kdd-gen --in-order '$KDD' > '$OUT.ours'" \
	Python "/usr/bin/python3 bench/peers/kdd_to_ndjson.py '$KDD' -o '$OUT.py'"
if command -v mlr > /dev/null; then
	ab kdd-gen-miller "KDD CSV.gz -> NDJSON file ($n records)" "$n" bench/kdd-gen.sh \
		kdd-gen "bin/kdd-gen --in-order '$KDD' > '$OUT.ours'" \
		Miller "sh bench/peers/kdd_to_ndjson_mlr.sh '$KDD' '$OUT.mlr'"
else
	echo "bench/kdd-gen.sh: mlr not installed, the Miller comparison skipped"
fi

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
