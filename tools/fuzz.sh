#!/bin/sh
# tools/fuzz.sh SECONDS TARGET...: run each libFuzzer target for SECONDS
# (JOBS at a time, default 2) on its corpus, tests/fuzz/corpus/NAME (read)
# plus build-fuzz/corpus/NAME (where new inputs go).  A crash, a leak, an
# input slower than 10 s or a 2 GB RSS fails the run: the reproducer is
# build-fuzz/artifacts/NAME-*, the end of the log is shown, and the
# status is 1.  Each target's executions and coverage are summarised.
if [ "$1" = --one ]; then
	secs=$2 t=$3
	n=${t##*/}
	mkdir -p build-fuzz/corpus/"$n" build-fuzz/artifacts tests/fuzz/corpus/"$n"
	log=build-fuzz/$n.log
	"$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
		-print_final_stats=1 -artifact_prefix=build-fuzz/artifacts/"$n"- \
		build-fuzz/corpus/"$n" tests/fuzz/corpus/"$n" > "$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cov=$(grep -E '^#[0-9]+' "$log" | tail -n 1 | grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' )
	if [ "$rc" -ne 0 ]; then
		echo "FAIL $n (exit $rc) after ${runs:-?} runs; the end of $log:"
		tail -n 40 "$log" | sed 's/^/    /'
		ls build-fuzz/artifacts/"$n"-* 2>/dev/null | sed 's/^/    reproducer: /'
		exit 1
	fi
	echo "ok   $n: ${runs:-?} runs in ${secs}s, $cov"
	exit 0
fi
secs=$1
shift
cd "$(dirname "$0")/.." || exit 1
[ $# -gt 0 ] || { echo "usage: tools/fuzz.sh seconds target..." >&2; exit 64; }
start=$(date +%s)
status=0
for t; do echo "$t"; done | xargs -P "${JOBS:-2}" -I{} sh tools/fuzz.sh --one "$secs" {} || status=1
echo "# fuzz: $# targets, ${secs}s each, $(( $(date +%s) - start ))s in all"
exit $status
