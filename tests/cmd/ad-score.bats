#!/usr/bin/env bats
# ad-score: scores from forest models (with hot reload) and running z-scores.

load ../helpers/common

setup_file() {
	export MODELS=$BATS_FILE_TMPDIR
	ad-train-rf -s 3 --trees 20 -o "$MODELS/g.rf" "$FIXTURES/forest/train.ndjson"
	ad-train-rf -s 3 --trees 5 -o "$MODELS/A.rf" "$FIXTURES/forest/train.ndjson"
	ad-train-rf -s 3 --trees 5 --normal smurf. -o "$MODELS/B.rf" "$FIXTURES/forest/train.ndjson"
}

setup() {
	T=$BATS_TEST_TMPDIR
	TRAIN="$FIXTURES/forest/train.ndjson"
	SCORE="$FIXTURES/forest/score.ndjson"
	METRICS="$FIXTURES/forest/metrics.ndjson"
	G="$GOLDEN/ad-score"
}

@test "--help prints the synopsis on stdout and exits 0" {
	run ad-score --help
	assert_success
	assert_line --index 0 "usage: ad-score [-ehqVv] [-F file] [-m model] [-o dest] [-X name=value]"
	assert_output --partial "--zscore k"
}

@test "--version prints the version" {
	run ad-score --version
	assert_success
	assert_output "ad-score 0.1.0"
}

@test "usage errors exit 64 with usage on stderr" {
	run --separate-stderr ad-score --bogus -m "$MODELS/g.rf"
	assert_equal "$status" 64
	assert_equal "$output" ""
	[[ "$stderr" == *"usage: ad-score"* ]]
	run ad-score
	assert_equal "$status" 64
	assert_line --index 0 "ad-score: no model: give -m model or --zscore k"
	run ad-score -m "$MODELS/g.rf" --zscore 3
	assert_equal "$status" 64
	assert_line --index 0 "ad-score: give -m model or --zscore k, not both"
	run ad-score -m "$MODELS/g.rf" --explain 0
	assert_equal "$status" 64
	assert_line --index 0 "ad-score: --explain: 0 is out of range [1, 1000]"
	run ad-score --zscore many
	assert_equal "$status" 64
}

@test "a missing model or input exits 66" {
	run ad-score -m "$T/nope.rf" "$SCORE"
	assert_equal "$status" 66
	assert_output "ad-score: cannot open '$T/nope.rf': No such file or directory"
	run ad-score -m "$MODELS/g.rf" "$T/nope.ndjson"
	assert_equal "$status" 66
	assert_output "ad-score: cannot open '$T/nope.ndjson': No such file or directory"
}

@test "truncated, corrupt and foreign model files are refused with 65" {
	head -c 300 "$MODELS/g.rf" > "$T/trunc.rf"
	run ad-score -m "$T/trunc.rf" "$SCORE"
	assert_equal "$status" 65
	assert_output --regexp "^ad-score: '$T/trunc.rf': truncated or padded model \(300 bytes, expected [0-9]+\)$"
	cp "$MODELS/g.rf" "$T/flip.rf"
	printf '\377' | dd of="$T/flip.rf" bs=1 seek=2000 conv=notrunc 2>/dev/null
	run ad-score -m "$T/flip.rf" "$SCORE"
	assert_equal "$status" 65
	assert_output --partial "ad-score: '$T/flip.rf': "
	echo 'not a model' > "$T/text.rf"
	run ad-score -m "$T/text.rf" "$SCORE"
	assert_equal "$status" 65
	assert_output "ad-score: '$T/text.rf': not an adpipe model file"
	# a valid container of another kind, checksum and all
	python3 -c '
import struct, sys, zlib
p = b"hello"
h = b"ADPIPEMF" + struct.pack("<I", 1) + b"lstm".ljust(16, b"\0") + struct.pack("<Q", len(p)) + p
sys.stdout.buffer.write(h + struct.pack("<I", zlib.crc32(h)))' > "$T/lstm.model"
	run ad-score -m "$T/lstm.model" "$SCORE"
	assert_equal "$status" 65
	assert_output --partial "lstm"
	# right kind and checksum, garbage payload
	python3 -c '
import struct, sys, zlib
p = struct.pack("<I", 1) + b"\7" * 40
h = b"ADPIPEMF" + struct.pack("<I", 1) + b"forest".ljust(16, b"\0") + struct.pack("<Q", len(p)) + p
sys.stdout.buffer.write(h + struct.pack("<I", zlib.crc32(h)))' > "$T/garbage.rf"
	run ad-score -m "$T/garbage.rf" "$SCORE"
	assert_equal "$status" 65
	assert_output "ad-score: '$T/garbage.rf': corrupt forest model"
	python3 -c '
import struct, sys, zlib
p = struct.pack("<I", 5) + b"\0" * 40
h = b"ADPIPEMF" + struct.pack("<I", 1) + b"forest".ljust(16, b"\0") + struct.pack("<Q", len(p)) + p
sys.stdout.buffer.write(h + struct.pack("<I", zlib.crc32(h)))' > "$T/v5.rf"
	run ad-score -m "$T/v5.rf" "$SCORE"
	assert_equal "$status" 65
	assert_output "ad-score: '$T/v5.rf': unsupported forest model version 5 (this program reads versions 1 to 4)"
}

@test "golden: scores for the fixture records" {
	run ad-score -m "$MODELS/g.rf" "$SCORE"
	assert_success
	assert_output "$(cat "$G/score.out")"
	# beside the snapshot, the labels: every one of the 16 ordinary
	# records (no .note) gets the verdict its label says
	assert_equal "$(jq -c 'select(.note == null) | .anomaly == (.label != "normal.")' <<< "$output" | sort | uniq -c | xargs)" "16 true"
}

@test "golden: --anomalies --explain 3" {
	run ad-score -m "$MODELS/g.rf" --anomalies --explain 3 "$SCORE"
	assert_success
	assert_output "$(cat "$G/explain.out")"
}

@test "golden: --info" {
	run sh -c "ad-score --info '$MODELS/g.rf' | jq -c 'del(.created)'"
	assert_success
	assert_output "$(cat "$G/info.out")"
	run sh -c "ad-score --info -m '$MODELS/g.rf' | jq -r .created"
	assert_output --regexp '^20[0-9-]{8}T[0-9:]{8}Z$'
}

@test "fields are appended, input order kept; existing score fields are replaced" {
	echo '{"b":1,"src_bytes":5,"a":"x"}' | ad-score -m "$MODELS/g.rf" > "$T/o"
	run jq -c 'keys_unsorted' "$T/o"
	assert_output '["b","src_bytes","a","score","anomaly"]'
	echo '{"score":7,"src_bytes":5,"anomaly":"yes"}' | ad-score -m "$MODELS/g.rf" > "$T/o"
	run jq -c '[keys_unsorted, (.score <= 1), (.anomaly | type)]' "$T/o"
	assert_output '[["src_bytes","score","anomaly"],true,"boolean"]'
	echo '{}' | ad-score -m "$MODELS/g.rf" > "$T/o"
	run jq -c 'keys_unsorted' "$T/o"
	assert_output '["score","anomaly"]'
}

@test "missing, mistyped and unknown features are scored by the model's rule" {
	run sh -c "tail -4 '$SCORE' | ad-score -m '$MODELS/g.rf' | jq -c '[.note, (.score >= 0 and .score <= 1)]'"
	assert_success
	assert_line --index 0 '["unknown service",true]'
	assert_line --index 1 '["no byte counts",true]'
	assert_line --index 2 '["mistyped",true]'
	assert_line --index 3 '["café été",true]'
}

@test "the fast path and the jansson path agree" {
	# the same records, once plain and once with an escape forcing jansson
	head -16 "$SCORE" | ad-score -m "$MODELS/g.rf" --explain 2 | jq -c 'del(.x)' > "$T/fast"
	head -16 "$SCORE" | sed 's/^{/{"x":"\\u00e9",/' | ad-score -m "$MODELS/g.rf" --explain 2 | jq -c 'del(.x)' > "$T/slow"
	cmp "$T/fast" "$T/slow"
	# and both are the scores of the golden run, two reasons each
	assert_equal "$(jq -c '[.score, .anomaly, (.why | length)]' "$T/fast")" \
		"$(head -16 "$G/score.out" | jq -c '[.score, .anomaly, 2]')"
	# independently of the golden file: the verdicts are the labels'
	assert_equal "$(jq -c '.anomaly == (.label != "normal.")' "$T/fast" | sort -u)" true
}

@test "--threshold and --anomalies" {
	run sh -c "ad-score -m '$MODELS/g.rf' --threshold 0 '$SCORE' | jq -s 'map(select(.anomaly)) | length'"
	assert_output 20
	run sh -c "ad-score -m '$MODELS/g.rf' --threshold 2 '$SCORE' | jq -s 'map(select(.anomaly)) | length'"
	assert_output 0
	run sh -c "ad-score -m '$MODELS/g.rf' --anomalies '$SCORE' | jq -s 'map(.anomaly) | unique'"
	assert_output "$(printf '[\n  true\n]')"
}

@test "multi-class models add class and probability" {
	printf 'smurf dos\nneptune dos\nteardrop dos\nipsweep probe\nportsweep probe\nsatan probe\n' > "$T/classes"
	ad-train-rf --trees 10 --classes "$T/classes" -o "$T/m.rf" "$TRAIN"
	run sh -c "ad-score -m '$T/m.rf' '$SCORE' | jq -c 'select(.label == \"neptune.\") | [.class, (.probability > 0.5), (.score > 0.5)]' | sort -u"
	assert_output '["dos",true,true]'
}

@test "bad records: file:line and reason, counted, the rest scored, exit 65" {
	{ head -2 "$SCORE"; echo '{"duration":'; echo '[1,2]'; tail -2 "$SCORE"; } > "$T/bad.ndjson"
	run --separate-stderr ad-score -m "$MODELS/g.rf" --reject "$T/rej" "$T/bad.ndjson"
	assert_equal "$status" 65
	assert_equal "${stderr_lines[0]}" "ad-score: $T/bad.ndjson:3: invalid JSON at column 12: unexpected token near end of file"
	assert_equal "${stderr_lines[1]}" "ad-score: $T/bad.ndjson:4: expected a JSON object, got an array"
	assert_equal "${#lines[@]}" 4
	run wc -l < "$T/rej"
	assert_output 2
}

@test "a failed write (/dev/full) exits 74" {
	run ad-score -m "$MODELS/g.rf" "$SCORE" -o /dev/full
	assert_equal "$status" 74
	run sh -c "ad-score -m '$MODELS/g.rf' '$SCORE' > /dev/full"
	assert_equal "$status" 74
}

# bursts bigger than the reader's buffer, so that the first is scored
# before the model is swapped and the second after
burst() {
	for _ in $(seq 1500); do grep -m1 '"normal\."' "$TRAIN"; done
}

# metric FILE NAME: the value of adpipe_NAME in a --metrics file.
metric() {
	awk -v n="adpipe_$2{" 'index($0, n) == 1 { printf "%.15g\n", $2 }' "$1"
}

@test "hot reload: replacing the model under a running scorer changes the scores" {
	cp "$MODELS/A.rf" "$T/cur.rf"
	mkfifo "$T/in"
	ad-score -v -m "$T/cur.rf" --metrics "$T/m.prom" < "$T/in" > "$T/out" 2> "$T/err" &
	pid=$!
	exec 7> "$T/in"
	burst >&7
	sleep 1
	cp "$MODELS/B.rf" "$T/new.rf" && mv "$T/new.rf" "$T/cur.rf"
	sleep 0.5
	burst >&7
	exec 7>&-
	wait "$pid"
	run sh -c "head -1 '$T/out' | jq .score"
	assert_output 0
	run sh -c "tail -1 '$T/out' | jq .score"
	assert_output 1
	run grep -c reloaded "$T/err"
	assert_output 1
	# --metrics: one reload, the model in service loaded after the start
	assert_equal "$(metric "$T/m.prom" model_reloads_total)" 1
	age=$(metric "$T/m.prom" model_age_seconds)
	[ "${age%.*}" -ge 0 ] && [ "${age%.*}" -lt 60 ]
}

@test "hot reload: a broken new model is rejected and the old one stays" {
	cp "$MODELS/A.rf" "$T/cur.rf"
	mkfifo "$T/in"
	ad-score -m "$T/cur.rf" --metrics "$T/m.prom" < "$T/in" > "$T/out" 2> "$T/err" &
	pid=$!
	exec 7> "$T/in"
	burst >&7
	sleep 1
	head -c 500 "$MODELS/B.rf" > "$T/new.rf" && mv "$T/new.rf" "$T/cur.rf"
	sleep 0.5
	burst >&7
	exec 7>&-
	wait "$pid"
	run sh -c "jq .score '$T/out' | sort -u"
	assert_output 0
	run cat "$T/err"
	assert_output --regexp "^ad-score: '$T/cur.rf': truncated or padded model \(500 bytes, expected [0-9]+\); keeping the previous model$"
	# a reload that failed is not counted
	assert_equal "$(metric "$T/m.prom" model_reloads_total)" 0
}

@test "hot reload on SIGHUP" {
	cp "$MODELS/A.rf" "$T/cur.rf"
	mkfifo "$T/in"
	ad-score -v -m "$T/cur.rf" < "$T/in" > "$T/out" 2> "$T/err" &
	pid=$!
	exec 7> "$T/in"
	burst >&7
	sleep 1
	kill -HUP "$pid"
	sleep 0.2
	burst >&7
	exec 7>&-
	wait "$pid"
	run grep -c "reloaded '$T/cur.rf'" "$T/err"
	assert_output 1
}

@test "golden: --zscore two-sided and one-sided" {
	run ad-score --zscore 3 "$METRICS"
	assert_success
	assert_output "$(cat "$G/zscore.out")"
	run ad-score --zscore 3 --one-sided "$METRICS"
	assert_output "$(cat "$G/zscore-one-sided.out")"
}

@test "--zscore --anomalies passes exactly the anomalous records" {
	# a steady key with two spikes: 10 11 10 11 ... then 40, and again
	awk 'BEGIN { for (i = 0; i < 30; i++) printf "{\"id\":\"a\",\"value\":%d}\n", (i == 12 || i == 25) ? 40 : 10 + i % 2 }' > "$T/spikes.ndjson"
	run ad-score --zscore 3 --anomalies "$T/spikes.ndjson"
	assert_success
	assert_equal "${#lines[@]}" 2
	run jq -c '[.value, .anomaly]' <<< "$output"
	assert_output "$(printf '[40,true]\n[40,true]')"
	# the same as the flagged records of the full output, on the fixture
	ad-score --zscore 3 "$METRICS" | grep '"anomaly":true' > "$T/want"
	[ -s "$T/want" ]
	run ad-score --zscore 3 --anomalies "$METRICS"
	assert_output "$(cat "$T/want")"
}

@test "--zscore: --id and --field, and records without them are rejected" {
	printf '{"k":"x","v":1}\n{"k":"x","v":2}\n{"k":"x","v":3}\n{"k":"x"}\n{"v":3}\n{"k":"x","v":"3"}\n' > "$T/m.ndjson"
	run --separate-stderr ad-score --zscore 2 --id k --field v "$T/m.ndjson"
	assert_equal "$status" 65
	assert_equal "${#lines[@]}" 3
	assert_equal "${stderr_lines[0]}" "ad-score: $T/m.ndjson:4: missing or non-numeric field 'v'"
	assert_equal "${stderr_lines[1]}" "ad-score: $T/m.ndjson:5: missing or non-string key field 'k'"
	assert_equal "${stderr_lines[2]}" "ad-score: $T/m.ndjson:6: missing or non-numeric field 'v'"
}

@test "--zscore --state: saved at exit, loaded at start" {
	head -5 "$METRICS" | ad-score --zscore 3 --state "$T/z.state" > /dev/null
	run jq -c . "$T/z.state"
	# the likelihood stage of a's two scores, |z| 0 then 2, by hand:
	# avg 0, then 0 + .5 (2 - 0) = 1; history mean .5 (1 - 0) = .5,
	# variance .5 (0 + .5 * 1^2) = .25 (weights 1/(n+1) while n is small)
	assert_line '{"id":"a","n":4,"mean":11.5,"m2":5,"lik":[2,1,0.5,0.25]}'
	assert_line '{"id":"b","n":1,"mean":5,"m2":0}'
	# continuing from the state gives what one run over everything gives
	tail -n +6 "$METRICS" | ad-score --zscore 3 --state "$T/z.state" > "$T/second"
	run cat "$T/second"
	assert_output "$(tail -n +6 "$G/zscore.out")"
	echo 'garbage' > "$T/bad.state"
	run ad-score --zscore 3 --state "$T/bad.state" "$METRICS"
	assert_equal "$status" 65
	assert_output --partial "ad-score: $T/bad.state:1: invalid JSON"
}

@test "--zscore --model-out publishes the state, --model-in applies it" {
	head -5 "$METRICS" | ad-score --zscore 3 --model-out "$T/pub.ndjson" > /dev/null
	run wc -l < "$T/pub.ndjson"
	assert_output 2
	tail -n +6 "$METRICS" | ad-score --zscore 3 --model-in "$T/pub.ndjson" > "$T/second"
	run cat "$T/second"
	assert_output "$(tail -n +6 "$G/zscore.out")"
}

@test "--zscore --max-keys evicts the least recently used key" {
	printf '{"id":"%s","value":1}\n' a b c a d | ad-score -v --zscore 3 --max-keys 2 2> "$T/err" > /dev/null
	run cat "$T/err"
	assert_output "ad-score: 5 read, 0 rejected, 2 keys, 3 evicted"
}

@test "man page example: anomalies with three reasons" {
	cp "$MODELS/g.rf" "$T/kdd.rf"
	cp "$SCORE" "$T/records.ndjson"
	cd "$T"
	run sh -c "ad-score -m kdd.rf --anomalies --explain 3 records.ndjson | jq -c '.why | length' | sort -u"
	assert_output 3
}

@test "man page example: --info" {
	cp "$MODELS/g.rf" "$T/kdd.rf"
	cd "$T"
	run sh -c "ad-score --info kdd.rf | jq -r .mode"
	assert_output supervised
}

@test "man page example: z-scores kept across runs" {
	cp "$METRICS" "$T/metrics.ndjson"
	cd "$T"
	run ad-score --zscore 3 --id id --field value --state z.state metrics.ndjson
	assert_success
	[ -s z.state ]
}

# valgrind-skip: the real KDD 10% file, about 500,000 records: hours at valgrind's speed
# bats test_tags=valgrind-skip
@test "real KDD: score the 10% file and find the attacks" {
	need_kdd10
	kdd-gen --in-order "$KDD10" > "$T/all.ndjson"
	# train on every 25th record, score the ones after them: held out
	awk 'NR % 25 == 0' "$T/all.ndjson" > "$T/train.ndjson"
	awk 'NR % 25 == 1' "$T/all.ndjson" > "$T/test.ndjson"
	ad-train-rf --trees 10 -o "$T/kdd.rf" "$T/train.ndjson"
	run ad-score -m "$T/kdd.rf" -o "$T/scored" "$T/test.ndjson"
	assert_success
	# every held-out record scored: 19,761, of which 15,869 attacks
	run jq -s -c '[length, (map(select(.label != "normal.")) | length),
		(map(select((.label != "normal.") != .anomaly)) | length < 20)]' "$T/scored"
	assert_output "[19761,15869,true]"
}

@test "--zscore --min-count: no verdict during a key's warm-up" {
	printf '{"id":"a","value":10}\n{"id":"a","value":11}\n{"id":"a","value":50}\n' > "$BATS_TEST_TMPDIR/w.ndjson"
	run bash -c "ad-score --zscore 3 '$BATS_TEST_TMPDIR/w.ndjson' | jq -c .anomaly"
	assert_line --index 2 true
	run bash -c "ad-score --zscore 3 --min-count 5 '$BATS_TEST_TMPDIR/w.ndjson' | jq -c .anomaly"
	assert_line --index 2 false
	run ad-score --zscore 3 --min-count 1
	assert_equal "$status" 64
}

# At x = 1, P(normal) ~ .6 and P(r2l) ~ .4 (see ad-train-rf.bats): the
# contest's costs decide r2l (1.2 against 1.6 for normal), zero-one costs
# decide the most probable class, normal.
cost_model() {
	printf 'warezclient r2l\nsmurf dos\nipsweep probe\nbuffer_overflow u2r\n' > "$T/classes"
	for i in $(seq 60); do echo '{"x":1,"label":"normal."}'; done > "$T/c.ndjson"
	for i in $(seq 40); do echo '{"x":1,"label":"warezclient."}'; done >> "$T/c.ndjson"
	for i in $(seq 50); do echo '{"x":5,"label":"smurf."}'; done >> "$T/c.ndjson"
	printf '{"x":1}\n{"x":5}\n' > "$T/two.ndjson"
	printf 'actual\\predicted,u2r,r2l,dos,probe,normal\n' > "$T/zo.csv"
	for c in u2r r2l dos probe normal; do
		printf '%s' "$c"
		for d in u2r r2l dos probe normal; do [ $c = $d ] && printf ',0' || printf ',1'; done
		echo
	done >> "$T/zo.csv"
	ad-train-rf --trees 50 --classes "$T/classes" ${1:+--costs "$1"} -o "$T/c.rf" "$T/c.ndjson"
}

@test "--costs: the class of least expected cost; the model's costs overridden" {
	cost_model
	run sh -c "ad-score -m '$T/c.rf' '$T/two.ndjson' | jq -r .class"
	assert_output "$(printf 'normal\ndos')"
	run sh -c "ad-score -m '$T/c.rf' --costs '$TOP/data/kdd-costs.csv' '$T/two.ndjson' | jq -c '[.class, .probability < 0.5, .score < 0.5]'"
	assert_output "$(printf '["r2l",true,true]\n["dos",false,false]')"
	cost_model "$TOP/data/kdd-costs.csv"
	run sh -c "ad-score -m '$T/c.rf' '$T/two.ndjson' | jq -r .class"
	assert_output "$(printf 'r2l\ndos')"
	run sh -c "ad-score -m '$T/c.rf' --costs '$T/zo.csv' '$T/two.ndjson' | jq -r .class"
	assert_output "$(printf 'normal\ndos')"
}

@test "--costs on a two-class model writes the decided class" {
	for i in $(seq 60); do echo '{"x":1,"label":"normal."}'; done > "$T/b.ndjson"
	for i in $(seq 40); do echo '{"x":1,"label":"smurf."}'; done >> "$T/b.ndjson"
	ad-train-rf --trees 50 -o "$T/b.rf" "$T/b.ndjson"
	# missing an attack costs 4, a false alarm 1: attack when P > .2
	printf ',normal,attack\nnormal,0,1\nattack,4,0\n' > "$T/b.csv"
	run sh -c "echo '{\"x\":1}' | ad-score -m '$T/b.rf' --costs '$T/b.csv' | jq -c '[.class, .anomaly]'"
	assert_output '["attack",false]'
	run sh -c "echo '{\"x\":1}' | ad-score -m '$T/b.rf' | jq -c '[.class, .anomaly]'"
	assert_output '[null,false]'
}

@test "--costs: bad cost files exit 65 with file:line, a missing one 66" {
	cost_model
	printf 'a\\p,normal,probe,dos,r2l\nnormal,0,1,2,2\nprobe,1,0,2,2\ndos,2,1,0,2\nr2l,4,2,2,0\n' > "$T/four.csv"
	run --separate-stderr ad-score -m "$T/c.rf" --costs "$T/four.csv" "$T/two.ndjson"
	assert_equal "$status" 65
	assert_equal "$output" ""
	assert_equal "$stderr" "ad-score: $T/four.csv:1: class 'u2r' is missing"
	sed 's/^u2r,3,/u2r,-3,/' "$TOP/data/kdd-costs.csv" > "$T/neg.csv"
	run ad-score -m "$T/c.rf" --costs "$T/neg.csv" "$T/two.ndjson"
	assert_equal "$status" 65
	assert_output "ad-score: $T/neg.csv:5: cost of 'u2r' predicted as 'normal': '-3' is negative"
	{ cat "$TOP/data/kdd-costs.csv"; echo 'x,1,1,1,1,1'; } > "$T/wide.csv"
	run ad-score -m "$T/c.rf" --costs "$T/wide.csv" "$T/two.ndjson"
	assert_equal "$status" 65
	assert_output "ad-score: $T/wide.csv:7: class 'x' is not in the header"
	sed 's/,[0-9]$//; s/,r2l$//' "$TOP/data/kdd-costs.csv" > "$T/notsq.csv"
	run ad-score -m "$T/c.rf" --costs "$T/notsq.csv" "$T/two.ndjson"
	assert_equal "$status" 65
	assert_output "ad-score: $T/notsq.csv:6: class 'r2l' is not in the header"
	run ad-score -m "$T/c.rf" --costs "$T/nope.csv" "$T/two.ndjson"
	assert_equal "$status" 66
	assert_output "ad-score: cannot open '$T/nope.csv': No such file or directory"
	run ad-score --zscore 3 --costs "$TOP/data/kdd-costs.csv" "$METRICS"
	assert_equal "$status" 64
	assert_line --index 0 "ad-score: --costs needs -m model"
	ad-train-rf --mode isolation --trees 5 -o "$T/i.rf" "$T/c.ndjson"
	run ad-score -m "$T/i.rf" --costs "$TOP/data/kdd-costs.csv" "$T/two.ndjson"
	assert_equal "$status" 64
	assert_output "ad-score: costs need a supervised model, not isolation"
}

@test "--costs applies to reloaded models; one lacking a class is refused" {
	cost_model
	cp "$T/c.rf" "$T/cur.rf"
	ad-train-rf -s 2 --trees 50 --classes "$T/classes" -o "$T/c2.rf" "$T/c.ndjson"
	ad-train-rf --trees 5 -o "$T/bin.rf" "$T/c.ndjson"
	mkfifo "$T/in"
	ad-score -v -m "$T/cur.rf" --costs "$TOP/data/kdd-costs.csv" < "$T/in" > "$T/out" 2> "$T/err" &
	pid=$!
	exec 7> "$T/in"
	x1() { for _ in $(seq 1500); do echo '{"x":1}'; done; }
	x1 >&7
	sleep 1
	cp "$T/bin.rf" "$T/new.rf" && mv "$T/new.rf" "$T/cur.rf"
	sleep 0.5
	x1 >&7
	sleep 1
	cp "$T/c2.rf" "$T/new.rf" && mv "$T/new.rf" "$T/cur.rf"
	sleep 0.5
	x1 >&7
	exec 7>&-
	wait "$pid"
	# neither model holds costs: without the override each says normal
	run sh -c "jq -r .class '$T/out' | sort | uniq -c"
	assert_output "   4500 r2l"
	run grep -c "reloaded '$T/cur.rf'" "$T/err"
	assert_output 1
	run grep -c "^ad-score: $TOP/data/kdd-costs.csv:1: class 'attack' is missing; keeping the previous model$" "$T/err"
	assert_output 1
}

@test "--strict stops at the first bad record: what came before, one message, 65" {
	{ head -3 "$SCORE"; echo '{"duration":'; sed -n 4,6p "$SCORE"; echo '[1]'; sed -n 7,9p "$SCORE"; } > "$T/b.ndjson"
	run --separate-stderr ad-score -m "$MODELS/g.rf" "$T/b.ndjson"
	assert_equal "$status" 65
	assert_equal "${#lines[@]}" 9
	assert_equal "${#stderr_lines[@]}" 2
	run --separate-stderr ad-score -m "$MODELS/g.rf" --strict "$T/b.ndjson"
	assert_equal "$status" 65
	assert_equal "$output" "$(head -3 "$G/score.out")"
	assert_equal "$stderr" "ad-score: $T/b.ndjson:4: invalid JSON at column 12: unexpected token near end of file"
}

@test "--zscore agrees with an independent reference (Python, sample sd of the earlier points)" {
	# z = (x - mean) / sd over the key's earlier points (sd with n - 1),
	# score = |z| through the likelihood stage, anomaly when |z| > k; with
	# fewer than two earlier points no z and score 0; with sd 0 no z, and
	# |z| taken as 10 (an anomaly) when x differs from the mean
	python3 -c '
import json, random
random.seed(5)
for i in range(600):
    k = "abc"[i % 3]
    v = round(random.gauss(100, 10), 3) if i % 97 else 400.0
    print(json.dumps({"id": k, "value": v}))' > "$T/m.ndjson"
	cat "$METRICS" >> "$T/m.ndjson"
	run ad-score --zscore 3 -o "$T/out" "$T/m.ndjson"
	assert_success
	run python3 -c '
import json, math, sys
# the likelihood stage (likelihood.h), from its description: the raw |z|
# (capped at 10) smoothed with half-life 1.5 points, compared with the
# long-run mean and variance of the smoothed value (half-life 1000 points),
# plain means while fewer points came; the upper tail p as a score
# log(2p) / log(2e-10) in [0, 1]
def alpha(hl, n):
    return max(1 - 2 ** (-1 / hl), 1 / (n + 1))
def lik(st, x):
    if st["n"] == 0:
        st.update(n=1, avg=x, mean=x, var=0.0)
        return 0.0
    st["avg"] += alpha(1.5, st["n"]) * (x - st["avg"])
    sd = max(math.sqrt(st["var"]), 1e-6 * abs(st["mean"]) + 1e-12)
    z = 0.0 if st["n"] < 10 else (st["avg"] - st["mean"]) / sd
    h, d = alpha(1000, st["n"]), st["avg"] - st["mean"]
    st["mean"] += h * d
    st["var"] = (1 - h) * (st["var"] + h * d * d)
    st["n"] += 1
    p = 0.5 * math.erfc(z / math.sqrt(2))
    return 0.0 if p >= 0.5 else min(1.0, math.log(2 * max(p, 1e-300)) / math.log(2e-10))
hist, lstate, bad, n, flagged = {}, {}, 0, 0, 0
for a, b in zip(open(sys.argv[1]), open(sys.argv[2])):
    r, o = json.loads(a), json.loads(b)
    x, h = r["value"], hist.setdefault(r["id"], [])
    st = lstate.setdefault(r["id"], {"n": 0})
    z, s, raw = None, 0.0, None
    if len(h) >= 2:
        m = sum(h) / len(h)
        sd = math.sqrt(sum((v - m) ** 2 for v in h) / (len(h) - 1))
        if sd > 0:
            z = (x - m) / sd
            raw = abs(z)
        else:
            raw = 10.0 if x != m else 0.0
    if raw is not None:
        s = lik(st, min(raw, 10.0))
    an = (z is None and raw == 10.0) or (z is not None and abs(z) > 3)
    ok = abs(o["score"] - s) < 1e-4 and o["anomaly"] == an and \
        ((z is None and o["z"] is None) or (z is not None and o["z"] is not None and abs(o["z"] - z) < 1e-5 * max(1, abs(z))))
    if not ok and bad < 3:
        print("differs:", a.strip(), b.strip(), z, s, an)
    bad += not ok; n += 1; flagged += an
    h.append(x)
print("ok" if bad == 0 and n == 609 else "%d of %d differ" % (bad, n), flagged > 5)' "$T/m.ndjson" "$T/out"
	assert_output "ok True"
}
