#!/bin/sh
# Benchmark: peak RSS per key of every stateful program (issue 21).
# Each program reads N single-point keys (default 1,000,000) and, as the
# baseline, 1,000 of them; the records are generated with awk and streamed
# (no file is stored).  Peak RSS comes from /usr/bin/time -v; bytes per
# key = (peak(N) - peak(1000)) / (N - 1000).  Results go to
# bench/results/keys-rss.txt.  A program's exit status is not checked:
# single-point keys are too short for some of them (65, said per key);
# what is measured is the memory they took to get there.
set -e
cd "$(dirname "$0")/.."
N=${N:-1000000}
OUT=${OUT:-bench/results/keys-rss.txt}
TMP=${TMPDIR:-/tmp}/adpipe-bench-keys-rss.$$
trap 'rm -f "$TMP".*' EXIT
make -s all >/dev/null
bin/kdd-gen -s 1 -n 1 >"$TMP.kdd"

gen() {
	awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++)
		printf "{\"id\":\"k%d\",\"ts\":1700000040,\"value\":%d,\"anomaly\":true}\n", i, i % 7 }'
}
# kdd records with N distinct uuids, for ad-clean --dedup
gen_kdd() {
	# the record split once around its uuid: a sub() per line took mawk
	# over 9 minutes for 1,000,000 lines
	awk -v n="$1" -v f="$TMP.kdd" 'BEGIN { getline r <f
		match(r, /"uuid":"[^"]*"/)
		a = substr(r, 1, RSTART - 1); b = substr(r, RSTART + RLENGTH)
		for (i = 0; i < n; i++) printf "%s\"uuid\":\"u%d\"%s\n", a, i, b }'
}
peak() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"; }

K=$((N * 2))
{
	printf '# peak RSS (kB) for 1,000 and %d single-point keys; bytes per key\n' "$N"
	printf '# %s, %s\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$(git rev-parse --short HEAD)"
	printf '%-58s %10s %10s %8s\n' program 1000 "$N" B/key
} >"$OUT"
while IFS='|' read -r name gen cmd; do
	for n in 1000 "$N"; do
		$gen "$n" | /usr/bin/time -v -o "$TMP.time" sh -c "$cmd" \
		    >/dev/null 2>"$TMP.err" || true
		grep -q 'Maximum resident' "$TMP.time" || {
			echo "bench: $name: no figure" >&2
			exit 1
		}
		eval "rss_$n=\$(peak \"\$TMP.time\")"
	done
	eval "small=\$rss_1000 big=\$rss_$N"
	printf '%-58s %10s %10s %8s\n' "$name" "$small" "$big" \
	    "$(awk -v a="$small" -v b="$big" -v n="$N" 'BEGIN { printf "%.0f", (b - a) * 1024 / (n - 1000) }')" |
		tee -a "$OUT"
done <<LIST
ad-clean --series --step 1m|gen|bin/ad-clean --series --step 1m --max-keys $K
ad-clean --series --period 1000 --history 1000|gen|bin/ad-clean --series --step 1m --period 1000 --history 1000 --max-keys $K
ad-clean --dedup uuid (window 10^9)|gen_kdd|bin/ad-clean --dedup uuid --dedup-window 1000000000
ad-stl --period 12|gen|bin/ad-stl --period 12 --max-keys $K
ad-classify|gen|bin/ad-classify
ad-forecast train|gen|bin/ad-forecast train -q --epochs 1 -o $TMP.lstm
ad-score --zscore 3|gen|bin/ad-score --zscore 3 --max-keys $K
ad-detect|gen|bin/ad-detect --max-keys $K
ad-alert --count 3 --within 1m|gen|bin/ad-alert --count 3 --within 1m --max-keys $K
ad-alert --report --window 1h --slide 1s|gen|bin/ad-alert --report --window 1h --slide 1s --max-keys $K
ad-alert --change 50% --vs 1d|gen|bin/ad-alert --change 50% --vs 1d --max-keys $K
LIST
