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
# The summary goes to the terminal and to $OUT/summary.txt.
if [ -z "${DEMO_TEED:-}" ]; then
	{
		s=0
		DEMO_TEED=1 sh "$top/tools/demo.sh" "$@" || s=$?
		echo "$s" > "$OUT/.status"
	} | tee "$OUT/summary.txt"
	status=$(cat "$OUT/.status")
	rm -f "$OUT/.status"
	exit "$status"
fi
rm -rf "$OUT"/*.ndjson "$OUT"/*.svg "$OUT"/*.rf "$OUT"/*.lstm "$OUT"/*.json \
	"$OUT/PICTURES.txt" "$OUT/samples" "$OUT/work"
# Intermediate files (hundreds of MB with the defaults) live in a work
# directory removed at the end; $OUT keeps what a person looks at: the
# pictures (PICTURES.txt says where each came from), the summary, small
# reports and the first records of every stage (DEMO_KEEP=1 keeps the
# work directory as $OUT/work).
if [ "${DEMO_KEEP:-0}" = 1 ]; then
	W="$OUT/work"
	mkdir -p "$W"
else
	W=$(mktemp -d "${TMPDIR:-/tmp}/adpipe-demo.XXXXXX")
	trap 'rm -rf "$W"' EXIT
fi

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
kdd-gen --seed 1 --count "$N" --start 2026-11-21T00:00:00Z --interval 50ms $kdd > "$W/conn.ndjson"
t1=$(now); stage "kdd-gen" "$N" "$t0" "$t1"
ad-clean --dedup uuid "$W/conn.ndjson" > "$W/clean.ndjson"
t2=$(now); stage "ad-clean --dedup uuid" "$(lines "$W/clean.ndjson")" "$t1" "$t2"
train=$((N * 4 / 5))
head -n "$train" "$W/clean.ndjson" > "$W/train.ndjson"
tail -n +"$((train + 1))" "$W/clean.ndjson" > "$W/test.ndjson"
t2=$(now)
ad-train-rf -q --mode supervised --cv 5 --trees 50 --seed 1 --report "$W/cv.json" \
	-o "$W/kdd.rf" "$W/train.ndjson"
t3=$(now); stage "ad-train-rf supervised, 5-fold CV" "$train" "$t2" "$t3"
ad-train-rf -q --mode unsupervised --trees 50 --seed 1 -o "$W/kdd-contrast.rf" "$W/train.ndjson"
t4=$(now); stage "ad-train-rf unsupervised (contrast)" "$train" "$t3" "$t4"
ad-train-rf -q --mode isolation --seed 1 -o "$W/kdd-iforest.rf" "$W/train.ndjson"
t4=$(now)
ad-score -m "$W/kdd.rf" --explain 3 "$W/test.ndjson" > "$W/scored.ndjson"
t5=$(now); stage "ad-score --explain 3" "$(lines "$W/test.ndjson")" "$t4" "$t5"
ad-score -m "$W/kdd-contrast.rf" "$W/test.ndjson" > "$W/scored-contrast.ndjson"
ad-score -m "$W/kdd-iforest.rf" "$W/test.ndjson" > "$W/scored-iforest.ndjson"
ad-alert --id service --time utc --when anomaly --count 20 --within 1m --cooldown 5m \
	"$W/scored.ndjson" > "$W/alerts.ndjson"
ad-alert --report --window 1m --id service --time utc --when anomaly --field score \
	"$W/scored.ndjson" > "$W/report.ndjson"
t6=$(now); stage "ad-alert (count rule + 1m report)" "$(lines "$W/scored.ndjson")" "$t5" "$t6"
ad-plot --histogram --title "supervised forest: scores of held-out records" \
	-o "$OUT/scores.svg" "$W/scored.ndjson"
ad-plot --histogram --title "unsupervised (contrast) forest: scores" \
	-o "$OUT/scores-contrast.svg" "$W/scored-contrast.ndjson"

# quality FILE: precision and recall of .anomaly against the attack labels
quality() {
	jq -c '{label: .label, score: (if .anomaly then 1 else 0 end)}' "$1" |
	ad-eval --truth label --negative normal. --threshold 1 | jq -r '
	  .at_threshold as $a
	| "precision \($a.precision * 1000 | round / 1000), recall \($a.recall * 1000 | round / 1000) (\($a.tp + $a.fn) attacks in \(.records) records)"'
}
# auc FILE: area under the ROC curve of .score against the attack labels
auc() {
	ad-eval --truth label --negative normal. "$1" | jq -r '.auc * 10000 | round / 10000'
}
auc=$(jq -r '[.. | objects | select(has("auc")) | .auc] | first // "n/a"' "$W/cv.json")
echo "  cross-validated AUC (5-fold): $auc"
echo "  supervised on held-out records:   $(quality "$W/scored.ndjson")"
echo "  unsupervised, AUC on held-out records: contrast forest $(auc "$W/scored-contrast.ndjson")," \
	"isolation forest $(auc "$W/scored-iforest.ndjson")"
echo "    (contrast flags unusual combinations; dense floods of one kind score as normal: see ad-train-rf(1))"
echo "  alerts (>= 20 anomalies of one service within 1m): $(lines "$W/alerts.ndjson");" \
	"1-minute reports: $(lines "$W/report.ndjson")"
echo "  why, for the first anomaly:  $(jq -c 'select(.anomaly) | [.why[] | "\(.feature)=\(.value)"]' "$W/scored.ndjson" | head -n 1)"

echo "== 2. metrics"
python3 data/make-metrics.py --seed 1 "$W/metrics.ndjson" "$W/truth.ndjson"
t0=$(now)
# Gaps are filled; outlier replacement is off so the anomalies stay visible.
ad-clean --series --step 5m --outlier-k 1000 "$W/metrics.ndjson" > "$W/metrics-clean.ndjson"
t1=$(now); stage "ad-clean --series" "$(lines "$W/metrics-clean.ndjson")" "$t0" "$t1"
ad-classify "$W/metrics-clean.ndjson" > "$W/classes.ndjson"
ad-classify --tag "$W/metrics-clean.ndjson" > "$W/tagged.ndjson"
t2=$(now); stage "ad-classify (summary and --tag)" "$(lines "$W/tagged.ndjson")" "$t1" "$t2"
jq -r '"  \(.id): \(.class)"' "$W/classes.ndjson"
grep '"class":"periodic-stable"' "$W/tagged.ndjson" > "$W/forecastable.ndjson" || true
grep -v '"class":"periodic-stable"' "$W/tagged.ndjson" > "$W/rules.ndjson" || true
# Train on the first 10 days, which hold no injected anomaly.
cutoff=$(jq -s 'map(.ts) | min + 10 * 86400000' "$W/forecastable.ndjson")
jq -c "select(.ts < $cutoff)" "$W/forecastable.ndjson" > "$W/forecast-train.ndjson"
t2=$(now)
ad-forecast train -q --seed 1 --epochs 8 --hidden 32 -o "$W/metrics.lstm" "$W/forecast-train.ndjson"
t3=$(now); stage "ad-forecast train (LSTM, per key)" "$(lines "$W/forecast-train.ndjson")" "$t2" "$t3"
ad-forecast run -m "$W/metrics.lstm" --tolerance 0.25 "$W/forecastable.ndjson" > "$W/forecast.ndjson"
t4=$(now); stage "ad-forecast run" "$(lines "$W/forecast.ndjson")" "$t3" "$t4"
ad-score --zscore 4 --min-count 50 "$W/rules.ndjson" > "$W/zscored.ndjson"
t5=$(now); stage "ad-score --zscore 4 (the rest)" "$(lines "$W/zscored.ndjson")" "$t4" "$t5"
{
	ad-alert --name forecast-mismatch --when mismatch --count 1 --within 5m --cooldown 30m --resolve-after 30m \
		"$W/forecast.ndjson"
	ad-alert --name zscore --when anomaly --count 1 --within 5m --cooldown 30m --resolve-after 30m \
		"$W/zscored.ndjson"
} > "$W/metric-alerts.ndjson"
t6=$(now); stage "ad-alert" "$(lines "$W/metric-alerts.ndjson")" "$t5" "$t6"
cat "$W/forecast.ndjson" "$W/zscored.ndjson" > "$W/metrics-scored.ndjson"
ad-plot --alerts "$W/metric-alerts.ndjson" --title "metrics: forecasts, anomalies, alerts" \
	-o "$OUT/metrics.svg" "$W/metrics-scored.ndjson"
caught=$(jq -rs --slurpfile alerts "$W/metric-alerts.ndjson" '
	map(. as $t | any($alerts[]; .id == $t.id and (.ts | tonumber? // 0) >= $t.ts and (.ts | tonumber? // 0) <= $t.ts + 900000))
	| "\(map(select(.)) | length) of \(length)"' "$W/truth.ndjson")
echo "  injected anomalies caught by an alert within 15 minutes: $caught"
echo "  alerts raised: $(lines "$W/metric-alerts.ndjson")"
ad-plot --overview --title "connection records: anomalies per service and minute" \
	-o "$OUT/overview.svg" "$W/report.ndjson"

# What stays: small reports whole, samples of every stage.
cp "$W/cv.json" "$W/classes.ndjson" "$W/alerts.ndjson" "$W/metric-alerts.ndjson" "$OUT/"
mkdir -p "$OUT/samples"
for f in conn clean scored scored-contrast report metrics metrics-clean tagged forecast zscored; do
	head -n 20 "$W/$f.ndjson" > "$OUT/samples/$f.ndjson"
done
jq -c 'select(.anomaly)' "$W/scored.ndjson" | head -n 20 > "$OUT/samples/scored-anomalies.ndjson"
cat > "$OUT/PICTURES.txt" <<END
Where each picture in $OUT came from (tools/demo.sh; samples/ holds the
first 20 records of each stage, summary.txt what was printed):
scores.svg           ad-plot --histogram of ad-score -m kdd.rf (supervised forest)
                     on the held-out 20% of the connection records ($src)
scores-contrast.svg  the same for the unsupervised contrast forest
overview.svg         ad-plot --overview of ad-alert --report --window 1m --id service
                     over the supervised forest's scores: anomalies per service and minute
metrics.svg          ad-plot of the synthetic metrics (data/make-metrics.py --seed 1):
                     ad-forecast run (periodic-stable) and ad-score --zscore 4 (the rest),
                     anomalies marked, the alerts of ad-alert shaded
END
echo "== pictures: $OUT/scores.svg $OUT/scores-contrast.svg $OUT/overview.svg $OUT/metrics.svg"
echo "   (where each came from: $OUT/PICTURES.txt; samples of every stage: $OUT/samples/)"
echo "== $OUT: $(du -sk "$OUT" | cut -f1) KB; intermediate files removed (DEMO_KEEP=1 keeps them)"
