#!/bin/sh
# make check-tests: can the tests fail?  Each program in turn is replaced
# by a stub that prints nothing and exits 0, then by one that exits 70, and
# its tests are run against the stub.  The stub writes the number of the
# test that ran it to a log (bats exports BATS_TEST_NUMBER), so the harness
# knows which tests exercise the program rather than guessing from names:
#
#   - a test that ran the stub and still passed (or skipped) is an error:
#     it cannot tell the program from one that does nothing;
#   - a test of tests/cmd/PROG.bats that never ran PROG is an error unless
#     tests/check-tests.allow names it, with the reason it need not run it;
#   - a test skipped without running the stub (say the KDD data is absent)
#     is counted and listed, not judged.
#
# By default only tests/cmd/PROG.bats is run (cheap enough for CI).  With
# E2E=1 the e2e and reliability files that name PROG are run too, and
# there every test that ran the stub must fail.  PROGS="a b" limits the
# programs, JOBS the stub runs at a time (default 2), FILTER=regex the
# tests (bats -f), to check a few tests quickly.
B=${B:-build}
BIN=${BIN:-bin}
JOBS=${JOBS:-2}
top=$(cd "$(dirname "$0")/.." && pwd)
export LC_ALL=C TZ=UTC ADPIPE_BUILD="$top/$B"

# one PROG CODE WORK: run PROG's test files against a stub exiting CODE;
# print one line per error and a summary line "# PROG exit CODE: ...".
one() {
	work=$1 prog=$2 code=$3
	d="$work/$prog.$code"
	mkdir -p "$d/bin"
	for b in "$top/$BIN"/*; do ln -s "$b" "$d/bin/${b##*/}"; done
	rm -f "$d/bin/$prog"
	printf '#!/bin/sh\necho "${BATS_TEST_NUMBER:-0}" >> "%s/calls"\nexit %s\n' \
		"$d" "$code" > "$d/bin/$prog"
	chmod +x "$d/bin/$prog"
	files="$top/tests/cmd/$prog.bats"
	if [ -n "$E2E" ]; then
		files="$files $(grep -lw -- "$prog" "$top"/tests/e2e/*.bats \
			"$top"/tests/reliability/*.bats 2>/dev/null)"
	fi
	n=0 bad=0 unjudged=0
	for f in $files; do
		[ -r "$f" ] || continue
		rel=${f#"$top"/}
		: > "$d/calls"
		ADPIPE_BIN="$d/bin" bats --tap ${FILTER:+-f "$FILTER"} "$f" > "$d/tap" 2>&1 </dev/null
		sort -un "$d/calls" > "$d/ran"
		while IFS= read -r line; do
			case $line in
			"ok "* | "not ok "*) ;;
			*) continue ;;
			esac
			n=$((n + 1))
			rest=${line#ok }
			rest=${rest#not ok }
			num=${rest%% *}
			name=${rest#* }
			name=${name%% # [Ss][Kk][Ii][Pp]*}
			ran=no
			grep -qx "$num" "$d/ran" && ran=yes
			case $line in
			"not ok "*) continue ;;
			*" # "[Ss][Kk][Ii][Pp]*)
				if [ $ran = yes ]; then
					echo "$rel: '$name' skipped after running the stub $prog (exit $code)"
					bad=$((bad + 1))
				else
					echo "# $rel: '$name' skipped, not judged"
					unjudged=$((unjudged + 1))
				fi
				continue ;;
			esac
			if [ $ran = yes ]; then
				echo "$rel: '$name' passes with $prog replaced by a stub (exit $code)"
				bad=$((bad + 1))
			elif [ "$rel" = "tests/cmd/$prog.bats" ] &&
				! grep -qxF "$prog	$name" "$work/allow"; then
				echo "$rel: '$name' passes without running $prog (allow-list it, with the reason, if it need not)"
				bad=$((bad + 1))
			fi
		done < "$d/tap"
	done
	echo "# $prog exit $code: $n tests, $bad errors, $unjudged skipped"
}

if [ "$1" = --one ]; then
	shift
	one "$@" > "$1/$2.$3.report"
	exit 0
fi

cd "$top" || exit 1
[ -n "$PROGS" ] || PROGS=$(ls cmd/*.c | sed 's|cmd/||; s|\.c$||')
for p in $PROGS; do
	[ -x "$BIN/$p" ] || { echo "check-tests: $BIN/$p not built" >&2; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# the allow-list without comments: "PROG<TAB>test name" per line
sed -n 's/^\([^#][^	]*	[^	]*\)	.*/\1/p' tests/check-tests.allow > "$work/allow"
start=$(date +%s)
export E2E B BIN FILTER
for p in $PROGS; do
	for c in 0 70; do echo "$p $c"; done
done | xargs -P "$JOBS" -L 1 sh tests/check-tests.sh --one "$work"
errors=0
for p in $PROGS; do
	for c in 0 70; do
		r="$work/$p.$c.report"
		[ -r "$r" ] || { echo "check-tests: no report for $p exit $c"; errors=$((errors + 1)); continue; }
		cat "$r"
		errors=$((errors + $(grep -vc '^#' "$r")))
	done
done
echo "# check-tests: $errors errors in $(( $(date +%s) - start ))s"
[ "$errors" -eq 0 ]
