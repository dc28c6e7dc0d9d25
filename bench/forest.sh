#!/bin/sh
# Benchmark: ad-train-rf / ad-score against scikit-learn (../shared/peers/
# rf_sklearn.py) on the real KDD 10% file, side by side in the same run:
#   1. training wall time, 100 trees of depth 20, all features per split and
#      sqrt (ours: the whole command, NDJSON parsing included; sklearn: fit()
#      alone on a ready float32 matrix);
#   2. 5-fold cross-validated AUC (ours on all 494,021 rows; sklearn's
#      baseline protocol on a 100,000-row stratified sample);
#   3. isolation forest AUC on the http and smtp subsets (logged_in = 1,
#      log(x + 0.1) of duration, src_bytes, dst_bytes; fit and score the whole
#      subset; mean of seeds 0-4), the classic protocol;
#   4. scoring NDJSON -> NDJSON records/s against json.loads + predict_proba
#      in batches of 10,000.
# Prints both figures and the ratio for each.  Takes about 5 minutes.
set -e
cd "$(dirname "$0")/.."
PEERS=${PEERS:-$(pwd)/../shared/peers}
KDD=${KDD:-$(pwd)/../shared/data/kdd99/kddcup.data_10_percent.gz}
PY=/usr/bin/python3
W=${TMPDIR:-/tmp}/adpipe-bench-forest.$$
trap 'rm -rf "$W"' EXIT
[ -r "$KDD" ] || { echo "bench/forest.sh: $KDD absent, skipped"; exit 0; }
make -s bin/kdd-gen bin/ad-train-rf bin/ad-score >/dev/null
mkdir -p "$W"
B=$(pwd)/bin

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
field() { sed -E "s/.*\"$1\": ?([0-9.e+-]+).*/\\1/"; }

$B/kdd-gen --seed 1 --in-order "$KDD" > "$W/kdd.ndjson"
n=$(wc -l < "$W/kdd.ndjson")
echo "data: $KDD, $n records, $(du -m "$W/kdd.ndjson" | cut -f1) MB of NDJSON"

echo "== 1. training, RF(100 trees, depth 20), all $n rows"
$PY "$PEERS/rf_sklearn.py" throughput --input "$KDD" --ndjson "$W/kdd.ndjson" \
	> "$W/sk_throughput.json" 2> /dev/null
sk_all=$($PY -c 'import json,sys; d=json.load(open(sys.argv[1])); print([m for m in d["models"] if m["max_features"]=="None"][0]["train_s"])' "$W/sk_throughput.json")
sk_sqrt=$($PY -c 'import json,sys; d=json.load(open(sys.argv[1])); print([m for m in d["models"] if m["max_features"]=="sqrt"][0]["train_s"])' "$W/sk_throughput.json")
sk_ndjson=$($PY -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["ndjson"]["records_per_s"])' "$W/sk_throughput.json")
for mtry in all sqrt; do
	t0=$(now)
	$B/ad-train-rf -v --trees 100 --max-depth 20 --mtry $mtry -o "$W/$mtry.rf" \
		"$W/kdd.ndjson" 2> "$W/train-$mtry.log"
	t1=$(now)
	ours=$(secs "$t0" "$t1")
	fit=$(sed -E 's/.* ([0-9.]+) s training.*/\1/' "$W/train-$mtry.log")
	sk=$sk_all; [ $mtry = sqrt ] && sk=$sk_sqrt
	echo "mtry $mtry: ad-train-rf ${ours} s wall (training alone ${fit} s; 41 features incl. 3 categorical), sklearn fit ${sk} s (38 numeric): ratio $(ratio "$ours" "$sk") (target <= 0.25)"
done

echo "== 2. 5-fold cross-validated AUC"
t0=$(now)
$B/ad-train-rf -q --cv 5 --trees 100 --max-depth 20 --mtry all --report "$W/cv.json" \
	-o "$W/cv.rf" "$W/kdd.ndjson"
t1=$(now)
auc=$($PY -c 'import json,sys; d=json.load(open(sys.argv[1])); m=d["cv"]["mean"]; s=d["cv"]["sd"]; print("%.6f +- %.6f (accuracy %.6f)" % (m["auc"], s["auc"], m["accuracy"]))' "$W/cv.json")
echo "ad-train-rf --cv 5 (all rows, mtry all): AUC $auc in $(secs "$t0" "$t1") s"
echo "sklearn baseline (BASELINE.md, 100,000-row sample, max_features=None): AUC 0.999919 +- 0.000152; target: ours >= that - 0.002"

echo "== 3. isolation forest, http and smtp subsets"
$PY "$PEERS/rf_sklearn.py" iforest --input "$KDD" > "$W/sk_iforest.json" 2> /dev/null
$PY - "$W/kdd.ndjson" "$W" <<'PYEOF'
import json, math, sys
src, w = sys.argv[1], sys.argv[2]
out = {s: open(f"{w}/{s}.ndjson", "w") for s in ("http", "smtp")}
for line in open(src):
    r = json.loads(line)
    if r["service"] in out and r["logged_in"] == 1:
        o = {k: math.log(r[k] + 0.1) for k in ("duration", "src_bytes", "dst_bytes")}
        o["attack"] = int(r["label"] != "normal.")
        out[r["service"]].write(json.dumps(o) + "\n")
PYEOF
for svc in http smtp; do
	sum=0
	for seed in 0 1 2 3 4; do
		$B/ad-train-rf --mode isolation --trees 100 --sample-size 256 -s $seed \
			--features duration,src_bytes,dst_bytes -o "$W/$svc.if" "$W/$svc.ndjson"
		a=$($B/ad-score -m "$W/$svc.if" "$W/$svc.ndjson" |
			$B/ad-eval --truth attack --positive 1 | jq .auc)
		sum=$(awk -v a="$sum" -v b="$a" 'BEGIN { print a + b }')
	done
	ours=$(awk -v a="$sum" 'BEGIN { printf "%.4f", a / 5 }')
	sk=$($PY -c 'import json,sys; d=json.load(open(sys.argv[1])); print([r for r in d["results"] if r["data"]==sys.argv[2]][0]["auc_mean_5_seeds"])' "$W/sk_iforest.json" $svc)
	echo "$svc: ad-train-rf isolation AUC $ours (mean of 5 seeds), sklearn IsolationForest $sk (target: ours >= sklearn)"
done

echo "== 4. scoring NDJSON -> NDJSON"
best=0
for i in 1 2 3; do
	t0=$(now)
	$B/ad-score -m "$W/all.rf" "$W/kdd.ndjson" > "$W/scored.ndjson"
	t1=$(now)
	r=$(awk -v n="$n" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')
	[ "$r" -gt "$best" ] && best=$r
done
echo "ad-score -m (100 trees, depth 20, all features): $best records/s (best of 3, output to a file)"
t0=$(now)
$B/ad-score -m "$W/all.rf" "$W/kdd.ndjson" > /dev/null
t1=$(now)
echo "ad-score -m, output to /dev/null as the peer writes nothing: $(awk -v n="$n" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }') records/s"
echo "python json.loads + predict_proba (batches of 10,000, NDJSON in): $sk_ndjson records/s: ratio $(ratio "$best" "$sk_ndjson") (target >= 3)"
