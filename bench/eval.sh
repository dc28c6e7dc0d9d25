#!/bin/sh
# Benchmark: ad-eval against the peers that compute the same figures, both
# sides doing the same work from the same files, timed whole, alternating
# A B A B (bench/lib.sh's ab, BENCH_RUNS pairs, default 11 here) and
# recorded in bench/results/latest.jsonl:
# 1. NAB: the development split (41 series, 137,366 records) scored by
#    `ad-score --zscore 4`, then evaluated for the three profiles with the
#    threshold search by ad-eval (NDJSON in, report out) and by
#    ../shared/nab/nab_score.py (its results CSVs in, report out), after
#    checking that both give the same scores.  Target: ad-eval 20 times
#    faster (a time ratio of 0.05 or less).
# 2. AUC: 5,000,000 labelled records (scores with 4 decimals: ties), ROC
#    and PR AUC by ad-eval --truth and by scikit-learn's roc_auc_score and
#    average_precision_score (bench/peers/auc_sklearn.py: the NDJSON file
#    read with json.loads, the report written), when python3-sklearn is
#    installed; BENCH_RUNS_AUC pairs (default 3).  Target: ad-eval under
#    2 s.
# The scores of each side go to bench/results/eval.txt with the figures
# (replaced only when the whole script succeeds).
#   bench/eval.sh [shared-dir]
# NAB_DIR: the NAB tree (default SHARED/data/nab-dev); SHARED: ../shared.
set -eu
cd "$(dirname "$0")/.."
shared=${1:-$(pwd)/../shared}
nab=${NAB_DIR:-$shared/data/nab-dev}
PY=/usr/bin/python3
out=bench/results/eval.txt
W=${TMPDIR:-/tmp}/adpipe-bench-eval.$$
trap 'rm -rf "$W"' EXIT
[ -r "$shared/nab/nab_score.py" ] && [ -d "$nab" ] ||
	{ echo "bench/eval.sh: no $shared/nab or $nab, skipped"; exit 0; }
make -s bin/ad-score bin/ad-eval > /dev/null
. bench/lib.sh
mkdir -p "$W"
B=$(pwd)/bin
# agree A B TOL: true when |A - B| < TOL (both sides must give one figure).
agree() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; exit !(d < t && d > -t) }'; }

score() { jq -r "$1" "$2"; }

main() {
echo "# bench/eval.sh $(date -u +%Y-%m-%dT%H:%MZ) $(git rev-parse --short HEAD) on $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
$PY tests/fixtures/eval/nabprep.py input "$nab" "$W/in.ndjson"
$B/ad-score --zscore 4 "$W/in.ndjson" > "$W/z4.ndjson"
$PY tests/fixtures/eval/nabprep.py results "$W/z4.ndjson" "$W/res"
n=$(wc -l < "$W/z4.ndjson")
AE="$B/ad-eval --windows '$nab/labels/combined_windows.json' '$W/z4.ndjson' > '$W/a.json'"
NS="$PY '$shared/nab/nab_score.py' --nab '$nab' --results '$W/res' --optimize > '$W/b.json'"
sh -c "$AE" && sh -c "$NS"
echo "NAB dev split: $n records, ad-score --zscore 4, 3 profiles, threshold search"
for p in standard reward_low_FP_rate reward_low_FN_rate; do
	a=$(score ".nab.$p.score" "$W/a.json")
	b=$(score ".profiles.$p.score" "$W/b.json")
	printf '  %-19s ad-eval %s  nab_score.py %s\n' "$p" "$a" "$b"
	agree "$a" "$b" 1e-6 || { echo "bench/eval.sh: $p: ad-eval and nab_score.py differ" >&2; exit 1; }
done
BENCH_RUNS=${BENCH_RUNS:-11} ab nab-eval "NAB dev split, 3 profiles with threshold search, scored file to report ($n records)" \
	"$n" bench/eval.sh ad-eval "$AE" nab_score.py "$NS"

echo "AUC: 5,000,000 labelled records, 20% positive, scores with 4 decimals"
awk 'BEGIN { srand(3); for (i = 0; i < 5000000; i++) { a = rand() < 0.2; printf "{\"score\":%.4f,\"label\":\"%s\"}\n", (a ? 0.3 : 0) + rand() * 0.7, a ? "attack." : "normal." } }' > "$W/big.ndjson"
AA="$B/ad-eval --truth label --negative normal. '$W/big.ndjson' > '$W/c.json'"
if $PY -c 'import sklearn' 2> /dev/null; then
	SK="$PY bench/peers/auc_sklearn.py --negative normal. '$W/big.ndjson' > '$W/d.json'"
	sh -c "$AA" && sh -c "$SK"
	for f in auc pr_auc; do
		a=$(score ".$f" "$W/c.json")
		b=$(score ".$f" "$W/d.json")
		printf '  %-7s ad-eval %s  scikit-learn %s\n' "$f" "$a" "$b"
		agree "$a" "$b" 1e-9 || { echo "bench/eval.sh: $f: ad-eval and scikit-learn differ" >&2; exit 1; }
	done
	BENCH_RUNS=${BENCH_RUNS_AUC:-3} ab auc-sklearn "ROC and PR AUC, NDJSON file to report (5000000 records)" \
		5000000 bench/eval.sh ad-eval "$AA" scikit-learn "$SK"
else
	echo "  scikit-learn not installed (tools/deps.sh --bench): ad-eval alone"
	sh -c "$AA"
	printf '  ad-eval auc %s pr_auc %s\n' "$(score .auc "$W/c.json")" "$(score .pr_auc "$W/c.json")"
fi
echo "# done"
}
# A failure inside the pipe ends main, not the script: the last line tells.
main 2>&1 | tee "$W/out"
[ "$(tail -n 1 "$W/out")" = "# done" ] || { echo "bench/eval.sh: failed" >&2; exit 1; }
sed '$d' "$W/out" > "$out"
