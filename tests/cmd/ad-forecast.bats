#!/usr/bin/env bats
# ad-forecast: train (per key, shared, report, determinism) and run (the
# tolerance queue, scores, keys without a model, stale points, hot reload),
# the model file checks, and the usual command-line contract.

load ../helpers/common

# Small and quick: 400 points per key, 0.2 s of training.
SMALL="--window 12 --hidden 16 --epochs 60 --batch 16 --lr 0.02"

setup() {
	T=$BATS_TEST_TMPDIR
	F=$FIXTURES/forecast
	G=$GOLDEN/ad-forecast
}

model() {
	[ -f "$T/m.lstm" ] || ad-forecast train $SMALL -s 1 -o "$T/m.lstm" "$F/series.ndjson"
}

# A model container of the given kind around the payload on stdin.
container() {
	python3 -c '
import struct, sys, zlib
kind, payload = sys.argv[1].encode(), sys.stdin.buffer.read()
head = b"ADPIPEMF" + struct.pack("<I", 1) + kind.ljust(16, b"\0") + struct.pack("<Q", len(payload))
body = head + payload
sys.stdout.buffer.write(body + struct.pack("<I", zlib.crc32(body)))' "$1"
}

@test "--help prints the synopsis on stdout and exits 0" {
	run --separate-stderr ad-forecast --help
	assert_success
	assert_line --index 0 "usage: ad-forecast train [-ehqVv] [-F file] [-m model] -o model [-s seed]"
	assert_output --partial "--abs-tolerance x"
	assert_equal "$stderr" ""
	run ad-forecast run -h
	assert_success
	assert_line --index 0 --partial "usage: ad-forecast run"
}

@test "--version prints the version" {
	run ad-forecast --version
	assert_success
	assert_output "ad-forecast 0.1.0"
	run ad-forecast train -V
	assert_output "ad-forecast 0.1.0"
}

@test "usage errors exit 64 with the problem and the synopsis on stderr" {
	run --separate-stderr ad-forecast run --bogus -m x
	assert_equal "$status" 64
	assert_equal "$output" ""
	[[ "$stderr" == *"unrecognized option '--bogus'"* ]]
	[[ "$stderr" == *"usage: ad-forecast run"* ]]
	run ad-forecast
	assert_equal "$status" 64
	assert_line --index 0 "ad-forecast: a command is needed: train or run"
	run ad-forecast fit
	assert_equal "$status" 64
	assert_line --index 0 "ad-forecast: unknown command 'fit'"
	run ad-forecast train "$F/series.ndjson"
	assert_equal "$status" 64
	assert_line --index 0 "ad-forecast: train needs -o model"
	run ad-forecast run "$F/series.ndjson"
	assert_equal "$status" 64
	assert_line --index 0 "ad-forecast: run needs -m model"
	run ad-forecast train --window 0 -o "$T/m" "$F/series.ndjson"
	assert_equal "$status" 64
	assert_line --index 0 "ad-forecast: --window: 0 is out of range [1, 100000]"
	run ad-forecast train --lr fast -o "$T/m" "$F/series.ndjson"
	assert_equal "$status" 64
	assert_line --index 0 "ad-forecast: --lr: 'fast' is not a number"
	run ad-forecast run --tolerance 0.1 --epochs 3 -m "$T/m"
	assert_equal "$status" 64
	assert_line --index 0 "ad-forecast: option '--epochs' is not for 'run'"
	run ad-forecast train --horizon 2 -o "$T/m" "$F/series.ndjson"
	assert_equal "$status" 64
	assert_line --index 0 "ad-forecast: option '--horizon' is not for 'train'"
}

@test "missing input or model file: 66" {
	run ad-forecast train -o "$T/m" "$T/absent.ndjson"
	assert_equal "$status" 66
	assert_line --index 0 "ad-forecast: cannot open '$T/absent.ndjson': No such file or directory"
	[ ! -e "$T/m" ]
	run ad-forecast run -m "$T/absent.lstm" "$F/series.ndjson"
	assert_equal "$status" 66
	assert_output "ad-forecast: cannot open '$T/absent.lstm': No such file or directory"
}

@test "bad records: exact messages, skipped, counted, exit 65, dead-lettered" {
	model
	{
		head -n 40 "$F/series.ndjson"
		echo '{"id":"web","ts":1700012000000,"value":"high"}'
		echo '{"id":"web","ts":1700012000000}'
		echo '{"id":"web","ts":"yesterday","value":1}'
		echo '{"id":["web"],"value":1}'
		echo '{"id":"web","value":1'
	} > "$T/in"
	run --separate-stderr ad-forecast run -m "$T/m.lstm" --reject "$T/dead" "$T/in"
	assert_equal "$status" 65
	assert_equal "${stderr_lines[0]}" "ad-forecast: $T/in:41: field 'value' is not a number"
	assert_equal "${stderr_lines[1]}" "ad-forecast: $T/in:42: missing field 'value'"
	[[ "${stderr_lines[2]}" == "ad-forecast: $T/in:43: field 'ts': "* ]]
	assert_equal "${stderr_lines[3]}" "ad-forecast: $T/in:44: field 'id' is not a string or a number"
	[[ "${stderr_lines[4]}" == "ad-forecast: $T/in:45: invalid JSON"* ]]
	assert_equal "${#lines[@]}" 40
	assert_equal "$(wc -l < "$T/dead")" 5
	run ad-forecast train $SMALL -o "$T/m2" "$T/in"
	assert_equal "$status" 65
	[ -s "$T/m2" ]
}

@test "--strict stops at the first bad record" {
	model
	{ head -n 3 "$F/series.ndjson"; echo '{"id":"web"}'; head -n 5 "$F/series.ndjson"; } > "$T/in"
	run --separate-stderr ad-forecast run --strict -m "$T/m.lstm" "$T/in"
	assert_equal "$status" 65
	assert_equal "${#lines[@]}" 3
}

@test "a full disk is an I/O error (74)" {
	model
	run bash -c "ad-forecast run -m '$T/m.lstm' '$F/series.ndjson' > /dev/full"
	assert_equal "$status" 74
	assert_output --partial "ad-forecast: write error on '<stdout>': No space left on device"
	run ad-forecast train $SMALL --epochs 1 --report /dev/full -o "$T/m3" "$F/series.ndjson"
	assert_equal "$status" 74
	assert_output "ad-forecast: cannot write '/dev/full': No space left on device"
}

@test "a model that cannot be created: 73, nothing left behind" {
	run ad-forecast train $SMALL --epochs 1 -o "$T/no/such/dir/m" "$F/series.ndjson"
	assert_equal "$status" 73
	assert_output --partial "ad-forecast: cannot create '$T/no/such/dir/m'"
}

@test "corrupt, truncated, foreign and wrong-kind models: 65 with the reason" {
	model
	head -c 200 "$T/m.lstm" > "$T/trunc"
	run ad-forecast run -m "$T/trunc" "$F/series.ndjson"
	assert_equal "$status" 65
	assert_output --partial "ad-forecast: '$T/trunc': truncated or padded model"
	cp "$T/m.lstm" "$T/flip"
	printf 'X' | dd of="$T/flip" bs=1 seek=500 conv=notrunc 2> /dev/null
	run ad-forecast run -m "$T/flip" "$F/series.ndjson"
	assert_equal "$status" 65
	assert_output "ad-forecast: '$T/flip': checksum mismatch, corrupt model"
	run ad-forecast run -m "$F/series.ndjson" "$F/series.ndjson"
	assert_equal "$status" 65
	assert_output "ad-forecast: '$F/series.ndjson': not an adpipe model file"
	printf 'trees' | container forest > "$T/forest"
	run ad-forecast run -m "$T/forest" "$F/series.ndjson"
	assert_equal "$status" 65
	assert_output "ad-forecast: '$T/forest': a 'forest' model, expected 'lstm'"
	# a sound container with a payload that does not hold together
	head -c 60 "$T/m.lstm" | tail -c 24 | container lstm > "$T/short"
	run ad-forecast run -m "$T/short" "$F/series.ndjson"
	assert_equal "$status" 65
	assert_output "ad-forecast: '$T/short': corrupt lstm model: bad field names"
	printf '\002\0\0\0' | container lstm > "$T/v2"
	run ad-forecast run -m "$T/v2" "$F/series.ndjson"
	assert_equal "$status" 65
	assert_output "ad-forecast: '$T/v2': lstm model version 2, this program reads 1"
}

@test "golden: train with a seed, run over spikes" {
	model
	ad-forecast run -m "$T/m.lstm" "$F/spiked.ndjson" > "$T/out"
	run diff "$G/run.out" "$T/out"
	assert_success
}

@test "the same seed gives the same bytes on any x86-64: AVX2 clone = baseline code" {
	# build/helpers/ad-forecast-baseline has lib/lstm's baseline code alone,
	# what a CPU without AVX2 runs; this program picks the AVX2 clone where
	# the CPU has it.  Models and forecasts must be byte-identical.
	B=${ADPIPE_BUILD:-$TOP/build}/helpers/ad-forecast-baseline
	[ -x "$B" ] || { echo "$B not built (make tests)"; false; }
	model
	"$B" train $SMALL -s 1 -o "$T/base.lstm" "$F/series.ndjson"
	cmp "$T/m.lstm" "$T/base.lstm"
	ad-forecast run -m "$T/m.lstm" "$F/spiked.ndjson" > "$T/out"
	"$B" run -m "$T/base.lstm" "$F/spiked.ndjson" > "$T/base.out"
	assert_equal "$(wc -l < "$T/out")" 800
	cmp "$T/out" "$T/base.out"
}

@test "the spikes, and only they, are mismatches with a score near 1" {
	model
	run ad-forecast run -m "$T/m.lstm" "$F/spiked.ndjson"
	assert_success
	assert_equal "${#lines[@]}" 800
	# the second spike comes 50 points after the first, in its quiet
	# period of 100 points: its score (1) is scaled by 0.1
	run jq -c 'select(.mismatch) | [.id, .ts, .score]' <<< "$output"
	assert_output "$(printf '%s\n' '["web",1700090000000,1]' '["web",1700105000000,0.1]')"
	# without the quiet, or with one shorter than 50 points, both score 1
	for s in 0 49; do
		run sh -c "ad-forecast run --suppress $s -m '$T/m.lstm' '$F/spiked.ndjson' | jq -c 'select(.mismatch) | [.id, .ts, .score > 0.999]'"
		assert_output "$(printf '%s\n' '["web",1700090000000,true]' '["web",1700105000000,true]')"
	done
	run sh -c "ad-forecast run --suppress 50 -m '$T/m.lstm' '$F/spiked.ndjson' | jq -c 'select(.mismatch) | .score'"
	assert_output "$(printf '%s\n' 1 0.1)"
	# the spike did not enter the window: the next forecast is ordinary
	run bash -c "ad-forecast run -m '$T/m.lstm' '$F/spiked.ndjson' | jq -c 'select(.id == \"web\" and .ts == 1700090300000) | (.error | fabs) < 2'"
	assert_output "true"
	# warm-up: no forecast for the first 12 points of each key
	run bash -c "ad-forecast run -m '$T/m.lstm' '$F/spiked.ndjson' | jq -c 'select(.forecast == null)' | wc -l"
	assert_output "24"
	# scores are in [0,1], all 800 of them; fields come after the input's, in order
	run ad-forecast run -m "$T/m.lstm" "$F/spiked.ndjson"
	assert_success
	assert_equal "$(jq -s 'map(select(.score >= 0 and .score <= 1)) | length' <<< "$output")" 800
	run bash -c "ad-forecast run -m '$T/m.lstm' '$F/spiked.ndjson' | sed -n 200p"
	assert_output --regexp '^\{"id":"db","ts":[0-9]+,"value":[0-9.]+,"host":"h1","forecast":[0-9.e-]+,"error":[0-9.e-]+,"mismatch":false,"score":[0-9.e-]+\}$'
}

@test "train is deterministic: same seed, any threads, same model bytes" {
	ad-forecast train $SMALL --batch 64 -s 7 --threads 1 -o "$T/a" "$F/series.ndjson"
	ad-forecast train $SMALL --batch 64 -s 7 --threads 3 -o "$T/b" "$F/series.ndjson"
	cmp "$T/a" "$T/b"
	ad-forecast train $SMALL -s 8 -o "$T/c" "$F/series.ndjson"
	! cmp -s "$T/a" "$T/c"
}

@test "--report: settings, losses per epoch, per-key validation" {
	run ad-forecast train $SMALL -s 1 --report "$T/r.json" -o "$T/m" "$F/series.ndjson"
	assert_success
	run jq -c '[.window, .hidden, .epochs, .shared, (.models | length), (.models[0].loss | length), .models[0].keys, .models[0].train_windows, .models[0].val_windows]' "$T/r.json"
	assert_output '[12,16,60,false,2,60,["db"],308,80]'
	# the loss falls, and the validation RMSE is far below the series' spread
	run jq -c '[.models[].loss | (.[-1].train < .[0].train)], [.keys[] | .val_rmse < 0.5]' "$T/r.json"
	assert_output "$(printf '%s\n' '[true,true]' '[true,true]')"
}

@test "train -v prints each epoch's losses and a summary" {
	run --separate-stderr ad-forecast train -v $SMALL --epochs 2 -o "$T/m" "$F/series.ndjson"
	assert_success
	assert_equal "${#stderr_lines[@]}" 5
	[[ "${stderr_lines[0]}" =~ ^"ad-forecast: 'db' epoch 1/2: train loss "[0-9.e-]+", validation loss "[0-9.e-]+$ ]]
	[[ "${stderr_lines[3]}" == "ad-forecast: 'web' epoch 2/2: "* ]]
	assert_equal "${stderr_lines[4]}" "ad-forecast: read 800, rejected 0; trained 2 keys, 2 models"
}

@test "--shared trains one network for all keys" {
	run ad-forecast train $SMALL --shared -s 1 --report - -o "$T/s" "$F/series.ndjson"
	assert_success
	assert_equal "$(jq -c '[.shared, (.models | length), .models[0].keys]' <<< "$output")" '[true,1,["db","web"]]'
	run bash -c "ad-forecast run -m '$T/s' '$F/spiked.ndjson' | jq -c 'select(.mismatch) | .ts'"
	assert_output "$(printf '%s\n' 1700090000000 1700105000000)"
}

@test "keys too short to train on are left out, with a message" {
	{ cat "$F/series.ndjson"; echo '{"id":"tiny","ts":1,"value":3}'; } > "$T/in"
	run --separate-stderr ad-forecast train $SMALL --epochs 1 -o "$T/m" "$T/in"
	assert_success
	assert_equal "$stderr" "ad-forecast: key 'tiny': 1 points, too few to train on"
	run ad-forecast train $SMALL -o "$T/m" <<< '{"id":"tiny","ts":1,"value":3}'
	assert_equal "$status" 65
	assert_line --index 0 "ad-forecast: key 'tiny': 1 points, too few to train on"
	assert_line --index 1 "ad-forecast: no key has enough points to train on (a window of 12 needs at least 13 training points)"
}

@test "keys without a model pass through unchanged, one message per key" {
	model
	{ head -n 4 "$F/series.ndjson"; echo '{"id":"new","value":1}'; echo '{"id":"new","value":2}'; } > "$T/in"
	run --separate-stderr ad-forecast run -m "$T/m.lstm" "$T/in"
	assert_success
	assert_equal "$stderr" "ad-forecast: no model for key 'new': its points pass through"
	assert_equal "${lines[4]}" '{"id":"new","value":1}'
	assert_equal "${lines[5]}" '{"id":"new","value":2}'
	out=$output
	# -q: the same records, and not a word on stderr
	run --separate-stderr ad-forecast run -q -m "$T/m.lstm" "$T/in"
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$output" "$out"
}

@test "stale and duplicate points pass with a null forecast, state untouched" {
	model
	{ grep '"web"' "$F/series.ndjson" | head -n 20; grep '"web"' "$F/series.ndjson" | sed -n 20p; } > "$T/in"
	run --separate-stderr ad-forecast run -v -m "$T/m.lstm" "$T/in"
	assert_success
	assert_equal "$(tail -n 1 <<< "$output" | jq -c '[.forecast, .mismatch]')" "[null,false]"
	[[ "$stderr" == *"stale 1,"* ]]
}

@test "run uses the model's field names unless told otherwise" {
	jq -c '{key: .id, t: .ts, v: .value}' "$F/series.ndjson" > "$T/renamed"
	ad-forecast train $SMALL --id key --time t --field v -o "$T/m" "$T/renamed"
	run bash -c "ad-forecast run -m '$T/m' '$T/renamed' | jq -c 'select(.forecast != null)' | wc -l"
	assert_output "776"
	run ad-forecast run -m "$T/m" --field value "$T/renamed"
	assert_equal "$status" 65
	assert_line --index 0 "ad-forecast: $T/renamed:1: missing field 'value'"
}

@test "--id '' makes every record one series" {
	grep '"db"' "$F/series.ndjson" | jq -c 'del(.id)' > "$T/one"
	ad-forecast train $SMALL --id '' -o "$T/m" "$T/one"
	run bash -c "ad-forecast run -m '$T/m' '$T/one' | jq -c 'select(.mismatch)' | wc -l"
	assert_output "0"
	# one series of 400 points: a forecast for each after the first
	# window of 12, and close (the series spans about 10 units)
	run bash -c "ad-forecast run -m '$T/m' '$T/one' | jq -s -c '[length,
		(map(select(.forecast != null)) | length),
		(map(select(.forecast != null) | (.forecast - .value) | fabs) | add / length < 0.1)]'"
	assert_output "[400,388,true]"
}

@test "a bad model leaves a runaway forecast; --resync brings the real values back" {
	ad-forecast train --window 12 --hidden 4 --epochs 2 -s 1 -o "$T/weak" "$F/series.ndjson"
	run bash -c "ad-forecast run --resync 0 -m '$T/weak' '$F/series.ndjson' | jq -c 'select(.mismatch)' | wc -l"
	never=$output
	run bash -c "ad-forecast run -m '$T/weak' '$F/series.ndjson' -v 2>&1 >/dev/null"
	[[ "$output" == *"resyncs "[1-9]* ]]
	run bash -c "ad-forecast run --resync 3 -m '$T/weak' '$F/series.ndjson' | jq -c 'select(.mismatch)' | wc -l"
	[ "$output" -lt "$never" ]
}

@test "--horizon 2 compares each point with the forecast made two points earlier" {
	model
	run bash -c "ad-forecast run --horizon 2 -m '$T/m.lstm' '$F/spiked.ndjson' | jq -c 'select(.forecast == null)' | wc -l"
	assert_output "26"
	run bash -c "ad-forecast run --horizon 2 -m '$T/m.lstm' '$F/spiked.ndjson' | jq -c 'select(.mismatch) | .ts'"
	assert_output "$(printf '%s\n' 1700090000000 1700105000000)"
}

@test "hot reload: a replaced model is picked up, a broken one refused" {
	model
	ad-forecast train $SMALL -s 2 -o "$T/m2" "$F/series.ndjson"
	cp "$T/m.lstm" "$T/live"
	head -n 300 "$F/series.ndjson" > "$T/p1"
	sed -n 301,500p "$F/series.ndjson" > "$T/p2"
	sed -n '501,$p' "$F/series.ndjson" > "$T/p3"
	# the reader blocks on each fifo until the writer has swapped the model
	mkfifo "$T/f1" "$T/f2"
	(
		sleep 0.5
		cp "$T/m2" "$T/live.new" && mv "$T/live.new" "$T/live"
		: > "$T/f1"
		sleep 0.5
		echo garbage > "$T/live.new" && mv "$T/live.new" "$T/live"
		: > "$T/f2"
	) &
	ad-forecast run -v -m "$T/live" "$T/p1" "$T/f1" "$T/p2" "$T/f2" "$T/p3" > "$T/out" 2> "$T/err"
	wait
	run cat "$T/err"
	assert_line --index 0 "ad-forecast: reloaded '$T/live'"
	assert_line --index 1 "ad-forecast: '$T/live': not an adpipe model file; the old model stays in service"
	[[ "${lines[2]}" == *"reloads 1"* ]]
	assert_equal "$(wc -l < "$T/out")" 800
}

@test "SIGHUP reloads the model even when the file did not change" {
	model
	head -n 10 "$F/series.ndjson" > "$T/p1"
	sed -n 11,20p "$F/series.ndjson" > "$T/p2"
	mkfifo "$T/f1"
	ad-forecast run -v -m "$T/m.lstm" "$T/p1" "$T/f1" "$T/p2" > "$T/out" 2> "$T/err" &
	pid=$!
	sleep 1 # the handler is in place long before: it comes with the model
	kill -HUP "$pid"
	: > "$T/f1"
	wait "$pid"
	run cat "$T/err"
	assert_line --index 0 "ad-forecast: reloaded '$T/m.lstm'"
	assert_equal "$(wc -l < "$T/out")" 20
}

@test "man page EXAMPLES: each one runs" {
	cp "$F/series.ndjson" "$F/spiked.ndjson" "$T/"
	cd "$T"
	mapfile -t ex < <(man_examples ad-forecast)
	assert_equal "${#ex[@]}" 4
	run sh -c "${ex[0]}"
	assert_success
	assert_equal "$(jq -c '[.models[].keys[]]' report.json)" '["db","web"]'
	run sh -c "${ex[1]}"
	assert_success
	assert_equal "$(jq -c '.[0:3]' <<< "$output")" "$(printf '%s\n' '["web",1700090000000,121.7781]' '["web",1700105000000,124.7733]')"
	run sh -c "${ex[2]}"
	assert_success
	assert_output "$(printf '%s\n' 1700090000000 1700105000000)"
	run sh -c "${ex[3]}"
	assert_success
	assert_equal "$(jq -c '[.id, .status, .since]' <<< "$output")" "$(printf '%s\n' '["web","firing",1700090000000]' '["web","firing",1700105000000]')"
}

@test "the groff lint of the man page is clean" {
	run groff -mdoc -ww -z "$TOP/man/ad-forecast.1"
	assert_success
	assert_output ""
}

@test "--val F: the last F of each series is held out for validation" {
	# 400 points per key, window 12: the validation windows are those whose
	# target is in the last 400 F points, the training windows the rest
	# less the first window's 12 inputs
	for v in 0.5:188:200 0.1:348:40; do
		IFS=: read -r f train val <<< "$v"
		run ad-forecast train --window 12 --hidden 4 --epochs 1 --val "$f" -s 1 \
		    --report "$T/r.json" -o "$T/m" "$F/series.ndjson"
		assert_success
		run jq -c '[.models[0].train_windows, .models[0].val_windows]' "$T/r.json"
		assert_output "[$train,$val]"
	done
}
