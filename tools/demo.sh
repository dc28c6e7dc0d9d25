#!/bin/sh
# make demo: both adpipe pipelines end to end on built-in data, with a
# summary a person can read in ten seconds.  Everything lands in demo-out/.
#   1. connection records: kdd-gen -> ad-clean --dedup -> ad-train-rf
#      (supervised with --cv 5, and unsupervised) -> ad-score --explain 3
#      -> ad-alert --report, with precision and recall against the labels;
#   2. metrics of the four classes with injected anomalies -> ad-clean
#      --series -> ad-classify --tag -> ad-forecast (periodic-stable) or
#      ad-score --zscore (the rest) -> ad-alert, with the anomalies caught.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
# ADPIPE_BIN: the programs to run (the tests set it, so that make asan and
# make check-tests run the demo on their own builds); default bin/.
PATH="${ADPIPE_BIN:-$top/bin}:$PATH"
OUT=${DEMO_OUT:-demo-out}
N=${DEMO_RECORDS:-100000}
mkdir -p "$OUT"
rm -f "$OUT"/*.ndjson "$OUT"/*.svg "$OUT"/*.rf "$OUT"/*.lstm "$OUT"/*.json "$OUT"/*.txt

now() { date +%s.%N; }
# stage NAME RECORDS T0 T1: one line of timing.
stage() {
	awk -v name="$1" -v n="$2" -v a="$3" -v b="$4" 'BEGIN {
		s = b - a; if (s <= 0) s = 1e-6
		printf "  %-34s %9d records %7.2f s %12.0f records/s\n", name, n, s, n / s }'
}
lines() { wc -l < "$1" | tr -d ' '; }

# DEMO_KDD: a KDD CSV to draw rows from, or "none" for synthetic traffic;
# by default the real 10% file when data/ or ../shared has it.
kdd=${DEMO_KDD:-}
if [ -z "$kdd" ]; then
	for f in data/kdd99/kddcup.data_10_percent.gz ../shared/data/kdd99/kddcup.data_10_percent.gz; do
		[ -r "$f" ] && kdd=$f && break
	done
fi
[ "$kdd" = none ] && kdd=""

if [ -n "$kdd" ]; then src="rows drawn from $kdd"; else src="synthetic traffic"; fi
echo "== 1. connection records ($src)"
t0=$(now)
kdd-gen --seed 1 --count "$N" --start 2026-11-21T00:00:00Z --interval 50ms $kdd > "$OUT/conn.ndjson"
t1=$(now); stage "kdd-gen" "$N" "$t0" "$t1"
ad-clean --dedup uuid "$OUT/conn.ndjson" > "$OUT/clean.ndjson"
t2=$(now); stage "ad-clean --dedup uuid" "$(lines "$OUT/clean.ndjson")" "$t1" "$t2"
train=$((N * 4 / 5))
head -n "$train" "$OUT/clean.ndjson" > "$OUT/train.ndjson"
tail -n +"$((train + 1))" "$OUT/clean.ndjson" > "$OUT/test.ndjson"
t2=$(now)
ad-train-rf -q --mode supervised --cv 5 --trees 50 --seed 1 --report "$OUT/cv.json" \
	-o "$OUT/kdd.rf" "$OUT/train.ndjson"
t3=$(now); stage "ad-train-rf supervised, 5-fold CV" "$train" "$t2" "$t3"
ad-train-rf -q --mode unsupervised --trees 50 --seed 1 -o "$OUT/kdd-contrast.rf" "$OUT/train.ndjson"
t4=$(now); stage "ad-train-rf unsupervised (contrast)" "$train" "$t3" "$t4"
ad-train-rf -q --mode isolation --seed 1 -o "$OUT/kdd-iforest.rf" "$OUT/train.ndjson"
t4=$(now)
ad-score -m "$OUT/kdd.rf" --explain 3 "$OUT/test.ndjson" > "$OUT/scored.ndjson"
t5=$(now); stage "ad-score --explain 3" "$(lines "$OUT/test.ndjson")" "$t4" "$t5"
ad-score -m "$OUT/kdd-contrast.rf" "$OUT/test.ndjson" > "$OUT/scored-contrast.ndjson"
ad-score -m "$OUT/kdd-iforest.rf" "$OUT/test.ndjson" > "$OUT/scored-iforest.ndjson"
ad-alert --id service --time utc --when anomaly --count 20 --within 1m --cooldown 5m \
	"$OUT/scored.ndjson" > "$OUT/alerts.ndjson"
ad-alert --report --window 1m --id service --time utc --when anomaly --field score \
	"$OUT/scored.ndjson" > "$OUT/report.ndjson"
t6=$(now); stage "ad-alert (count rule + 1m report)" "$(lines "$OUT/scored.ndjson")" "$t5" "$t6"
ad-plot --histogram --title "supervised forest: scores of held-out records" \
	-o "$OUT/scores.svg" "$OUT/scored.ndjson"
ad-plot --histogram --title "unsupervised (contrast) forest: scores" \
	-o "$OUT/scores-contrast.svg" "$OUT/scored-contrast.ndjson"

quality() {
	jq -rs '
	  (map(select(.anomaly and .label != "normal.")) | length) as $tp
	| (map(select(.anomaly and .label == "normal.")) | length) as $fp
	| (map(select((.anomaly | not) and .label != "normal.")) | length) as $fn
	| "precision \(if $tp + $fp > 0 then ($tp / ($tp + $fp) * 1000 | round / 1000) else "n/a" end), recall \(if $tp + $fn > 0 then ($tp / ($tp + $fn) * 1000 | round / 1000) else "n/a" end) (\($tp + $fn) attacks in \(length) records)"' "$1"
}
# auc FILE: area under the ROC curve of .score against attack labels
# (rank-sum form, ties averaged).
auc() {
	jq -r '"\(.score) \(if .label == "normal." then 0 else 1 end)"' "$1" | sort -g |
	awk '{ s[NR] = $1; y[NR] = $2; pos += $2 }
	END {
		i = 1
		while (i <= NR) {
			j = i; while (j < NR && s[j + 1] == s[i]) j++
			for (k = i; k <= j; k++) if (y[k]) r += (i + j) / 2
			i = j + 1
		}
		neg = NR - pos
		if (pos == 0 || neg == 0) print "n/a"
		else printf "%.4f", (r - pos * (pos + 1) / 2) / (pos * neg)
	}'
}
auc=$(jq -r '[.. | objects | select(has("auc")) | .auc] | first // "n/a"' "$OUT/cv.json")
echo "  cross-validated AUC (5-fold): $auc"
echo "  supervised on held-out records:   $(quality "$OUT/scored.ndjson")"
echo "  unsupervised, AUC on held-out records: contrast forest $(auc "$OUT/scored-contrast.ndjson")," \
	"isolation forest $(auc "$OUT/scored-iforest.ndjson")"
echo "    (contrast flags unusual combinations; dense floods of one kind score as normal: see ad-train-rf(1))"
echo "  alerts (>= 20 anomalies of one service within 1m): $(lines "$OUT/alerts.ndjson");" \
	"1-minute reports: $(lines "$OUT/report.ndjson")"
echo "  why, for the first anomaly:  $(jq -c 'select(.anomaly) | [.why[] | "\(.feature)=\(.value)"]' "$OUT/scored.ndjson" | head -n 1)"

echo "== 2. metrics"
python3 data/make-metrics.py --seed 1 "$OUT/metrics.ndjson" "$OUT/truth.ndjson"
t0=$(now)
# Gaps are filled; outlier replacement is off so the anomalies stay visible.
ad-clean --series --step 5m --outlier-k 1000 "$OUT/metrics.ndjson" > "$OUT/metrics-clean.ndjson"
t1=$(now); stage "ad-clean --series" "$(lines "$OUT/metrics-clean.ndjson")" "$t0" "$t1"
ad-classify "$OUT/metrics-clean.ndjson" > "$OUT/classes.ndjson"
ad-classify --tag "$OUT/metrics-clean.ndjson" > "$OUT/tagged.ndjson"
t2=$(now); stage "ad-classify (summary and --tag)" "$(lines "$OUT/tagged.ndjson")" "$t1" "$t2"
jq -r '"  \(.id): \(.class)"' "$OUT/classes.ndjson"
grep '"class":"periodic-stable"' "$OUT/tagged.ndjson" > "$OUT/forecastable.ndjson" || true
grep -v '"class":"periodic-stable"' "$OUT/tagged.ndjson" > "$OUT/rules.ndjson" || true
# Train on the first 10 days, which hold no injected anomaly.
cutoff=$(jq -s 'map(.ts) | min + 10 * 86400000' "$OUT/forecastable.ndjson")
jq -c "select(.ts < $cutoff)" "$OUT/forecastable.ndjson" > "$OUT/forecast-train.ndjson"
t2=$(now)
ad-forecast train -q --seed 1 --epochs 8 --hidden 32 -o "$OUT/metrics.lstm" "$OUT/forecast-train.ndjson"
t3=$(now); stage "ad-forecast train (LSTM, per key)" "$(lines "$OUT/forecast-train.ndjson")" "$t2" "$t3"
ad-forecast run -m "$OUT/metrics.lstm" --tolerance 0.25 "$OUT/forecastable.ndjson" > "$OUT/forecast.ndjson"
t4=$(now); stage "ad-forecast run" "$(lines "$OUT/forecast.ndjson")" "$t3" "$t4"
ad-score --zscore 4 --min-count 50 "$OUT/rules.ndjson" > "$OUT/zscored.ndjson"
t5=$(now); stage "ad-score --zscore 4 (the rest)" "$(lines "$OUT/zscored.ndjson")" "$t4" "$t5"
{
	ad-alert --name forecast-mismatch --when mismatch --count 1 --within 5m --cooldown 30m --resolve-after 30m \
		"$OUT/forecast.ndjson"
	ad-alert --name zscore --when anomaly --count 1 --within 5m --cooldown 30m --resolve-after 30m \
		"$OUT/zscored.ndjson"
} > "$OUT/metric-alerts.ndjson"
t6=$(now); stage "ad-alert" "$(lines "$OUT/metric-alerts.ndjson")" "$t5" "$t6"
cat "$OUT/forecast.ndjson" "$OUT/zscored.ndjson" > "$OUT/metrics-scored.ndjson"
ad-plot --alerts "$OUT/metric-alerts.ndjson" --title "metrics: forecasts, anomalies, alerts" \
	-o "$OUT/metrics.svg" "$OUT/metrics-scored.ndjson"
caught=$(jq -rs --slurpfile alerts "$OUT/metric-alerts.ndjson" '
	map(. as $t | any($alerts[]; .id == $t.id and (.ts | tonumber? // 0) >= $t.ts and (.ts | tonumber? // 0) <= $t.ts + 900000))
	| "\(map(select(.)) | length) of \(length)"' "$OUT/truth.ndjson")
echo "  injected anomalies caught by an alert within 15 minutes: $caught"
echo "  alerts raised: $(lines "$OUT/metric-alerts.ndjson")"
echo "== pictures: $OUT/scores.svg $OUT/scores-contrast.svg $OUT/metrics.svg"
