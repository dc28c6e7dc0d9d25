#!/bin/sh
# make demo: both adpipe pipelines end to end on built-in data, with a
# summary a person can read in ten seconds.  Everything lands in demo-out/.
#   1. connection records: kdd-gen -> ad-clean --dedup -> ad-train-rf
#      (supervised with --cv 5, and unsupervised) -> ad-score --explain 3
#      -> ad-alert --report, with precision and recall against the labels;
#   2. metrics of the four classes with injected anomalies -> ad-clean
#      --series -> ad-classify --tag -> ad-detect (every class: the default
#      route) -> ad-alert, with the anomalies caught.
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
# Every class goes to ad-detect, with its defaults: no training, no
# per-series setting (ad-forecast remains for a periodic-stable series
# whose forecasts matter in themselves).
ad-detect "$W/tagged.ndjson" > "$W/detected.ndjson"
t3=$(now); stage "ad-detect (every class)" "$(lines "$W/detected.ndjson")" "$t2" "$t3"
ad-alert --name detect --when anomaly --count 1 --within 5m --cooldown 30m --resolve-after 30m \
	"$W/detected.ndjson" > "$W/metric-alerts.ndjson"
t4=$(now); stage "ad-alert" "$(lines "$W/metric-alerts.ndjson")" "$t3" "$t4"
ad-plot --alerts "$W/metric-alerts.ndjson" --title "metrics: scores, anomalies, alerts" \
	-o "$OUT/metrics.svg" "$W/detected.ndjson"
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
for f in conn clean scored scored-contrast report metrics metrics-clean tagged detected; do
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
                     ad-detect's scores (every class), anomalies marked, the alerts
                     of ad-alert shaded
END
echo "== pictures: $OUT/scores.svg $OUT/scores-contrast.svg $OUT/overview.svg $OUT/metrics.svg"
echo "   (where each came from: $OUT/PICTURES.txt; samples of every stage: $OUT/samples/)"
echo "== $OUT: $(du -sk "$OUT" | cut -f1) KB; intermediate files removed (DEMO_KEEP=1 keeps them)"
