#!/usr/bin/env bats
# ad-score --save-every: the state saved while the program runs (apart
# from tests/cmd/ad-score.bats, where this test made bats fail to load
# the file: "syntax error: unexpected end of file", not understood yet).
load ../helpers/common

setup() {
	T=$BATS_TEST_TMPDIR
}

teardown() {
	[ -z "${pid:-}" ] || kill "$pid" 2>/dev/null || true
}

@test "--save-every N: the state file is written during the run, every N records" {
	mkfifo "$T/in"
	ad-score --zscore 3 --state "$T/z.state" --save-every 5 < "$T/in" > "$T/out" 3>&- &
	pid=$!
	exec 4> "$T/in"
	for i in 1 2 3 4; do printf '{"id":"a","value":%d}\n' $i >&4; done
	sleep 0.5
	# 4 records: not yet saved
	[ ! -e "$T/z.state" ]
	printf '{"id":"a","value":5}\n' >&4
	for _ in $(seq 50); do
		[ -s "$T/z.state" ] && break
		sleep 0.1
	done
	# 5 records, still running: saved, with n 5, mean 3, M2 10 (by hand)
	kill -0 $pid
	run jq -c '[.id, .n, .mean, .m2]' "$T/z.state"
	assert_output '["a",5,3,10]'
	exec 4>&-
	wait $pid
}
