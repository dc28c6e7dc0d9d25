#!/bin/sh
# Run the unit tests (build/tests/t-*) and the bats suites, count TAP
# results, and end with the one summary line CI reads.  Each suite file
# runs on its own under a time limit (SUITE_TIMEOUT seconds, default 900):
# a test that hangs fails its suite instead of stalling the whole run, and
# each suite's time is printed, so a slow one is seen in CI's log.
B=${B:-build}
BIN=${BIN:-bin}
SUITE_TIMEOUT=${SUITE_TIMEOUT:-900}
top=$(cd "$(dirname "$0")/.." && pwd)
export LC_ALL=C TZ=UTC ADPIPE_BIN="$top/$BIN" ADPIPE_BUILD="$top/$B"
log=$(mktemp)
trap 'rm -f "$log" "$log.1" "$log.2"' EXIT
status=0
for t in "$top/$B"/tests/t-*; do
	[ -x "$t" ] || continue
	echo "# unit: ${t##*/}"
	if [ -n "$VALGRIND" ]; then
		valgrind -q --error-exitcode=99 --leak-check=full "$t"
	else
		"$t"
	fi > "$log.1" 2>&1 || {
		status=1
		# a crash prints no "not ok": show how it ended
		echo "# ${t##*/} exited non-zero; its last lines:"
		tail -n 20 "$log.1" | sed 's/^/#   /'
	}
	cat "$log.1" | tee -a "$log" | grep -E '^(not ok|#)' || true
done
for s in "$top"/tests/cmd/*.bats "$top"/tests/e2e/*.bats "$top"/tests/reliability/*.bats; do
	[ -r "$s" ] || continue
	t0=$(date +%s)
	timeout -k 10 "$SUITE_TIMEOUT" bats --tap "$s" > "$log.2" 2>&1 < /dev/null
	rc=$?
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		# the test that was running printed nothing yet: name the next one
		n=$(grep -cE '^(not )?ok ' "$log.2")
		echo "not ok $((n + 1)) ${s#"$top"/}: timed out after ${SUITE_TIMEOUT}s" >> "$log.2"
	fi
	[ "$rc" -eq 0 ] || status=1
	echo "# suite: ${s#"$top"/}: $(grep -cE '^ok ' "$log.2") ok, $(grep -cE '^not ok ' "$log.2") not ok, $(( $(date +%s) - t0 ))s"
	# Each failure with its diagnostics (the lines after it, up to 40).
	awk '/^not ok/ { show = 40; print; next } /^ok/ { show = 0 }
		show > 0 { print; show-- }' "$log.2"
	cat "$log.2" >> "$log"
done
passed=$(grep -cE '^ok ' "$log")
failed=$(grep -cE '^not ok ' "$log")
skipped=$(grep -cE '^ok .*# [Ss][Kk][Ii][Pp]' "$log")
passed=$((passed - skipped))
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
