#!/bin/sh
# tools/valgrind.sh [suite.bats ...]: run bats suites (by default
# tests/cmd/*.bats) with every program of $BIN run under valgrind's
# memcheck; `make check-valgrind` runs it.  Not for CI: it is slow.
#
# Each program gets a wrapper in $B/valgrind/bin, put first on the tests'
# PATH through ADPIPE_BIN, that runs
#
#	valgrind -q --error-exitcode=99 --leak-check=full --log-file=...
#
# so a memory error or a leak (definite or possible) turns the program's
# status into 99, which fails the test that ran it, and leaves valgrind's
# report in $B/valgrind/logs/PROG.PID.log (clean runs leave none).
#
# Tests tagged valgrind-skip (a "# bats test_tags=valgrind-skip" line
# before the test, the reason in a comment above it) are left out: they
# give the program a deadline that a 20-50 times slower run cannot keep.
# SUITE_TIMEOUT (seconds, default 3600) bounds each suite, JOBS (default
# 2) is how many suites run at once.  The summary ends with the count of
# tests and of valgrind reports; the status is 1 if either failed.
B=${B:-build}
BIN=${BIN:-bin}
JOBS=${JOBS:-2}
SUITE_TIMEOUT=${SUITE_TIMEOUT:-3600}
if [ "$1" = --one ]; then
	s=$2 out=$3
	start=$(date +%s)
	timeout -k 10 "$SUITE_TIMEOUT" bats --tap --filter-tags '!valgrind-skip' \
		"$s" > "$out" 2>&1 < /dev/null
	rc=$?
	[ "$rc" -ne 124 ] && [ "$rc" -ne 137 ] ||
		echo "not ok 0 ${s##*/}: timed out after ${SUITE_TIMEOUT}s" >> "$out"
	echo "# suite: ${s##*/}: $(grep -cE '^ok ' "$out") ok," \
		"$(grep -cE '^not ok ' "$out") not ok, $(($(date +%s) - start))s"
	exit 0
fi
top=$(cd "$(dirname "$0")/.." && pwd)
command -v valgrind > /dev/null || { echo "valgrind: not installed" >&2; exit 69; }
vg=$top/$B/valgrind
rm -rf "$vg"
mkdir -p "$vg/bin" "$vg/logs" "$vg/tap"
for p in "$top/$BIN"/*; do
	[ -x "$p" ] || continue
	cat > "$vg/bin/${p##*/}" <<-EOF
	#!/bin/sh
	exec valgrind -q --error-exitcode=99 --leak-check=full \\
		--suppressions="$top/tools/valgrind.supp" \\
		--log-file="$vg/logs/${p##*/}.%p.log" "$p" "\$@"
	EOF
	chmod +x "$vg/bin/${p##*/}"
done
[ $# -gt 0 ] || set -- "$top"/tests/cmd/*.bats
export LC_ALL=C TZ=UTC ADPIPE_BIN="$vg/bin" ADPIPE_BUILD="$top/$B" SUITE_TIMEOUT
start=$(date +%s)
for s; do
	s=$(cd "$(dirname "$s")" && pwd)/${s##*/}
	echo "$s $vg/tap/$(basename "$s" .bats).tap"
done | xargs -P "$JOBS" -n 2 sh "$top/tools/valgrind.sh" --one
# Each failure with its diagnostics; then valgrind's reports.
for t in "$vg"/tap/*.tap; do
	awk -v f="${t##*/}" '/^not ok/ { show = 30; print f ": " $0; next }
		/^ok/ { show = 0 } show > 0 { print; show-- }' "$t"
done
find "$vg/logs" -name '*.log' -size 0 -delete
nlogs=$(find "$vg/logs" -name '*.log' | wc -l)
for l in "$vg"/logs/*.log; do
	[ -e "$l" ] || continue
	echo "# valgrind: ${l#"$top"/}:"
	head -n 40 "$l" | sed 's/^/#   /'
done
cat "$vg"/tap/*.tap > "$vg/all.tap"
ok=$(grep -cE '^ok ' "$vg/all.tap")
notok=$(grep -cE '^not ok ' "$vg/all.tap")
skipped=$(grep -cE '^ok .*# [Ss][Kk][Ii][Pp]' "$vg/all.tap")
tagged=$(cat "$@" | grep -c '^# bats test_tags=.*valgrind-skip')
echo "# valgrind: $(($(date +%s) - start))s; $((ok + notok)) tests run: $((ok - skipped)) passed," \
	"$notok failed, $skipped skipped; $tagged left out (valgrind-skip);" \
	"$nlogs valgrind reports"
[ "$notok" -eq 0 ] && [ "$nlogs" -eq 0 ]
