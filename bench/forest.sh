#!/bin/sh
# Benchmark: ad-train-rf / ad-score against scikit-learn (bench/peers/
# rf_sklearn.py) on the real KDD 10% file, side by side in the same run:
#   1. training, 100 trees of depth 20, all features per split and sqrt,
#      both whole commands from the same NDJSON file to a model file, on
#      ROWS records spread evenly over the file (default 100,000; 0 = all);
#   2. 5-fold cross-validated AUC of ad-train-rf (ours alone, all rows);
#   3. scoring NDJSON -> NDJSON file, both sides writing every record with
#      its score (sklearn: json.loads + predict_proba in batches of 10,000).
# The isolation forest's AUCs are bench/iforest.sh's.
# Timings alternate A B A B (bench/lib.sh, BENCH_RUNS pairs) and go to
# bench/results/latest.jsonl.  scikit-learn sees the 38 numeric fields;
# ad-train-rf also the 3 categorical ones.
set -e
cd "$(dirname "$0")/.."
KDD=${KDD:-${KDD_DIR:-$(pwd)/../shared/data/kdd99}/kddcup.data_10_percent.gz}
ROWS=${ROWS:-100000}
PY=/usr/bin/python3
W=${TMPDIR:-/tmp}/adpipe-bench-forest.$$
trap 'rm -rf "$W"' EXIT
[ -r "$KDD" ] || { echo "bench/forest.sh: $KDD absent, skipped"; exit 0; }
$PY -c 'import sklearn' 2> /dev/null || { echo "bench/forest.sh: scikit-learn not installed (tools/deps.sh --bench), skipped"; exit 0; }
make -s bin/kdd-gen bin/ad-train-rf bin/ad-score bin/ad-eval >/dev/null
. bench/lib.sh
mkdir -p "$W"
B=$(pwd)/bin
SK="$PY bench/peers/rf_sklearn.py"

$B/kdd-gen --seed 1 --in-order "$KDD" > "$W/all.ndjson"
# ROWS records spread evenly over the file (the file is sorted by attack kind)
total=$(wc -l < "$W/all.ndjson")
if [ "$ROWS" -gt 0 ] && [ "$ROWS" -lt "$total" ]; then
	awk -v k="$total" -v r="$ROWS" 'int(NR * r / k) != int((NR - 1) * r / k)' "$W/all.ndjson" > "$W/kdd.ndjson"
else
	cp "$W/all.ndjson" "$W/kdd.ndjson"
fi
n=$(wc -l < "$W/kdd.ndjson")
echo "data: $KDD, $n records, $(du -m "$W/kdd.ndjson" | cut -f1) MB of NDJSON"

echo "== 1. training, RF(100 trees, depth 20), $n rows"
for mtry in all sqrt; do
	ab "rf-train-$mtry" "RF training, 100 trees, depth 20, mtry $mtry, NDJSON file to model ($n records)" "$n" bench/forest.sh \
		ad-train-rf "$B/ad-train-rf -q --trees 100 --max-depth 20 --mtry $mtry -o '$W/$mtry.rf' '$W/kdd.ndjson'" \
		scikit-learn "$SK train '$W/kdd.ndjson' '$W/$mtry.pkl' --mtry $mtry"
done

echo "== 2. 5-fold cross-validated AUC"
s0=$(date +%s)
$B/ad-train-rf -q --cv 5 --trees 100 --max-depth 20 --mtry all --report "$W/cv.json" \
	-o "$W/cv.rf" "$W/all.ndjson"
s1=$(date +%s)
auc=$($PY -c 'import json,sys; d=json.load(open(sys.argv[1])); m=d["cv"]["mean"]; s=d["cv"]["sd"]; print("%.6f +- %.6f (accuracy %.6f)" % (m["auc"], s["auc"], m["accuracy"]))' "$W/cv.json")
echo "ad-train-rf --cv 5 ($total rows, mtry all): AUC $auc in $((s1 - s0)) s"
echo "sklearn baseline (BASELINE.md, 100,000-row sample, max_features=None): AUC 0.999919 +- 0.000152; target: ours >= that - 0.002"

echo "== 3. scoring NDJSON -> NDJSON file"
ab rf-score "RF scoring (mtry all), NDJSON file to NDJSON file ($n records)" "$n" bench/forest.sh \
	ad-score "$B/ad-score -m '$W/all.rf' '$W/kdd.ndjson' > '$W/scored.ndjson'" \
	scikit-learn "$SK score '$W/all.pkl' '$W/kdd.ndjson' '$W/sk-scored.ndjson'"
[ "$(wc -l < "$W/sk-scored.ndjson")" -eq "$n" ] && [ "$(wc -l < "$W/scored.ndjson")" -eq "$n" ]
