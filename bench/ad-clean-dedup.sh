#!/bin/sh
# Benchmark: ad-clean --dedup uuid.
#  1. Memory: peak RSS (/usr/bin/time -v) over N records from kdd-gen
#     (default 5,000,000), for two windows: the peak must follow the
#     window, not the length of the input.
#  2. Speed: records/s of ad-clean (default mode, and --dedup uuid) and of
#     Miller computing the same total_bytes on the same file
#     (mlr --ijson --ojson put '$total_bytes=$src_bytes+$dst_bytes').
set -e
cd "$(dirname "$0")/.."
N=${N:-5000000}
M=${M:-200000} # records in the file both tools read (Miller is slow)
DATA=${TMPDIR:-/tmp}/adpipe-bench-ad-clean.$$
trap 'rm -f "$DATA".*' EXIT
make -s all >/dev/null

now() { date +%s.%N; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.0f", n / (b - a) }'; }
peak() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"; }

for w in 1000000 100000; do
	bin/kdd-gen -s 1 -n "$N" |
		/usr/bin/time -v -o "$DATA.time" bin/ad-clean --dedup uuid \
		    --dedup-window $w >/dev/null
	echo "ad-clean --dedup uuid --dedup-window $w over $N records:" \
	    "peak RSS $(peak "$DATA.time") kB"
done

bin/kdd-gen -s 2 -n "$M" >"$DATA.in"
cat "$DATA.in" >/dev/null # warm the page cache
t0=$(now); bin/ad-clean "$DATA.in" >/dev/null; t1=$(now)
ours=$(rate "$M" "$t0" "$t1")
echo "ad-clean: $M records, $ours records/s"
t0=$(now); bin/ad-clean --dedup uuid "$DATA.in" >/dev/null; t1=$(now)
dd=$(rate "$M" "$t0" "$t1")
echo "ad-clean --dedup uuid: $M records, $dd records/s"
if command -v mlr >/dev/null; then
	t0=$(now)
	mlr --ijson --ojson put '$total_bytes=$src_bytes+$dst_bytes' \
	    "$DATA.in" >/dev/null
	t1=$(now)
	mlr=$(rate "$M" "$t0" "$t1")
	echo "mlr --ijson --ojson put total_bytes: $M records, $mlr records/s"
	awk -v o="$ours" -v d="$dd" -v m="$mlr" 'BEGIN {
		printf "ratio vs miller: %.1fx (default), %.1fx (--dedup uuid)\n",
		    o / m, d / m }'
else
	echo "mlr absent: Miller comparison skipped"
fi
