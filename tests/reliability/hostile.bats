#!/usr/bin/env bats
# Hostile paths and processes (issue 21), for every program where the
# class applies: a model, state or property path that is a device, a FIFO
# or a directory; the same file as input and output; stdout closed; a
# signal while a program reads or trains.  Each must end within seconds,
# with a defined status and a message, and destroy nothing.

load ../helpers/common

setup_file() {
	export R="$BATS_FILE_TMPDIR"
	kdd-gen --seed 1 --count 2000 --start 2026-11-21T00:00:00Z >"$R/kdd"
	ad-train-rf --mode supervised --trees 3 --seed 1 -q -o "$R/kdd.rf" "$R/kdd"
	for i in $(seq 0 299); do
		echo '{"id":"m","ts":'$((1700000000000 + i * 60000))',"value":'$((10 + i % 7))'}'
	done >"$R/series"
	ad-forecast train -q --seed 1 --epochs 1 --hidden 4 --window 5 -o "$R/m.lstm" "$R/series"
	mkfifo "$R/fifo"
}

teardown() {
	# a Kafka test that failed early: closing the pipe stops mockbroker
	exec 9>&- 2>/dev/null || true
}

# within SECONDS CMD...: run CMD, killed (-9) if it takes longer; sets
# status and output like run.
within() {
	local s=$1
	shift
	run --separate-stderr timeout -k 1 "$s" "$@"
	[ "$status" -ne 124 ] && [ "$status" -ne 137 ] || {
		echo "did not end within $s s: $*"
		return 1
	}
}

@test "a model that is /dev/zero, a FIFO or a directory: refused at once, 65 or 66" {
	for m in /dev/zero "$R/fifo"; do
		within 5 ad-score -m "$m" "$R/kdd"
		assert_equal "$status" 65
		[[ "$stderr" == "ad-score: '$m': "*" model"* ]]
		within 5 ad-forecast run -m "$m" "$R/series"
		assert_equal "$status" 65
		[[ "$stderr" == "ad-forecast: '$m': "*" model"* ]]
	done
	within 5 ad-score -m "$R" "$R/kdd"
	assert_equal "$status" 66
	assert_equal "$stderr" "ad-score: cannot open '$R': Is a directory"
	within 5 ad-forecast run -m "$R" "$R/series"
	assert_equal "$status" 66
	assert_equal "$stderr" "ad-forecast: cannot open '$R': Is a directory"
}

@test "-F /dev/zero, a FIFO or a directory: 78, nothing, 66, for every program" {
	for p in ad-alert ad-classify ad-clean ad-plot ad-score ad-stl ad-train-rf kdd-gen; do
		within 5 $p -F /dev/zero
		assert_equal "$status" 78
		assert_equal "$stderr" "$p: '/dev/zero': over 1048576 bytes, not a property file"
		within 5 $p -F "$R"
		assert_equal "$status" 66
		assert_equal "$stderr" "$p: cannot open '$R': Is a directory"
	done
	# a FIFO nobody writes to is an empty property file
	within 5 ad-clean -F "$R/fifo" "$R/kdd"
	assert_success
}

# stop_at SIG SECONDS CMD...: start CMD, send SIG after SECONDS, and wait
# (at most 3 s more); sets status.
stop_at() {
	local sig=$1 after=$2
	shift 2
	"$@" &
	local pid=$!
	sleep "$after"
	kill -"$sig" $pid
	SECONDS=0
	status=0
	wait $pid || status=$?
	[ "$SECONDS" -le 3 ] || {
		echo "$* took $SECONDS s to stop"
		return 1
	}
}

@test "ad-train-rf stopped while reading or growing trees: no model, 143 or 130" {
	# reading: an input that never ends
	mkfifo "$BATS_TEST_TMPDIR/in"
	(cat "$R/kdd"; sleep 20) >"$BATS_TEST_TMPDIR/in" &
	feeder=$!
	stop_at TERM 1 ad-train-rf -q --trees 3 -o "$BATS_TEST_TMPDIR/r.rf" "$BATS_TEST_TMPDIR/in"
	kill $feeder
	assert_equal "$status" 143
	[ ! -e "$BATS_TEST_TMPDIR/r.rf" ]
	# growing: many trees on the real rows
	stop_at INT 1 ad-train-rf -q --threads 1 --trees 100000 -o "$BATS_TEST_TMPDIR/g.rf" "$R/kdd"
	assert_equal "$status" 130
	[ ! -e "$BATS_TEST_TMPDIR/g.rf" ]
	# and an old model in that place stays as it was
	cp "$R/kdd.rf" "$BATS_TEST_TMPDIR/old.rf"
	stop_at TERM 1 ad-train-rf -q --threads 1 --trees 100000 -o "$BATS_TEST_TMPDIR/old.rf" "$R/kdd"
	assert_equal "$status" 143
	cmp "$R/kdd.rf" "$BATS_TEST_TMPDIR/old.rf"
	[ -z "$(ls "$BATS_TEST_TMPDIR" | grep tmp)" ]
}

@test "the same file as input and output is refused (64), and left as it was" {
	T=$BATS_TEST_TMPDIR
	head -50 "$R/kdd" >"$T/x.ndjson"
	cp "$T/x.ndjson" "$T/orig"
	ln -s x.ndjson "$T/link"
	for cmd in "ad-clean -o $T/x.ndjson" "ad-clean --series --step 1m -o $T/link" \
		"ad-stl --period 2 -o $T/x.ndjson" "ad-score -m $R/kdd.rf -o $T/x.ndjson" \
		"ad-alert --field value --above 1 -o $T/x.ndjson" "ad-classify -o $T/x.ndjson" \
		"ad-forecast run -m $R/m.lstm -o $T/x.ndjson" "ad-plot -o $T/x.ndjson" \
		"ad-train-rf -o $T/x.ndjson" "ad-forecast train -o $T/x.ndjson" \
		"ad-clean --reject $T/x.ndjson"; do
		within 5 $cmd "$T/x.ndjson"
		assert_equal "$status" 64
		[[ "$stderr" == *"'$T/x.ndjson' is both an input and an output"* ]] ||
			[[ "$stderr" == *"'$T/link' is both an input and an output"* ]]
		cmp "$T/orig" "$T/x.ndjson"
	done
	# stdout appended to an input (ad-clean x >> x never ended)
	run --separate-stderr timeout -k 1 5 bash -c "ad-clean '$T/x.ndjson' >>'$T/x.ndjson'"
	assert_equal "$status" 64
	assert_equal "$stderr" "ad-clean: '$T/x.ndjson' is both an input and standard output"
	cmp "$T/orig" "$T/x.ndjson"
	# the same data in another file is fine
	within 5 ad-clean -o "$T/y.ndjson" "$T/x.ndjson"
	assert_success
}

@test "a model or state path that is a device, a FIFO or a link is not replaced" {
	T=$BATS_TEST_TMPDIR
	within 20 ad-train-rf -q --trees 2 -o /dev/full "$R/kdd"
	assert_equal "$status" 74
	assert_equal "$stderr" "ad-train-rf: cannot write '/dev/full': No space left on device"
	[ -c /dev/full ]
	within 20 ad-train-rf -q --trees 2 -o "$T" "$R/kdd"
	assert_equal "$status" 73
	[ -d "$T" ]
	# a FIFO with a reader gets the model; without one: 73 at once
	mkfifo "$T/fifo"
	cat "$T/fifo" >"$T/got.rf" &
	within 20 ad-train-rf -q --trees 2 -o "$T/fifo" "$R/kdd"
	assert_success
	wait
	[ -p "$T/fifo" ]
	within 5 ad-score -m "$T/got.rf" "$R/kdd"
	assert_success
	within 20 ad-forecast train -q --epochs 1 --hidden 2 --window 3 -o "$T/fifo" "$R/series"
	assert_equal "$status" 73
	[ -p "$T/fifo" ]
	# a link: the file it names is replaced, the link stays
	ln -s real.rf "$T/link.rf"
	within 20 ad-train-rf -q --trees 2 -o "$T/link.rf" "$R/kdd"
	assert_success
	[ -L "$T/link.rf" ] && [ -f "$T/real.rf" ]
	printf '%s\n' '{"id":"a","value":1}' '{"id":"a","value":2}' >"$T/z"
	ln -s state.json "$T/state-link"
	within 5 ad-score --zscore 3 --state "$T/state-link" "$T/z"
	assert_success
	[ -L "$T/state-link" ] && [ -s "$T/state.json" ]
	within 5 ad-score --zscore 3 --state /dev/full "$T/z"
	assert_equal "$status" 74
	[ -c /dev/full ]
	# a FIFO as state: nothing to load, and no reader to save to
	within 5 ad-score --zscore 3 --state "$T/fifo" "$T/z"
	assert_equal "$status" 73
	assert_equal "$stderr" "ad-score: cannot create '$T/fifo': No such device or address"
	[ -p "$T/fifo" ]
}

@test "stdout closed: 74 at once, and no good record in the --reject file" {
	T=$BATS_TEST_TMPDIR
	head -1000 "$R/kdd" >"$T/in"
	for cmd in "ad-clean" "ad-score -m $R/kdd.rf" "ad-clean --series --step 1m" \
		"ad-stl --period 7" "ad-alert --field value --above 1" "ad-forecast run -m $R/m.lstm" \
		"ad-classify"; do
		rm -f "$T/rej"
		in=$T/in
		[[ "$cmd" == ad-clean || "$cmd" == ad-score* ]] || in=$R/series
		run --separate-stderr timeout -k 1 10 bash -c "$cmd --reject '$T/rej' '$in' >&-"
		assert_equal "$status" 74
		[[ "$stderr" == *"write error"* ]]
		[ ! -s "$T/rej" ] || { echo "$cmd: $(wc -l <"$T/rej") records in --reject"; false; }
	done
	# a program that writes nothing to stdout does not fail for it
	run timeout -k 1 20 bash -c "ad-train-rf -q --trees 2 -o '$T/m.rf' '$T/in' >&-"
	assert_success
	[ -s "$T/m.rf" ]
}

@test "ad-score --zscore: alternating +-1e300 is refused with a reason and the state stays loadable" {
	T=$BATS_TEST_TMPDIR
	for i in 1 2 3 4 5 6; do
		echo '{"id":"a","value":-1e300}'
		echo '{"id":"a","value":1e300}'
	done >"$T/big"
	within 5 ad-score --zscore 3 --state "$T/st" "$T/big"
	assert_equal "$status" 65
	assert_equal "$(grep -c 'value 1e+300 is too far from its key.s values: their variance would overflow' <<<"$stderr")" 6
	assert_equal "$(wc -l <<<"$output")" 6
	[[ "$output" != *'"anomaly":true'* ]]
	assert_equal "$(cat "$T/st")" '{"id":"a","n":6,"mean":-1e+300,"m2":0.0,"lik":[4.0,0.0,0.0,0.0]}'
	# the next run loads it and goes on
	within 5 ad-score --zscore 3 --state "$T/st" <<<'{"id":"a","value":-1e300}'
	assert_success
	assert_output '{"id":"a","value":-1e+300,"score":0.0,"anomaly":false,"z":null}'
}

@test "100,000 single-point keys: memory grows with the points, not with room for 256" {
	[ -z "${ASAN_OPTIONS:-}" ] || skip "ulimit -v leaves no room for AddressSanitizer's shadow memory"
	T=$BATS_TEST_TMPDIR
	awk 'BEGIN { for (i = 0; i < 100000; i++)
		printf "{\"id\":\"k%d\",\"ts\":%d,\"value\":1}\n", i, 1700000040 + i % 7 }' >"$T/keys"
	# each series started with room for 256 points: 700 MB for ad-stl
	for cmd in "ad-stl --period 12" "ad-classify" "ad-forecast train -q --epochs 1 -o $T/f.lstm"; do
		run --separate-stderr bash -c "ulimit -v 300000; $cmd '$T/keys' >/dev/null"
		# 65: every key is too short, said per key; not 71 (out of memory)
		assert_equal "$status" 65
		[[ "$stderr" != *"out of memory"* ]]
	done
}

@test "ad-clean --series --period 1000 --history 1000: single-point keys stay small" {
	[ -z "${ASAN_OPTIONS:-}" ] || skip "ulimit -v leaves no room for AddressSanitizer's shadow memory"
	T=$BATS_TEST_TMPDIR
	awk 'BEGIN { for (i = 0; i < 1000; i++)
		printf "{\"id\":\"k%d\",\"ts\":1700000040000,\"value\":1}\n", i }' >"$T/k"
	# a history ring of 1e6 slots per key was 7.8 GB for these 64 KB
	run --separate-stderr bash -c "ulimit -v 300000; ad-clean --series --step 1m --period 1000 --history 1000 '$T/k' | wc -l"
	assert_success
	assert_output 1000
}

@test "a directory as input: 66 with the reason, for every reader" {
	local -a args
	for p in ad-clean "ad-stl --period 12" ad-classify "ad-train-rf -o $R/d.rf" \
		"ad-alert --above 5" "ad-eval --truth label --positive 1" ad-plot; do
		read -ra args <<<"$p"
		within 5 "${args[@]}" "$R"
		assert_equal "$status" 66
		[[ "$stderr" == *"cannot open '$R': Is a directory"* ]] || {
			echo "$p: $status $stderr"
			return 1
		}
	done
	within 5 ad-score -m "$R/kdd.rf" "$R"
	assert_equal "$status" 66
	within 5 ad-forecast run -m "$R/m.lstm" "$R"
	assert_equal "$status" 66
}

@test "integers beyond 2^63 are numbers (doubles); NUL in a string is named" {
	printf '%s\n' \
		'{"id":"a","ts":"2026-01-01T00:00:00Z","value":18446744073709551616}' \
		'{"id":"a","ts":"2026-01-01T00:00:01Z","value":-9223372036854775809,"s":"9223372036854775808\"99999999999999999999"}' \
		'{"id":"a","ts":"2026-01-01T00:00:02Z","value":9223372036854775807}' >"$R/big"
	within 5 ad-clean --series --step 1s "$R/big"
	assert_success
	# 2^64 and -(2^63)-1 as doubles (within one ulp); int64 max stays exact;
	# a digit string inside a string is not touched
	run jq -c '[.value]' <<<"$output"
	assert_equal "${lines[0]}" '[18446744073709552000]'
	assert_equal "${lines[1]}" '[-9223372036854776000]'
	within 5 ad-clean --series --step 1s "$R/big"
	[[ "${lines[2]}" == *'"value":9223372036854775807}' ]]
	within 5 ad-clean "$R/big"
	[[ "$stderr" != *"too big"* ]]
	printf '{"id":"a","ts":1,"value":"a\\u0000b"}\n' >"$R/nul"
	within 5 ad-clean --series --step 1s "$R/nul"
	assert_equal "$status" 65
	assert_equal "$stderr" "ad-clean: $R/nul:1: invalid JSON at column 35: NUL character in a string (\\u0000)"
}

@test "Kafka: a record larger than message.max.bytes is 65 with the broker's reason" {
	H=${ADPIPE_BUILD:-$TOP/build}/helpers
	[ -x "$H/mockbroker" ] || skip "mockbroker helper not built"
	rm -f "$R/ctl" "$R/addr"
	mkfifo "$R/ctl"
	"$H/mockbroker" t:1 <"$R/ctl" >"$R/addr" &
	exec 9>"$R/ctl"
	for i in $(seq 50); do [ -s "$R/addr" ] && break; sleep 0.2; done
	brk=$(head -n 1 "$R/addr")
	printf '{"id":"a","ts":1,"value":1,"pad":"%05000d"}\n' 0 >"$R/large"
	within 20 ad-clean --series --step 1s -X message.max.bytes=2000 \
		-o "kafka://$brk/t" "$R/large"
	exec 9>&-
	assert_equal "$status" 65
	[[ "$stderr" == "ad-clean: kafka: 'kafka://"*"/t': Broker: Message size too large" ]]
}

@test "ad-alert --report --window 1h --slide 1s: 1,000 single-point keys stay small" {
	T=$BATS_TEST_TMPDIR
	awk 'BEGIN { for (i = 0; i < 1000; i++)
		printf "{\"id\":\"k%d\",\"ts\":1700000040000,\"value\":%d,\"anomaly\":true}\n", i, i }' >"$T/k"
	# a summary for each of the 3,600 windows a point falls in was
	# allocated per key: 262 MB for these 1,000 points
	lim=""
	[ -n "${ASAN_OPTIONS:-}" ] || lim="ulimit -v 150000;"
	# 3,600 windows hold each key's point, each with one record
	run --separate-stderr bash -c "$lim ad-alert --report --window 1h --slide 1s '$T/k' | sed 's/\"start\":[0-9]*,\"end\":[0-9]*,//' | sort | uniq -c"
	assert_success
	assert_equal "$(wc -l <<<"$output")" 1000
	assert_line --partial '3600 {"report":"report","id":"k7","records":1,"count":1,"max":7,"max_all":7,"mean":7,"late":0}'
	assert_line --partial '3600 {"report":"report","id":"k999","records":1,"count":1,"max":999,"max_all":999,"mean":999,"late":0}'
}

@test "ad-alert --change 50% --vs 1d: 100,000 single-point keys stay small" {
	T=$BATS_TEST_TMPDIR
	awk 'BEGIN { for (i = 0; i < 100000; i++)
		printf "{\"id\":\"k%d\",\"ts\":1700000040,\"value\":1}\n", i;
		# k1 again one day later, 3 times the value: a +200% change
		printf "{\"id\":\"k1\",\"ts\":1700086440,\"value\":3}\n" }' >"$T/k"
	# a 1,442-slot history per key was 6.8 GB for these 100,000 points
	lim=""
	[ -n "${ASAN_OPTIONS:-}" ] || lim="ulimit -v 600000;"
	run --separate-stderr bash -c "$lim ad-alert --change 50% --vs 1d --max-keys 1000000 '$T/k'"
	assert_success
	assert_equal "$(wc -l <<<"$output")" 1
	assert_equal "$(jq -r '[.id, .status, .max, .evidence[0]] | @tsv' <<<"$output")" "k1	firing	3	1700000040"
}

@test "ad-clean --dedup-window 1000000000: memory follows the values, not the window" {
	T=$BATS_TEST_TMPDIR
	kdd-gen --seed 3 --count 2000 --start 2026-11-21T00:00:00Z >"$T/in"
	head -n 500 "$T/in" >>"$T/in"
	# the ring and index for 10^9 values were allocated at start: 56 GB
	lim=""
	[ -n "${ASAN_OPTIONS:-}" ] || lim="ulimit -v 300000;"
	run --separate-stderr bash -c "$lim ad-clean --dedup uuid --dedup-window 1000000000 '$T/in' | jq -r .uuid | sort | uniq -d | wc -l; $lim ad-clean --dedup uuid --dedup-window 1000000000 '$T/in' | wc -l"
	assert_success
	# the 500 repeated records are dropped, the 2,000 distinct ones kept
	assert_equal "${lines[0]}" 0
	assert_equal "${lines[1]}" "$(jq -r .uuid "$T/in" | sort -u | wc -l)"
}

@test "-X or -F bootstrap.servers (even empty): 78, the brokers are the URI's" {
	printf 'bootstrap.servers=\n' >"$R/props"
	for p in "-X bootstrap.servers=" "-X bootstrap.servers=127.0.0.1:2" \
		"-X metadata.broker.list=127.0.0.1:2" "-F $R/props"; do
		set -- $p
		within 10 ad-clean "$@" -o kafka://127.0.0.1:1/t "$R/kdd"
		assert_equal "$status" 78
		[[ "$stderr" == "ad-clean: kafka: '"*"': the brokers are set by the URI (kafka://brokers/topic), not by a property" ]]
		within 10 ad-score -e "$@" -m "$R/kdd.rf" kafka://127.0.0.1:1/t
		assert_equal "$status" 78
		[[ "$stderr" == "ad-score: kafka: '"*"': the brokers are set by the URI (kafka://brokers/topic), not by a property" ]]
	done
	assert_equal "$stderr" "ad-score: kafka: 'bootstrap.servers=': the brokers are set by the URI (kafka://brokers/topic), not by a property"
}

# gz_bad DIR X K: DIR/bad.gz, a sound member of the first three records of
# DIR/kdd, then one of the rest repeated X times (X=5: over the 8 MiB held
# in memory) whose trailer has its CRC (K=0) or length (K=4) altered.
gz_bad() {
	python3 - "$@" <<-'PY'
		import gzip, sys
		d, x, k = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
		lines = open(d + "/kdd", "rb").read().splitlines(True)
		bad = bytearray(gzip.compress(b"".join(lines[3:]) * x))
		bad[len(bad) - 8 + k] ^= 0x5A
		good = gzip.compress(b"".join(lines[:3]))
		open(d + "/bad.gz", "wb").write(good + bytes(bad))
	PY
}

@test "a gzip member whose CRC or length is wrong: none of its records is written, 65" {
	head -n 3 "$R/kdd" >"$R/kdd3"
	ad-clean "$R/kdd3" >"$R/want"
	assert_equal "$(wc -l <"$R/want")" 3
	for x in 1 5; do
		for k in 0 4; do
			gz_bad "$R" $x $k
			what="incorrect data check"
			[ $k = 0 ] || what="incorrect length check"
			within 20 ad-clean -o "$R/out" "$R/bad.gz"
			assert_equal "$status" 65
			assert_equal "$stderr" "ad-clean: $R/bad.gz:4: corrupt compressed data: $what"
			cmp "$R/want" "$R/out"
			# the same through a pipe
			within 20 sh -c 'cat "$1" | ad-clean -o "$2"' sh "$R/bad.gz" "$R/out"
			assert_equal "$status" 65
			assert_equal "$stderr" "ad-clean: <stdin>:4: corrupt compressed data: $what"
			cmp "$R/want" "$R/out"
		done
	done
}

@test "a piped gzip member over the 8 MiB held in memory is read whole; an unusable TMPDIR is 74" {
	for i in 1 2 3 4 5; do cat "$R/kdd"; done >"$R/kdd5"
	[ "$(wc -c <"$R/kdd5")" -gt $((8 << 20)) ]
	gzip -c "$R/kdd5" >"$R/kdd5.gz"
	ad-clean "$R/kdd5" >"$R/want"
	assert_equal "$(wc -l <"$R/want")" 10000
	mkdir -p "$R/tmp"
	for src in file pipe; do
		if [ $src = file ]; then
			within 30 env TMPDIR="$R/tmp" ad-clean -o "$R/out" "$R/kdd5.gz"
		else
			within 30 sh -c 'cat "$1" | TMPDIR="$2" ad-clean -o "$3"' sh "$R/kdd5.gz" "$R/tmp" "$R/out"
		fi
		assert_success
		assert_equal "$stderr" ""
		cmp "$R/want" "$R/out"
		# the temporary file was never linked, or is gone
		assert_equal "$(ls -A "$R/tmp")" ""
	done
	# no temporary file can be made: 74 with the reason, after the
	# records of the members before
	gz_bad "$R" 5 0
	within 20 sh -c 'cat "$1" | TMPDIR="$2" ad-clean -o "$3"' sh "$R/bad.gz" "$R/none" "$R/out"
	assert_equal "$status" 74
	assert_equal "$stderr" "ad-clean: <stdin>:4: cannot hold a gzip member over 8 MiB until its trailer is checked: temporary file in '$R/none': No such file or directory"
	head -n 3 "$R/kdd" | ad-clean | cmp - "$R/out"
	# TMPDIR a regular file
	within 20 env TMPDIR="$R/kdd" ad-clean -o "$R/out" "$R/kdd5.gz"
	assert_equal "$status" 74
	assert_equal "$stderr" "ad-clean: $R/kdd5.gz:1: cannot hold a gzip member over 8 MiB until its trailer is checked: temporary file in '$R/kdd': Not a directory"
	assert_equal "$(wc -c <"$R/out")" 0
}
