# Sourced by the bench/*.sh scripts: measure commands the same way and
# record the figures, one JSON line each in BENCH_RESULTS (default
# bench/results/latest.jsonl), replacing an earlier line of the same ID;
# bench/table.py makes the README's tables from that file.  Every timed
# run records its wall seconds and its CPU seconds (user + system of the
# command and its children), so that figures taken on a loaded machine
# can be read by their CPU time.  A failing command stops the script: a
# figure is never recorded for work that was not done.
#
# ab ID TASK N SCRIPT A_NAME A_CMD B_NAME B_CMD
#   runs A_CMD and B_CMD alternately, A B A B ..., BENCH_RUNS pairs
#   (default 5), each under sh -c with its output discarded (the commands
#   write their own output files, so that both sides do the same work);
#   N is the records (or points) each run processes, 0 when a rate makes
#   no sense.  Prints the medians, spread and per-pair ratio.
#
# runs ID TASK N SCRIPT NAME CMD
#   the same for a command with no peer to alternate with: BENCH_RUNS
#   runs, their medians and spread.
#
# figure ID TASK SCRIPT NAME UNIT VALUE...
#   records a figure that is not a time (a rate held, a latency, an AUC),
#   one VALUE per repeated run the script made: their median and spread.

# _timed SIDE CMD: run CMD, append "SIDE t0 t1 user sys" to $_times.
_timed() {
	_t0=$(date +%s.%N)
	/usr/bin/time -f '%U %S' -o "$_times.cpu" sh -c "$2" > "$_times.out" 2>&1 || {
		echo "bench: $_id: failed: $2" >&2
		tail -n 5 "$_times.out" >&2
		rm -f "$_times" "$_times.out" "$_times.cpu"
		exit 1
	}
	_t1=$(date +%s.%N)
	echo "$1 $_t0 $_t1 $(tail -n 1 "$_times.cpu")" >> "$_times"
}

_record() {
	python3 "$(dirname "$0")/record.py" "$@" "${BENCH_RESULTS:-bench/results/latest.jsonl}"
	_rc=$?
	rm -f "$_times" "$_times.out" "$_times.cpu"
	[ $_rc -eq 0 ] || exit 1
}

ab() {
	_id=$1 _task=$2 _n=$3 _script=$4 _an=$5 _ac=$6 _bn=$7 _bc=$8
	_times=$(mktemp)
	_i=0
	while [ "$_i" -lt "${BENCH_RUNS:-5}" ]; do
		_timed a "$_ac"
		_timed b "$_bc"
		_i=$((_i + 1))
	done
	_record ab "$_id" "$_task" "$_n" "$_script" "$_an" "$_ac" "$_bn" "$_bc" "$_times"
}

runs() {
	_id=$1 _task=$2 _n=$3 _script=$4 _an=$5 _ac=$6
	_times=$(mktemp)
	_i=0
	while [ "$_i" -lt "${BENCH_RUNS:-5}" ]; do
		_timed a "$_ac"
		_i=$((_i + 1))
	done
	_record runs "$_id" "$_task" "$_n" "$_script" "$_an" "$_ac" "$_times"
}

figure() {
	_id=$1
	_times=$(mktemp)
	_record figure "$@"
}

# minute_series N: N minutes (CSV t,value) of 100 + 10 t/N + 3 sin(2 pi t/10080)
# + 20 sin(2 pi t/1440) + noise (sum of three uniforms, sd 1), fixed seed:
# the series of the STL and LSTM benchmarks, made here rather than read.
minute_series() {
	awk -v n="$1" 'BEGIN { srand(20240101); pi = 3.141592653589793; print "t,value"
		for (t = 0; t < n; t++)
			printf "%d,%.6f\n", t, 100 + 10 * t / n + 3 * sin(2 * pi * t / 10080) + 20 * sin(2 * pi * t / 1440) + (rand() + rand() + rand() - 1.5) * 2 }'
}
