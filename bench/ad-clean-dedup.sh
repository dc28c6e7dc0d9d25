#!/bin/sh
# Benchmark: ad-clean --dedup uuid.
#  1. Memory: peak RSS (/usr/bin/time -v) over N records from kdd-gen
#     (default 2,000,000), for two windows: the peak must follow the
#     window, not the length of the input.
#  2. Speed: ad-clean (default mode, and --dedup uuid) and Miller
#     computing the same total_bytes on the same file, both writing a file
#     (mlr --ijson --ojsonl put '$total_bytes=$src_bytes+$dst_bytes'),
#     alternating A B A B (bench/lib.sh).
set -e
cd "$(dirname "$0")/.."
N=${N:-2000000}
M=${M:-30000} # records in the file both tools read (Miller is slow)
DATA=${TMPDIR:-/tmp}/adpipe-bench-ad-clean.$$
trap 'rm -f "$DATA".*' EXIT
make -s all >/dev/null
. bench/lib.sh

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
command -v mlr >/dev/null || { echo "bench/ad-clean-dedup.sh: mlr not installed (tools/deps.sh --bench), the Miller comparison skipped"; exit 0; }
MLR="mlr --ijson --ojsonl put '\$total_bytes=\$src_bytes+\$dst_bytes' '$DATA.in' > '$DATA.mlr'"
bin/ad-clean "$DATA.in" > "$DATA.ours"
sh -c "$MLR"
# the same records with the same total_bytes, or the figures compare different work
[ "$(jq -c '[.uuid, .total_bytes]' "$DATA.ours" | md5sum)" = "$(jq -c '[.uuid, .total_bytes]' "$DATA.mlr" | md5sum)" ] || {
	echo "bench/ad-clean-dedup.sh: ad-clean and Miller disagree on total_bytes" >&2
	exit 1
}
ab clean-miller "validate + total_bytes, NDJSON file to file ($M records)" "$M" bench/ad-clean-dedup.sh \
	ad-clean "bin/ad-clean '$DATA.in' > '$DATA.ours'" Miller "$MLR"
ab clean-dedup-miller "validate + total_bytes + --dedup uuid vs Miller without dedup ($M records)" "$M" bench/ad-clean-dedup.sh \
	"ad-clean --dedup uuid" "bin/ad-clean --dedup uuid '$DATA.in' > '$DATA.ours'" Miller "$MLR"
