#!/usr/bin/env bats
# Every program against every kind of bad input (issue 9's matrix): no
# signal death, no sanitizer report, a "prog: SOURCE:LINE: reason"
# message, exit 65, the bad line in the --reject file, and the good lines
# before and after it still processed.

load ../helpers/common
load inputs

setup_file() {
	export R="$BATS_FILE_TMPDIR"
	# Models for the scorers, trained once.
	kdd-gen --seed 1 --count 3000 --start 2026-11-21T00:00:00Z > "$R/kdd-train"
	ad-train-rf --mode supervised --trees 5 --seed 1 -q -o "$R/kdd.rf" "$R/kdd-train"
	python3 -c '
import json, math
for i in range(400):
    print(json.dumps({"id": "m", "ts": 1700000000000 + i * 60000, "value": 10 + 5 * math.sin(i / 5)}))' > "$R/series"
	ad-forecast train -q --seed 1 --epochs 1 --hidden 4 --window 5 -o "$R/m.lstm" "$R/series"
}

# check PROG PASS CASE ARGS...: run one cell of the matrix; PASS says the
# program writes each good input record through (so both must come out).
check() {
	local prog=$1 pass=$2 case=$3 dir
	shift 3
	dir=$(mktemp -d "$BATS_TEST_TMPDIR/$case.XXXX")
	make_case "$case" "$dir"
	(cd "$dir" && "$prog" "$@" --reject rej.ndjson in.ndjson > out 2> err)
	local status=$?
	local why="$prog $case (exit $status): $(head -c 300 "$dir/err")"
	[ "$status" -lt 128 ] || { echo "signal: $why"; return 1; }
	! grep -qE 'AddressSanitizer|runtime error|LeakSanitizer' "$dir/err" ||
		{ echo "sanitizer: $why"; return 1; }
	if [ "$case" = empty ]; then
		[ "$status" -eq 0 ] || [ "$status" -eq 65 ] || { echo "empty: $why"; return 1; }
		return 0
	fi
	if [[ " $ACCEPT " == *" $case "* ]]; then
		# Valid input for this program (say, a missing feature to a scorer).
		[ "$status" -eq 0 ] || { echo "accepted case failed: $why"; return 1; }
	else
		[ "$status" -eq 65 ] || { echo "status: $why"; return 1; }
		local line=2
		[ "$case" = binary ] && line='[0-9]+'
		grep -qE "^$prog: in.ndjson:$line: " "$dir/err" || { echo "message: $why"; return 1; }
		[ -s "$dir/rej.ndjson" ] || { echo "no dead letter: $why"; return 1; }
	fi
	if [ "$pass" = pass ]; then
		for k in 1 2; do
			local want
			if [ "$SHAPE" = kdd ]; then
				want=$(good $k | jq -r .uuid)
			else
				want=$(good $k | tail -n 1 | jq -r .ts)
			fi
			grep -q "$want" "$dir/out" || { echo "good line $k lost: $why"; return 1; }
		done
	fi
}

# matrix PROG PASS ARGS...: every case; report every failing cell.
matrix() {
	local prog=$1 pass=$2
	shift 2
	local failed=0 c
	for c in $CASES; do
		check "$prog" "$pass" "$c" "$@" || failed=1
	done
	return $failed
}

@test "matrix: ad-clean (KDD records)" {
	SHAPE=kdd matrix ad-clean pass
}

@test "matrix: ad-clean --schema none" {
	ACCEPT="wrongtype missing" SHAPE=metric matrix ad-clean pass --schema none
}

@test "matrix: ad-score -m (forest)" {
	# Missing values and unknown values are part of scoring, not errors.
	ACCEPT="wrongtype missing" SHAPE=kdd matrix ad-score pass -m "$R/kdd.rf"
}

@test "matrix: ad-score --zscore" {
	SHAPE=metric matrix ad-score pass --zscore 3
}

@test "matrix: ad-detect" {
	SHAPE=metric matrix ad-detect pass
}

@test "matrix: ad-forecast run" {
	SHAPE=metric matrix ad-forecast pass run -m "$R/m.lstm"
}

@test "matrix: ad-alert" {
	SHAPE=metric matrix ad-alert nopass --field value --above 100
}

@test "matrix: ad-plot" {
	ACCEPT="missing" SHAPE=metric matrix ad-plot nopass -o plot.svg
}

@test "matrix: ad-train-rf" {
	ACCEPT="wrongtype missing" SHAPE=kdd matrix ad-train-rf nopass --mode isolation --trees 2 -q -o model.rf
}

@test "matrix: ad-stl (series)" {
	SHAPE=series matrix ad-stl pass --period 4
}

@test "matrix: ad-classify --tag (series)" {
	SHAPE=series matrix ad-classify pass --period 4 --tag
}

@test "matrix: ad-clean --series" {
	SHAPE=series matrix ad-clean pass --series --step 1m
}

@test "matrix: ad-forecast train (series)" {
	SHAPE=series matrix ad-forecast nopass train --window 3 --hidden 2 --epochs 1 -q -o m.lstm
}
