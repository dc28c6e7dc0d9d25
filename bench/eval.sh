#!/bin/sh
# ad-eval against the peers that compute the same figures, in the same run.
#   bench/eval.sh [shared-dir] [runs]
# 1. NAB: the development split (41 series, 137,366 records) scored by
#    `ad-score --zscore 4`, then evaluated for the three profiles with the
#    threshold search by ad-eval (NDJSON in, end to end) and by
#    ../shared/nab/nab_score.py (results CSVs in), alternating, RUNS times
#    each (default 7); medians, spread (min-max), ratio, and the largest
#    difference between their scores.
# 2. AUC: 5,000,000 labelled records (scores with 4 decimals: ties),
#    ad-eval --truth end to end, and scikit-learn's roc_auc_score plus
#    average_precision_score on the arrays already in memory (when
#    python3-sklearn is installed).
# Wall-clock and CPU (user + sys) seconds: the machine may be shared.
# Results go to stdout and bench/results/eval.txt.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
shared=${1:-$top/../shared}
runs=${2:-7}
nab=$shared/data/nab-dev
py=/usr/bin/python3
out=$top/bench/results/eval.txt
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -r "$shared/nab/nab_score.py" ] || { echo "bench/eval.sh: no $shared/nab" >&2; exit 2; }

# "elapsed cpu" of one run of the command (its output to $tmp/last)
t() { /usr/bin/time -f '%e %U %S' -o "$tmp/time" "$@" > "$tmp/last"; awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$tmp/time"; }
# median, min and max of a column of numbers
stats() { sort -n | awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.3f %.3f %.3f", m, v[1], v[NR] }'; }

{
echo "# bench/eval.sh $(date -u +%Y-%m-%dT%H:%MZ) $(git -C "$top" rev-parse --short HEAD) on $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
"$py" "$top/tests/fixtures/eval/nabprep.py" input "$nab" "$tmp/in.ndjson"
"$top/bin/ad-score" --zscore 4 "$tmp/in.ndjson" > "$tmp/z4.ndjson"
"$py" "$top/tests/fixtures/eval/nabprep.py" results "$tmp/z4.ndjson" "$tmp/res"
echo "NAB dev split: $(wc -l < "$tmp/z4.ndjson") records, ad-score --zscore 4, 3 profiles, threshold search; $runs runs each, alternating"
: > "$tmp/a"; : > "$tmp/b"
for i in $(seq "$runs"); do
	t "$top/bin/ad-eval" --windows "$nab/labels/combined_windows.json" "$tmp/z4.ndjson" >> "$tmp/a"
	cp "$tmp/last" "$tmp/a.json"
	t "$py" "$shared/nab/nab_score.py" --nab "$nab" --results "$tmp/res" --optimize >> "$tmp/b"
	cp "$tmp/last" "$tmp/b.json"
done
set -- $(cut -d' ' -f1 "$tmp/a" | stats); ae=$1; ae_lo=$2; ae_hi=$3
set -- $(cut -d' ' -f2 "$tmp/a" | stats); ac=$1
set -- $(cut -d' ' -f1 "$tmp/b" | stats); pe=$1; pe_lo=$2; pe_hi=$3
set -- $(cut -d' ' -f2 "$tmp/b" | stats); pc=$1
printf '  ad-eval        median %.3fs (%.3f-%.3f) wall, %.2fs cpu\n' "$ae" "$ae_lo" "$ae_hi" "$ac"
printf '  nab_score.py   median %.3fs (%.3f-%.3f) wall, %.2fs cpu\n' "$pe" "$pe_lo" "$pe_hi" "$pc"
awk -v a="$ae" -v b="$pe" -v c="$ac" -v d="$pc" 'BEGIN { printf "  ratio          %.1fx wall, %.1fx cpu (nab_score.py / ad-eval)\n", b / a, (c > 0 ? d / c : 0) }'
for p in standard reward_low_FP_rate reward_low_FN_rate; do
	printf '  %-19s ad-eval %s  nab_score.py %s\n' "$p" "$(jq ".nab.$p.score" "$tmp/a.json")" "$(jq ".profiles.$p.score" "$tmp/b.json")"
done

echo "AUC: 5,000,000 labelled records, 20% positive, scores with 4 decimals"
awk 'BEGIN { srand(3); for (i = 0; i < 5000000; i++) { a = rand() < 0.2; printf "{\"score\":%.4f,\"label\":\"%s\"}\n", (a ? 0.3 : 0) + rand() * 0.7, a ? "attack." : "normal." } }' > "$tmp/big.ndjson"
: > "$tmp/c"
for i in 1 2 3; do
	t "$top/bin/ad-eval" --truth label --negative normal. "$tmp/big.ndjson" >> "$tmp/c"
done
set -- $(cut -d' ' -f1 "$tmp/c" | stats)
printf '  ad-eval --truth  median %.3fs (%.3f-%.3f) wall end to end, %.2fs cpu; auc %s pr_auc %s\n' "$1" "$2" "$3" \
	"$(cut -d' ' -f2 "$tmp/c" | stats | cut -d' ' -f1)" "$(jq .auc "$tmp/last")" "$(jq .pr_auc "$tmp/last")"
if "$py" -c 'import sklearn' 2>/dev/null; then
	"$py" - "$tmp/big.ndjson" <<'PY'
import json, sys, time
import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score
s, y = [], []
for line in open(sys.argv[1]):
    r = json.loads(line)
    s.append(r["score"]); y.append(r["label"] != "normal.")
s, y = np.array(s), np.array(y)
best = 1e9
for _ in range(3):
    t = time.perf_counter()
    auc, ap = roc_auc_score(y, s), average_precision_score(y, s)
    best = min(best, time.perf_counter() - t)
print("  scikit-learn     best of 3 %.3fs, arrays in memory (no parsing); auc %r pr_auc %r" % (best, auc, ap))
PY
else
	echo "  scikit-learn     not installed (apt-get install python3-sklearn)"
fi
} | tee "$out"
