#!/usr/bin/env bash
# ad-detect's speed and memory, the figures issue 16 asks for, each over
# BENCH_RUNS runs (default 3) with medians and spread, recorded in
# bench/results/latest.jsonl (bench/lib.sh's runs and figure; there is
# no peer to alternate with):
#  - wall and CPU seconds (user + system) for one key and for 100,000
#    interleaved keys, 2,000,000 NAB-shaped points each, NDJSON in and
#    out (files, output to /dev/null);
#  - the same 100,000 keys once each of them exists: the CPU time of
#    6,000,000 points less that of the first 2,000,000, per point.  The
#    first 20 points of each key pay for creating its state (page faults
#    and clearing 7 KB per key are most of the 2,000,000-point run).
#  - the CPU time of the whole development split run as NAB runs it (one
#    process per series, ../shared/nab/nab_run.sh), the detector's
#    processes only;
#  - peak RSS over a stream and over one 10 times longer, for one key and
#    for 1,000 keys: flat when the state per key is bounded.
# The printed lines are written to bench/results/detect-speed.txt.
# N (points, default 2000000) and KEYS (default 100000) make it smaller.
#
#   bench/detect-speed.sh
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@" # make bench runs sh FILE
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
shared=$top/../shared
NAB_DIR=${NAB_DIR:-$shared/data/nab-dev}
NAB_RUN=${NAB_RUN:-$shared/nab/nab_run.sh}
det=$top/bin/ad-detect
[ -x "$det" ] || { echo "detect-speed: $det not built (make)" >&2; exit 69; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# gen N KEYS: N points in NAB's shape, keys taking turns, 5-minute steps
gen() {
	awk -v n="$1" -v k="$2" 'BEGIN {
		srand(1)
		for (i = 0; i < n; i++) {
			s = 1404172800 + 300 * int(i / k)
			printf "{\"id\":\"host%d.cpu\",\"ts\":%d,\"value\":%.3f}\n", i % k, s, 50 + 10 * sin(i / 288 / k) + 5 * rand()
		}
	}'
}

# cpu FILE ARGS...: "user+sys seconds<TAB>peak RSS KB" of one run
cpu() {
	local f=$1
	shift
	/usr/bin/time -f '%U %S %M' -o "$tmp/time" "$det" "$@" "$f" > /dev/null
	awk '{ printf "%.3f\t%d\n", $1 + $2, $3 }' "$tmp/time"
}

# best3 FILE: the least CPU time of three runs
best3() {
	for _ in 1 2 3; do cpu "$1"; done | sort -n | head -n 1 | cut -f 1
}

n=${N:-2000000}
keys=${KEYS:-100000}
nruns=${BENCH_RUNS:-3}
gen "$n" 1 > "$tmp/one"
gen "$n" "$keys" > "$tmp/many"
gen $((3 * n)) "$keys" > "$tmp/many3"
cd "$top"
. bench/lib.sh
{
	echo "ad-detect speed and memory, $(date -u +%Y-%m-%d), $(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, load $(cut -d ' ' -f 1 /proc/loadavg), $nruns runs each: medians (min..max)"
	echo "detector state: $(echo '{"id":"a","ts":0,"value":1}' | "$det" -v 2>&1 >/dev/null | grep -o '[0-9]* bytes of state per key')"
	echo
	runs detect-one-key "ad-detect, $n points of one key, NDJSON file to /dev/null" \
		"$n" bench/detect-speed.sh ad-detect "'$det' '$tmp/one' > /dev/null"
	runs detect-many-keys "ad-detect, $n points of $keys interleaved keys (each key's first points pay for creating its state), NDJSON file to /dev/null" \
		"$n" bench/detect-speed.sh ad-detect "'$det' '$tmp/many' > /dev/null"
	# steady state: the CPU time of 3n points less that of the first n,
	# per point, the two runs alternating
	st=
	for _ in $(seq "$nruns"); do
		a=$(cpu "$tmp/many" | cut -f 1)
		b=$(cpu "$tmp/many3" | cut -f 1)
		st="$st $(awk -v a="$a" -v b="$b" -v n=$((2 * n)) 'BEGIN { printf "%.0f", n / (b - a) }')"
	done
	# shellcheck disable=SC2086
	figure detect-steady "ad-detect, $keys keys once each exists: points per CPU second ($((3 * n))-point run less the $n-point one)" \
		bench/detect-speed.sh ad-detect "points/CPU s" $st
	if ! command -v perf > /dev/null; then
		echo "NAB dev split, as NAB runs: skipped (needs perf, Debian's linux-perf)"
	elif [ -f "$NAB_DIR/labels/combined_windows.json" ]; then
		# perf's task-clock: /usr/bin/time's 10 ms ticks round each
		# process (about 8 ms) to 0
		v=
		for _ in $(seq "$nruns"); do
			: > "$tmp/nabtimes"
			"$NAB_RUN" --nab "$NAB_DIR" --jobs 1 -- \
				"perf stat -x, -e task-clock --append -o $tmp/nabtimes $det" > "$tmp/nab.json"
			v="$v $(awk -F, '$3 == "task-clock" { c += $1 / 1000 } END { printf "%.3f", c }' "$tmp/nabtimes")"
		done
		# shellcheck disable=SC2086
		figure detect-nab-cpu "ad-detect over the NAB dev split as NAB runs it (one process per series): CPU seconds of the detector's processes" \
			bench/detect-speed.sh ad-detect "CPU s" $v
	fi
	# memory: peak RSS with one key and with $keys; a stream and one 10
	# times longer, one key and 1,000 keys (flat when the state per key
	# is bounded)
	v=
	for _ in $(seq "$nruns"); do
		r1=$(cpu "$tmp/one" | cut -f 2)
		r2=$(cpu "$tmp/many" | cut -f 2)
		v="$v $(awk -v a="$r1" -v b="$r2" -v k="$keys" 'BEGIN { printf "%.0f", (b - a) * 1024 / (k - 1) }')"
	done
	# shellcheck disable=SC2086
	figure detect-bytes-per-key "ad-detect, peak RSS with $keys keys less that with one, per key" \
		bench/detect-speed.sh ad-detect "bytes/key" $v
	for k in 1 1000; do
		gen $((n / 10)) $k > "$tmp/short"
		gen "$n" $k > "$tmp/long"
		for pts in $((n / 10)) "$n"; do
			f=$tmp/long
			[ "$pts" = "$n" ] || f=$tmp/short
			v=
			for _ in $(seq "$nruns"); do v="$v $(cpu "$f" | cut -f 2)"; done
			# shellcheck disable=SC2086
			figure "detect-rss-$k-$pts" "ad-detect, peak RSS over $pts points of $k key(s)" \
				bench/detect-speed.sh ad-detect KB $v
		done
	done
} | tee "$top/bench/results/detect-speed.txt"
