#!/bin/sh
# Benchmark for issue 17: training time of ad-train-rf --mode boost, 200
# rounds without early stopping (--early-stop 0), 5 classes (normal, dos,
# u2r, r2l, probe from training_attack_types), all 494,021 rows of the
# KDD Cup 99 10% file, whole command (reading the NDJSON included), on
# --threads 2 and 1.  Prints, per run, the CPU seconds (perf stat's
# task-clock, or user + sys from /usr/bin/time without perf), the wall
# seconds and the load average at the end: on a shared machine only the
# CPU figure means anything.  RUNS (default 3) runs of each, alternating.
# Target: under 10 s of wall on 2 idle cores.
set -e
cd "$(dirname "$0")/.."
KDD=${KDD:-$(pwd)/../shared/data/kdd99/kddcup.data_10_percent.gz}
TYPES=${TYPES:-$(dirname "$KDD")/training_attack_types}
RUNS=${RUNS:-3}
W=${TMPDIR:-/tmp}/adpipe-bench-boost.$$
trap 'rm -rf "$W"' EXIT
[ -r "$KDD" ] || { echo "bench/boost-speed.sh: $KDD absent, skipped"; exit 0; }
make -s bin/kdd-gen bin/ad-train-rf >/dev/null
mkdir -p "$W"
B=$(pwd)/bin
"$B"/kdd-gen --seed 1 --in-order "$KDD" > "$W/kdd.ndjson"
echo "ad-train-rf --mode boost --early-stop 0 (200 rounds), 5 classes, $(wc -l < "$W/kdd.ndjson") rows"
printf '%-8s %8s %8s %6s\n' threads cpu_s wall_s load
i=0
while [ $i -lt "$RUNS" ]; do
	for t in 2 1; do
		t0=$(date +%s.%N)
		if command -v perf > /dev/null; then
			cpu=$(perf stat -x, -e task-clock -- "$B"/ad-train-rf -q --threads $t --mode boost \
				--classes "$TYPES" --early-stop 0 -o "$W/m.rf" "$W/kdd.ndjson" 2>&1 |
				awk -F, '/task-clock/ { printf "%.2f", $1 / 1000 }')
		else
			cpu=$( { /usr/bin/time -f '%U %S' "$B"/ad-train-rf -q --threads $t --mode boost \
				--classes "$TYPES" --early-stop 0 -o "$W/m.rf" "$W/kdd.ndjson"; } 2>&1 |
				awk '{ printf "%.2f", $1 + $2 }')
		fi
		t1=$(date +%s.%N)
		printf '%-8s %8s %8.2f %6s\n' $t "$cpu" "$(echo "$t1 - $t0" | bc)" "$(cut -d' ' -f1 /proc/loadavg)"
	done
	i=$((i + 1))
done
