#!/bin/sh
# Run the unit tests (build/tests/t-*) and the bats suites, count TAP
# results, and end with the one summary line CI reads.
B=${B:-build}
BIN=${BIN:-bin}
top=$(cd "$(dirname "$0")/.." && pwd)
export LC_ALL=C TZ=UTC ADPIPE_BIN="$top/$BIN" ADPIPE_BUILD="$top/$B"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
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
suites=$(ls "$top"/tests/cmd/*.bats "$top"/tests/e2e/*.bats "$top"/tests/reliability/*.bats 2>/dev/null)
if [ -n "$suites" ]; then
	bats --tap $suites > "$log.2" 2>&1 || status=1
	# Each failure with its diagnostics (the lines after it, up to 40).
	awk '/^not ok/ { show = 40; print; next } /^ok/ { show = 0 }
		show > 0 { print; show-- }' "$log.2"
	cat "$log.2" >> "$log"
fi
rm -f "$log.1" "$log.2"
passed=$(grep -cE '^ok ' "$log")
failed=$(grep -cE '^not ok ' "$log")
skipped=$(grep -cE '^ok .*# [Ss][Kk][Ii][Pp]' "$log")
passed=$((passed - skipped))
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
