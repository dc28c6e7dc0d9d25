#!/bin/sh
# Instructions executed (valgrind --tool=callgrind) by each program on a
# fixed workload, for two builds side by side: the way to tell a code
# change's cost from noise on a busy machine, where seconds vary and
# instruction counts do not.
#   bench/instructions.sh OLD_BIN_DIR [NEW_BIN_DIR]
# NEW_BIN_DIR defaults to bin/.  Writes bench/results/instructions.txt.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
old=$(cd "$1" && pwd)
new=$(cd "${2:-$top/bin}" && pwd)
out="$top/bench/results/instructions.txt"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C TZ=UTC

# Inputs, made by the old build so that both sides read the same bytes.
"$old/kdd-gen" --seed 1 --count 20000 --start 2026-01-01T00:00:00Z > "$tmp/conn.ndjson"
awk 'BEGIN { srand(1); for (k = 0; k < 2; k++) for (i = 0; i < 10080; i++)
	printf "{\"id\":\"m%d\",\"ts\":%d,\"value\":%.6f}\n", k, 1700000000000 + 60000 * i,
	50 + 10 * sin(2 * 3.141592653589793 * i / 1440) + rand() + (i % 997 == 0 ? 30 : 0) }' > "$tmp/series.ndjson"
"$old/ad-train-rf" -q --trees 10 --threads 1 --seed 1 -o "$tmp/conn.rf" "$tmp/conn.ndjson"
"$old/ad-forecast" train -q --epochs 1 --hidden 8 --window 16 --threads 1 --seed 1 \
	-o "$tmp/series.lstm" "$tmp/series.ndjson"
"$old/ad-score" --zscore 3 "$tmp/series.ndjson" > "$tmp/scored.ndjson"

# count BIN ARGS...: instructions of one run, stdout discarded.
count() {
	valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" \
		> /dev/null 2> "$tmp/vg.err" < /dev/null || true
	sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$tmp/vg.err"
}

run() {
	name=$1
	shift
	a=$(count "$old/$@")
	b=$(count "$new/$@")
	printf '%-28s %14s %14s %8s\n' "$name" "$a" "$b" \
		"$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.4f", b / a }')"
}

{
	echo "# instructions: old=$old new=$new ($(date -u +%Y-%m-%dT%H:%M:%SZ))"
	printf '%-28s %14s %14s %8s\n' workload old new new/old
	run "kdd-gen 20k" kdd-gen --seed 1 --count 20000 --start 2026-01-01T00:00:00Z
	run "ad-clean 20k" ad-clean "$tmp/conn.ndjson"
	run "ad-train-rf 10 trees" ad-train-rf -q --trees 10 --threads 1 --seed 1 -o "$tmp/x.rf" "$tmp/conn.ndjson"
	run "ad-score forest 20k" ad-score -m "$tmp/conn.rf" --explain 3 "$tmp/conn.ndjson"
	run "ad-score --zscore 20k pts" ad-score --zscore 3 "$tmp/series.ndjson"
	run "ad-clean --series 20k pts" ad-clean --series --step 1m "$tmp/series.ndjson"
	run "ad-stl 20k pts" ad-stl --period 1440 "$tmp/series.ndjson"
	run "ad-classify 20k pts" ad-classify "$tmp/series.ndjson"
	run "ad-forecast run 20k pts" ad-forecast run -m "$tmp/series.lstm" "$tmp/series.ndjson"
	run "ad-alert count 20k" ad-alert --when anomaly --count 3 --within 10m "$tmp/scored.ndjson"
	run "ad-plot 20k pts" ad-plot -o "$tmp/x.svg" "$tmp/scored.ndjson"
} | tee "$out"
