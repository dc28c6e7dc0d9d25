#!/bin/sh
# Benchmark: ad-stl --period 1440 against R's stl(s.window = "periodic")
# (bench/peers/stl.R), both end to end: the series read from a file, the
# decomposition written to a file (ad-stl: NDJSON in and out; R: CSV in and
# out).  Series: 43,200 minutes (30 days) of 100 + 10 t/43200 +
# 3 sin(2 pi t/10080) + 20 sin(2 pi t/1440) + noise (bench/lib.sh's
# minute_series).  Each pair timed whole, alternating A B A B (bench/lib.sh,
# BENCH_RUNS pairs); the trends are compared first (1e-6 of the range).
set -eu
cd "$(dirname "$0")/.."
W=${TMPDIR:-/tmp}/adpipe-bench-stl.$$
trap 'rm -f "$W".*' EXIT
make -s bin/ad-stl >/dev/null
. bench/lib.sh
command -v Rscript > /dev/null || { echo "bench/stl.sh: R not installed (tools/deps.sh --bench), skipped"; exit 0; }
N=43200
minute_series $N > "$W.csv"
awk -F, 'NR > 1 { printf "{\"id\":\"m\",\"ts\":%d,\"value\":%s}\n", 1700000040 + 60 * $1, $2 }' "$W.csv" > "$W.ndjson"
bin/ad-stl --period 1440 "$W.ndjson" > "$W.ours"
Rscript bench/peers/stl.R "$W.csv" 1440 "$W.r"
tail -n +2 "$W.r" > "$W.r.body"
# the same decomposition, or the figures compare different work
jq -r .trend "$W.ours" | paste -d, - "$W.r.body" | awk -F, '{ d = $1 - $2; if (d < 0) d = -d; if (d > m) m = d }
	END { if (m > 1e-6 * 15) { printf "bench/stl.sh: trends differ by %g\n", m > "/dev/stderr"; exit 1 }
		printf "ad-stl and R agree: largest trend difference %.3g\n", m }'
ab stl-r "STL, period 1440, s.window periodic, whole command file to file, R start-up included ($N points)" "$N" bench/stl.sh \
	ad-stl "bin/ad-stl --period 1440 '$W.ndjson' > '$W.ours'" \
	"R stl()" "Rscript bench/peers/stl.R '$W.csv' 1440 '$W.r'"
