#!/usr/bin/env bash
# ad-detect's speed and memory, the figures issue 16 asks for:
#  - points per second of CPU (user + system, best of 3) for one key and
#    for 100,000 interleaved keys, 2,000,000 NAB-shaped points each,
#    NDJSON in and out (files, output to /dev/null);
#  - the same 100,000 keys once each of them exists: the CPU time of
#    6,000,000 points less that of the first 2,000,000, per point.  The
#    first 20 points of each key pay for creating its state (page faults
#    and clearing 7 KB per key are most of the 2,000,000-point run).
#  - the CPU time of the whole development split run as NAB runs it (one
#    process per series, ../shared/nab/nab_run.sh), the detector's
#    processes only;
#  - peak RSS over a stream and over one 10 times longer, for one key and
#    for 1,000 keys: flat when the state per key is bounded.
# Written to bench/results/detect-speed.txt.
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

n=2000000
gen $n 1 > "$tmp/one"
gen $n 100000 > "$tmp/many"
{
	echo "ad-detect speed and memory, $(date -u +%Y-%m-%d), $(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, load $(cut -d ' ' -f 1 /proc/loadavg)"
	echo "detector state: $(echo '{"id":"a","ts":0,"value":1}' | "$det" -v 2>&1 >/dev/null | grep -o '[0-9]* bytes of state per key')"
	echo
	for f in one many; do
		c=$(best3 "$tmp/$f")
		label=$([ $f = one ] && echo "one key" || echo "100,000 keys, interleaved")
		awk -v c="$c" -v n=$n -v l="$label" 'BEGIN {
			printf "%-28s %9d points  %7.3f s CPU  %10.0f points/s\n", l, n, c, n / c }'
		[ $f = many ] && cmany=$c
	done
	gen $((3 * n)) 100000 > "$tmp/many3"
	c3=$(best3 "$tmp/many3")
	rm -f "$tmp/many3"
	awk -v a="$cmany" -v b="$c3" -v n=$((2 * n)) 'BEGIN {
		printf "%-28s %9d points  %7.3f s CPU  %10.0f points/s  (6M-point run less the 2M one)\n", "100,000 keys, steady state", n, b - a, n / (b - a) }'
	if ! command -v perf > /dev/null; then
		echo "NAB dev split, as NAB runs: skipped (needs perf, Debian's linux-perf)"
	elif [ -f "$NAB_DIR/labels/combined_windows.json" ]; then
		# perf's task-clock: /usr/bin/time's 10 ms ticks round each
		# process (about 8 ms) to 0
		: > "$tmp/nabtimes"
		"$NAB_RUN" --nab "$NAB_DIR" --jobs 1 -- \
			"perf stat -x, -e task-clock --append -o $tmp/nabtimes $det" > "$tmp/nab.json"
		awk -F, -v pts="$(cat "$NAB_DIR"/data/*/*.csv | grep -vc '^timestamp')" '
			$3 == "task-clock" { c += $1 / 1000; p++ }
			END { printf "%-28s %9d points  %7.3f s CPU  %10.0f points/s  (%d processes)\n", "NAB dev split, as NAB runs", pts, c, pts / c, p }' "$tmp/nabtimes"
	fi
	r1=$(cpu "$tmp/one" | cut -f 2)
	r2=$(cpu "$tmp/many" | cut -f 2)
	awk -v a="$r1" -v b="$r2" 'BEGIN {
		printf "memory per key: %d KB peak RSS with one key, %d KB with 100,000: %.0f bytes per key\n", a, b, (b - a) * 1024 / 99999 }'
	echo
	echo "peak RSS, a stream and one 10 times longer:"
	for keys in 1 1000; do
		label=$([ $keys = 1 ] && echo "one key" || echo "1,000 keys")
		gen 200000 $keys > "$tmp/short"
		gen 2000000 $keys > "$tmp/long"
		a=$(cpu "$tmp/short" | cut -f 2)
		b=$(cpu "$tmp/long" | cut -f 2)
		printf "%-28s %9s KB at 200,000 points, %9s KB at 2,000,000\n" "$label" "$a" "$b"
	done
} | tee "$top/bench/results/detect-speed.txt"
