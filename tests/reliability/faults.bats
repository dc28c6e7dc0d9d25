#!/usr/bin/env bats
# Faults (issue 9): allocation failure in training, a reader that goes
# away, and model files that never appear half-written.

load ../helpers/common

setup_file() {
	export R="$BATS_FILE_TMPDIR"
	kdd-gen --seed 1 --count 100000 --start 0 > "$R/kdd"
	python3 -c '
import json, math
for k in ("a", "b", "c"):
    for i in range(3000):
        print(json.dumps({"id": k, "ts": 1700000040000 + i * 60000, "value": 10 + 5 * math.sin(i / 9)}))' > "$R/series"
}

no_asan() {
	[ -z "${ASAN_OPTIONS:-}" ] || skip "ulimit -v leaves no room for AddressSanitizer's shadow memory"
}

@test "out of memory in ad-train-rf: a clear message, exit 71, no model" {
	no_asan
	run bash -c "ulimit -v 60000; ad-train-rf --trees 20 -q -o '$BATS_TEST_TMPDIR/m.rf' '$R/kdd'"
	assert_equal "$status" 71
	assert_output --partial "ad-train-rf: cannot allocate"
	[ ! -e "$BATS_TEST_TMPDIR/m.rf" ]
	run bash -c "ls '$BATS_TEST_TMPDIR'/m.rf.tmp* 2>/dev/null"
	assert_output ""
}

@test "out of memory in ad-forecast train: a clear message, exit 71, no model" {
	no_asan
	# So little memory that even the training threads cannot start (a
	# program not linked to librdkafka trains in 20 MB of address space).
	run bash -c "ulimit -v 8000; ad-forecast train -q --epochs 1 -o '$BATS_TEST_TMPDIR/m.lstm' '$R/series'"
	assert_equal "$status" 71
	assert_output --regexp "ad-forecast: cannot (allocate|create thread)"
	[ ! -e "$BATS_TEST_TMPDIR/m.lstm" ]
}

@test "a model file that cannot be created: exit 73, nothing left behind" {
	run ad-train-rf --trees 2 -q -o /nonexistent/dir/m.rf "$R/kdd"
	assert_equal "$status" 73
	assert_output --partial "cannot create '/nonexistent/dir/m.rf'"
	# where something could be left behind: the directory exists and takes
	# the temporary file, but the model's name is a directory
	mkdir -p "$BATS_TEST_TMPDIR/d/m.rf"
	run ad-train-rf --trees 2 -q -o "$BATS_TEST_TMPDIR/d/m.rf" "$R/kdd"
	assert_equal "$status" 73
	assert_output "ad-train-rf: cannot create '$BATS_TEST_TMPDIR/d/m.rf': not a regular file"
	assert_equal "$(ls -A "$BATS_TEST_TMPDIR/d")" "m.rf"
	assert_equal "$(ls -A "$BATS_TEST_TMPDIR/d/m.rf")" ""
}

# closed PROG ARGS...: PROG writing into a pipe whose reader left early
# exits 74 with a message, not by a signal.
closed() {
	run bash -c '"$@" | head -c 1 > /dev/null; echo "exit ${PIPESTATUS[0]}"' _ "$@"
	assert_line "exit 74"
	assert_line --partial "Broken pipe"
}

@test "a reader that goes away: every program exits 74 with a message" {
	ad-train-rf --trees 5 -q -o "$R/kdd.rf" "$R/kdd"
	closed kdd-gen --seed 1 --count 100000
	closed ad-clean "$R/kdd"
	closed ad-score -m "$R/kdd.rf" "$R/kdd"
	closed ad-detect "$R/series"
	closed ad-stl --period 9 "$R/series"
	closed ad-classify --tag --period 9 "$R/series"
	closed ad-alert --field value --above 0 "$R/series"
}
