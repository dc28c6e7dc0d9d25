#!/bin/sh
# ad-stl against R's stl() and statsmodels' STL, in the same run.
#   sh bench/stl.sh [shared-dir]
# Series: the 43,200-point peers/series_minutes.csv and a 1,000,000-point
# synthetic minute series (a daily sine plus uniform noise), both with
# period 1440, s.window periodic.  ad-stl is timed end to end (NDJSON in,
# NDJSON out); R and statsmodels are timed for the fit alone.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
shared=${1:-$top/../shared}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
csv_to_ndjson() { awk -F, 'NR > 1 { printf "{\"id\":\"m\",\"ts\":%d,\"value\":%s}\n", 1700000000 + 60 * (NR - 2), $2 }' "$1"; }
t() { s=$(date +%s.%N); "$@" > /dev/null; e=$(date +%s.%N); echo "$e - $s" | bc; }

csv_to_ndjson "$shared/peers/series_minutes.csv" > "$tmp/m43k.ndjson"
awk 'BEGIN { srand(1); for (i = 0; i < 1000000; i++) printf "{\"id\":\"m\",\"ts\":%d,\"value\":%.6f}\n", 1700000000 + 60 * i, 50 + 10 * sin(2 * 3.141592653589793 * i / 1440) + rand() }' > "$tmp/m1M.ndjson"
awk -F'"value":' 'BEGIN { print "timestamp,value" } { sub(/}$/, "", $2); print NR - 1 "," $2 }' "$tmp/m1M.ndjson" > "$tmp/m1M.csv"

for f in m43k m1M; do
	best=$(for i in 1 2 3; do t "$top/bin/ad-stl" --period 1440 "$tmp/$f.ndjson"; done | sort -n | head -1)
	echo "ad-stl $f: ${best}s end to end (best of 3)"
done
cat > "$tmp/r.R" <<'R'
args <- commandArgs(TRUE)
x <- ts(read.csv(args[1])$value, frequency = 1440)
s <- c(); for (i in 1:3) { t <- proc.time()[["elapsed"]]; f <- stl(x, s.window = "periodic"); s <- c(s, proc.time()[["elapsed"]] - t) }
cat(sprintf("R stl %s: %.3fs fit (best of 3)\n", args[2], min(s)))
R
Rscript "$tmp/r.R" "$shared/peers/series_minutes.csv" m43k
Rscript "$tmp/r.R" "$tmp/m1M.csv" m1M
cat > "$tmp/sm.py" <<'PY'
import sys, time, numpy as np, pandas as pd
from statsmodels.tsa.seasonal import STL
x = pd.read_csv(sys.argv[1])["value"].to_numpy(np.float64); n = len(x)
best = 1e9
for _ in range(2):
    t = time.perf_counter()
    STL(x, period=1440, seasonal=10 * n + 1, trend=2161, low_pass=1441, seasonal_deg=0,
        seasonal_jump=n + 1, trend_jump=217, low_pass_jump=145).fit(inner_iter=2, outer_iter=0)
    best = min(best, time.perf_counter() - t)
print("statsmodels STL %s: %.3fs fit (best of 2)" % (sys.argv[2], best))
PY
/usr/bin/python3 "$tmp/sm.py" "$shared/peers/series_minutes.csv" m43k
/usr/bin/python3 "$tmp/sm.py" "$tmp/m1M.csv" m1M
