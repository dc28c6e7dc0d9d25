#!/usr/bin/env bats
# ad-train-rf: train random forests, contrast forests and isolation forests.

load ../helpers/common

setup() {
	T=$BATS_TEST_TMPDIR
	TRAIN="$FIXTURES/forest/train.ndjson"
	SCORE="$FIXTURES/forest/score.ndjson"
}

@test "--help prints the synopsis on stdout and exits 0" {
	run ad-train-rf --help
	assert_success
	assert_line --index 0 --partial "usage: ad-train-rf [-ehqVv] [-F file] -o model [-s seed]"
	assert_output --partial "--sample-size n"
}

@test "--version prints the version" {
	run ad-train-rf --version
	assert_success
	assert_output "ad-train-rf 0.1.0"
}

@test "an unknown option is a usage error (64) with usage on stderr" {
	run --separate-stderr ad-train-rf --bogus -o "$T/m.rf"
	assert_equal "$status" 64
	assert_equal "$output" ""
	[[ "$stderr" == *"usage: ad-train-rf"* ]]
}

@test "bad option values and combinations are usage errors" {
	run ad-train-rf -o "$T/m.rf" --trees 0
	assert_equal "$status" 64
	assert_line --index 0 "ad-train-rf: --trees: 0 is out of range [1, 100000]"
	run ad-train-rf -o "$T/m.rf" --mode forest
	assert_equal "$status" 64
	assert_line --index 0 "ad-train-rf: --mode: expected supervised, unsupervised, isolation or boost, got 'forest'"
	run ad-train-rf "$TRAIN"
	assert_equal "$status" 64
	assert_line --index 0 "ad-train-rf: no model file: give -o model"
	run ad-train-rf --mode isolation --cv 5 -o "$T/m.rf" "$TRAIN"
	assert_equal "$status" 64
	assert_line --index 0 "ad-train-rf: --cv and --grid need --mode supervised or boost"
	run ad-train-rf --grid 'leaves=3' -o "$T/m.rf" "$TRAIN"
	assert_equal "$status" 64
	assert_line --index 0 --partial "ad-train-rf: --grid: unknown parameter 'leaves'"
	run ad-train-rf --mtry lots -o "$T/m.rf" "$TRAIN"
	assert_equal "$status" 64
}

@test "a missing input file exits 66 with the reason" {
	run ad-train-rf -o "$T/m.rf" "$T/nope.ndjson"
	assert_equal "$status" 66
	assert_line --index 0 "ad-train-rf: cannot open '$T/nope.ndjson': No such file or directory"
	[ ! -e "$T/m.rf" ]
}

@test "bad records are reported with file:line, counted, skipped, exit 65" {
	{ head -5 "$TRAIN"; echo '{"duration":1,'; echo '{"duration":1}'; tail -n +6 "$TRAIN"; } > "$T/bad.ndjson"
	run --separate-stderr ad-train-rf --trees 5 --reject "$T/rej" -o "$T/m.rf" "$T/bad.ndjson"
	assert_equal "$status" 65
	assert_equal "${stderr_lines[0]}" "ad-train-rf: $T/bad.ndjson:6: invalid JSON at column 14: string or '}' expected near end of file"
	assert_equal "${stderr_lines[1]}" "ad-train-rf: $T/bad.ndjson:7: missing or non-string label field 'label'"
	[ -s "$T/m.rf" ]
	run wc -l < "$T/rej"
	assert_output 2
}

@test "a label missing from --classes is an error at training time" {
	printf 'smurf dos\nneptune dos\n' > "$T/classes"
	run --separate-stderr ad-train-rf --trees 5 --classes "$T/classes" -o "$T/m.rf" "$TRAIN"
	assert_equal "$status" 65
	# one message per record whose label is neither normal nor listed,
	# derived from the file: the first is line 43's satan.
	expected=$(jq -r '.label' "$TRAIN" | grep -nvxE 'normal\.|smurf\.|neptune\.' |
		sed "s|^\([0-9]*\):\(.*\)|ad-train-rf: $TRAIN:\1: label '\2' is not in '$T/classes'|")
	[ "$(echo "$expected" | wc -l)" -gt 10 ]
	assert_equal "$(printf '%s\n' "${stderr_lines[@]}" | grep 'is not in')" "$expected"
	assert_equal "${stderr_lines[0]}" "ad-train-rf: $TRAIN:43: label 'satan.' is not in '$T/classes'"
	run ad-train-rf --classes "$T/nope" -o "$T/m.rf" "$TRAIN"
	assert_equal "$status" 66
}

@test "multi-class training with the KDD attack families" {
	printf 'smurf dos\nneptune dos\nteardrop dos\nback dos\nipsweep probe\nportsweep probe\nsatan probe\n' > "$T/classes"
	run ad-train-rf --trees 10 --classes "$T/classes" -o "$T/m.rf" "$TRAIN"
	assert_success
	run sh -c "ad-score --info '$T/m.rf' | jq -c .classes"
	assert_output '["normal","dos","probe"]'
	run sh -c "ad-score -m '$T/m.rf' '$SCORE' | jq -r 'select(.label == \"smurf.\" or .label == \"normal.\") | [.label, .class] | @tsv' | sort -u"
	assert_line "$(printf 'smurf.\tdos')"
	assert_line "$(printf 'normal.\tnormal')"
}

@test "a model file that cannot be created exits 73" {
	run ad-train-rf --trees 2 -o "$T/no/such/dir/m.rf" "$TRAIN"
	assert_equal "$status" 73
}

@test "only one class in the training data is refused" {
	grep '"normal\."' "$TRAIN" > "$T/normal.ndjson"
	run ad-train-rf --trees 2 -o "$T/m.rf" "$T/normal.ndjson"
	assert_equal "$status" 65
	assert_output "ad-train-rf: the training records hold only normal records"
}

@test "the same seed gives the same model, whatever the threads; another seed does not" {
	ad-train-rf -s 4 --threads 1 --trees 15 -o "$T/a.rf" "$TRAIN"
	sleep 1.1 # a clock in the file would differ
	ad-train-rf -s 4 --threads 2 --trees 15 -o "$T/b.rf" < "$TRAIN"
	ad-train-rf -s 5 --trees 15 -o "$T/c.rf" "$TRAIN"
	cmp "$T/a.rf" "$T/b.rf"
	run cmp -s "$T/a.rf" "$T/c.rf"
	assert_failure
	ad-score -m "$T/a.rf" "$SCORE" > "$T/a.out"
	ad-score -m "$T/b.rf" "$SCORE" > "$T/b.out"
	ad-score -m "$T/c.rf" "$SCORE" > "$T/c.out"
	cmp "$T/a.out" "$T/b.out"
	cmp <(ad-score --info "$T/a.rf" | jq -c 'del(.created)') <(ad-score --info "$T/b.rf" | jq -c 'del(.created)')
	! cmp -s <(ad-score --info "$T/a.rf" | jq -c 'del(.created)') <(ad-score --info "$T/c.rf" | jq -c 'del(.created)')
}

@test "features: bookkeeping fields and the label are excluded, strings are categorical" {
	ad-train-rf --trees 3 -o "$T/m.rf" "$TRAIN"
	run sh -c "ad-score --info '$T/m.rf' | jq -r '.features[] | [.name, .type] | @tsv'"
	assert_success
	refute_output --partial "utc"
	refute_output --partial "uuid"
	refute_output --partial "sequence_id"
	refute_output --partial "index"
	refute_output --partial "label"
	assert_line "$(printf 'service\tcategorical')"
	assert_line "$(printf 'src_bytes\tnumeric')"
	assert_equal "${#lines[@]}" 12
}

@test "--features and --exclude choose the features" {
	ad-train-rf --trees 3 --features src_bytes,service -o "$T/m.rf" "$TRAIN"
	run sh -c "ad-score --info '$T/m.rf' | jq -c '[.features[].name]'"
	assert_output '["service","src_bytes"]'
	ad-train-rf --trees 3 --exclude service,flag,count -o "$T/m.rf" "$TRAIN"
	run sh -c "ad-score --info '$T/m.rf' | jq '.features | length'"
	assert_output 9
}

@test "hyperparameters are stored in the model" {
	ad-train-rf -s 9 --trees 7 --max-depth 3 --max-bins 16 --min-leaf 2 --mtry 4 --sample-rate 0.5 -o "$T/m.rf" "$TRAIN"
	run sh -c "ad-score --info '$T/m.rf' | jq -c '[.trees, .params, .depth <= 3, .rows]'"
	assert_output '[7,{"max_depth":3,"max_bins":16,"min_leaf":2,"mtry":4,"sample_rate":0.5,"seed":9},true,400]'
}

@test "--cv reports per fold and mean +- sd on stderr and as JSON" {
	run --separate-stderr ad-train-rf --trees 10 --cv 4 --report "$T/r.json" -o "$T/m.rf" "$TRAIN"
	assert_success
	assert_equal "${#stderr_lines[@]}" 6
	[[ "${stderr_lines[0]}" == "fold 1/4: auc "* ]]
	[[ "${stderr_lines[4]}" == "mean: auc "*" +- "* ]]
	[[ "${stderr_lines[5]}" == "pooled: auc "*" accuracy "* ]]
	run jq -c '[.mode, .rows, .folds, (.cv.folds | length), (.cv.mean | keys), (.cv.mean.auc > 0.95)]' "$T/r.json"
	assert_output '["supervised",400,4,4,["accuracy","auc","f1","precision","recall"],true]'
	run sh -c "ad-score --info '$T/m.rf' | jq '.cv_auc > 0.95'"
	assert_output true
}

@test "--cv with classes reports per class" {
	printf 'smurf dos\nneptune dos\nteardrop dos\nback dos\nipsweep probe\nportsweep probe\nsatan probe\n' > "$T/classes"
	run --separate-stderr ad-train-rf -q --trees 5 --cv 3 --classes "$T/classes" --report "$T/r.json" -o "$T/m.rf" "$TRAIN"
	assert_success
	assert_equal "$stderr" ""
	run jq -c '.cv.classes | keys' "$T/r.json"
	assert_output '["dos","normal","probe"]'
}

@test "--grid cross-validates each combination and trains the best" {
	run --separate-stderr ad-train-rf --grid 'trees=2,6 max-depth=1,8' --cv 3 --report "$T/g.json" -o "$T/m.rf" "$TRAIN"
	assert_success
	run jq -c '[(.grid | length), (.grid[0].params), (.best | keys)]' "$T/g.json"
	assert_output '[4,{"trees":2,"max-depth":1},["max-depth","trees"]]'
	best=$(jq -c .best "$T/g.json")
	run sh -c "ad-score --info '$T/m.rf' | jq -c '{trees: .trees, \"max-depth\": .params.max_depth}'"
	assert_output "$(echo "$best" | jq -c '{trees: .trees, "max-depth": ."max-depth"}')"
}

@test "unsupervised: the contrast forest scores P(synthetic)" {
	run ad-train-rf --mode unsupervised --fraction 1 --trees 20 -o "$T/m.rf" "$TRAIN"
	assert_success
	run sh -c "ad-score --info '$T/m.rf' | jq -c '[.mode, .classes, .params.fraction, .params.mtry]'"
	assert_output '["unsupervised",["real","synthetic"],1,12]'
	# a record far from every real one looks synthetic
	echo '{"duration":40000,"protocol_type":"udp","service":"ftp","flag":"REJ","src_bytes":0,"dst_bytes":900000,"logged_in":1,"count":511,"srv_count":1,"serror_rate":1,"same_srv_rate":0,"dst_host_count":1}' > "$T/odd.ndjson"
	odd=$(ad-score -m "$T/m.rf" "$T/odd.ndjson" | jq .score)
	typical=$(head -1 "$TRAIN" | ad-score -m "$T/m.rf" | jq .score)
	[ "$(echo "$odd > $typical" | bc)" = 1 ]
}

@test "isolation: an isolation forest with sample size and depth log2 n" {
	run ad-train-rf --mode isolation --sample-size 64 --trees 50 -o "$T/m.rf" "$TRAIN"
	assert_success
	run sh -c "ad-score --info '$T/m.rf' | jq -c '[.mode, .params.sample_size, .depth <= 6, (.features | map(.name) | index(\"label\"))]'"
	assert_output '["isolation",64,true,null]'
	run sh -c "ad-score -m '$T/m.rf' '$SCORE' | jq -s 'map(.score) | (min >= 0 and max <= 1)'"
	assert_output true
}

@test "isolation --scoring: depth is 2^(-h/c(2)) exactly; adj-depth (the default) by hand" {
	printf '{"x":0}\n{"x":10}\n' > "$T/two.ndjson"
	# one tree, two rows, depth 1: the root splits them at t in [0, 10)
	# and each leaf is reached in 1 step; c(2) = 1, c(1) = 0
	ad-train-rf --mode isolation --scoring depth --trees 1 --sample-size 2 -o "$T/d.if" "$T/two.ndjson"
	run sh -c "ad-score -m '$T/d.if' '$T/two.ndjson' | jq -c '[.[\"score\"]]' | paste -sd' '"
	assert_output '[0.5] [0.5]'
	# adjusted: f = t / 10 of the range goes left with 1 of the 2 rows,
	# p = (1/2) / f, the left step 2 / (1 + 1/2p) = 2 / (1 + f), the right
	# one 2 / (2 - f): f from the score of 0 predicts the score of 10
	for s in 1 2 3; do
		ad-train-rf --mode isolation -s $s --trees 1 --sample-size 2 -o "$T/a.if" "$T/two.ndjson"
		ad-score -m "$T/a.if" "$T/two.ndjson" | jq -r .score | paste -sd' '
	done > "$T/pairs"
	run awk '{ f = -2 / (log($1) / log(2)) - 1; want = 2 ^ (-2 / (2 - f))
		if (!(f >= 0 && f < 1 && $2 - want < 2e-5 && want - $2 < 2e-5 && $1 != 0.5)) bad = 1 }
		END { print (NR == 3 && !bad) ? "ok" : "bad" }' "$T/pairs"
	cat "$T/pairs"
	assert_output ok
	# the default is adj-depth: the same model, byte for byte
	ad-train-rf --mode isolation -s 3 --scoring adj-depth --trees 1 --sample-size 2 -o "$T/b.if" "$T/two.ndjson"
	cmp "$T/a.if" "$T/b.if"
	run ad-train-rf --scoring depth -o "$T/s.rf" "$TRAIN"
	assert_failure 64
	assert_output --partial "--split and --scoring need --mode isolation"
	run ad-train-rf --mode isolation --scoring height -o "$T/s.rf" "$TRAIN"
	assert_failure 64
	assert_output --partial "--scoring: expected depth or adj-depth, got 'height'"
}

@test "isolation --split pooled-gain: the cut falls in the gap between two clusters" {
	# 100 records at 0 .. 9.9 and 100 at 100 .. 109.9, one split per tree:
	# pooled gain cuts between 9.9 and 100, so every record's path is
	# 1 + c(100) and its score 2^(-(1 + c(100)) / c(200)), whatever the seed
	awk 'BEGIN { for (i = 0; i < 100; i++) printf "{\"x\":%g}\n{\"x\":%g}\n", i / 10, 100 + i / 10 }' > "$T/two.ndjson"
	want=$(awk 'function c(n) { return 2 * (log(n - 1) + 0.5772156649) - 2 * (n - 1) / n }
		BEGIN { printf "%.6f", 2 ^ (-(1 + c(100)) / c(200)) }')
	for s in 1 2 3; do
		ad-train-rf --mode isolation --split pooled-gain --scoring depth -s $s --trees 20 \
			--sample-size 200 --max-depth 1 -o "$T/p.if" "$T/two.ndjson"
		ad-score -m "$T/p.if" "$T/two.ndjson" | jq .score
	done | sort -u > "$T/scores"
	run cat "$T/scores"
	assert_output "$want"
	assert_equal "$(ad-score --info "$T/p.if" | jq .depth)" 1
	# random thresholds land inside a cluster too: the scores differ
	ad-train-rf --mode isolation --split random --scoring depth -s 1 --trees 20 \
		--sample-size 200 --max-depth 1 -o "$T/r.if" "$T/two.ndjson"
	run sh -c "ad-score -m '$T/r.if' '$T/two.ndjson' | jq .score | sort -u | wc -l"
	[ "$output" -gt 1 ]
	run ad-train-rf --mode isolation --split best -o "$T/s.rf" "$TRAIN"
	assert_failure 64
}

@test "isolation --info: the split and scoring the model was trained with" {
	ad-train-rf --mode isolation --trees 5 -o "$T/d.if" "$TRAIN"
	run sh -c "ad-score --info '$T/d.if' | jq -c '[.version, .params.split, .params.scoring]'"
	assert_output '[4,"random","adj-depth"]'
	ad-train-rf --mode isolation --split pooled-gain --scoring depth --trees 5 -o "$T/p.if" "$TRAIN"
	run sh -c "ad-score --info '$T/p.if' | jq -c '[.version, .params.split, .params.scoring]'"
	assert_output '[4,"pooled-gain","depth"]'
	# forests other than isolation have neither
	ad-train-rf --trees 5 -o "$T/s.rf" "$TRAIN"
	run sh -c "ad-score --info '$T/s.rf' | jq -c '[.version, .params.split, .params.scoring]'"
	assert_output '[1,null,null]'
}

@test "--contamination: the threshold flags that share of the training records" {
	run ad-train-rf --mode isolation -s 1 --trees 50 --contamination 0.05 -o "$T/c.rf" "$TRAIN"
	assert_success
	# 400 records: the threshold is the 20th largest training score
	thr=$(ad-score --info "$T/c.rf" | jq .threshold)
	ad-score -m "$T/c.rf" "$TRAIN" > "$T/scored"
	run jq -s '[map(.score) | sort | reverse | .[19]] | .[0]' "$T/scored"
	assert_equal "$(echo "$thr $output" | awk '{ print ($1 - $2 < 1e-6 && $2 - $1 < 1e-6) }')" 1
	run grep -c '"anomaly":true' "$T/scored"
	assert_output 20
	# without it the threshold is 0.5; --threshold still overrides
	ad-train-rf --mode isolation -s 1 --trees 50 -o "$T/h.rf" "$TRAIN"
	assert_equal "$(ad-score --info "$T/h.rf" | jq .threshold)" 0.5
	run sh -c "ad-score -m '$T/c.rf' --threshold 0.5 '$TRAIN' | grep -c '\"anomaly\":true'"
	assert_output "$(jq -s 'map(select(.score >= 0.5)) | length' "$T/scored")"
	run ad-train-rf --contamination 0.05 -o "$T/s.rf" "$TRAIN"
	assert_failure 64
	assert_output --partial "--contamination needs --mode unsupervised or isolation"
	run ad-train-rf --mode isolation --contamination 0.7 -o "$T/s.rf" "$TRAIN"
	assert_failure 64
}

@test "missing values are handled in training (null and absent fields)" {
	{ cat "$TRAIN"; echo '{"duration":null,"protocol_type":"tcp","label":"normal."}'; echo '{"src_bytes":5,"label":"smurf."}'; } > "$T/miss.ndjson"
	run ad-train-rf --trees 5 -o "$T/m.rf" "$T/miss.ndjson"
	assert_success
	run sh -c "ad-score --info '$T/m.rf' | jq .rows"
	assert_output 402
}

@test "man page example: an isolation forest on three features" {
	cp "$TRAIN" "$T/http.ndjson"
	cd "$T"
	run ad-train-rf --mode isolation --features duration,src_bytes,dst_bytes -o http.if http.ndjson
	assert_success
	run sh -c "ad-score --info http.if | jq -c '[.features[].name]'"
	assert_output '["duration","src_bytes","dst_bytes"]'
}

@test "man page example: multi-class with training_attack_types" {
	cp "$TRAIN" "$T/train.ndjson"
	printf 'smurf dos\nneptune dos\nteardrop dos\nipsweep probe\nportsweep probe\nsatan probe\n' > "$T/training_attack_types"
	cd "$T"
	run ad-train-rf --classes training_attack_types --trees 50 -o kdd5.rf train.ndjson
	assert_success
	# the model names the classes of the list, and has the trees asked for
	run sh -c "ad-score --info kdd5.rf | jq -c '[.trees, .classes]'"
	assert_output '[50,["normal","dos","probe"]]'
}

@test "man page example: grid search with a report" {
	cp "$TRAIN" "$T/train.ndjson"
	cd "$T"
	run ad-train-rf -q --grid 'trees=3,5 max-depth=4,8' --report grid.json -o best.rf train.ndjson
	assert_success
	run jq '.grid | length' grid.json
	assert_output 4
}

# valgrind-skip: the real KDD 10% file, about 500,000 records: hours at valgrind's speed
# bats test_tags=valgrind-skip
@test "man page example and issue check: 5-fold CV on the KDD 10% file, mean AUC >= 0.9999" {
	need_kdd10
	kdd-gen --in-order "$KDD10" | ad-train-rf --cv 5 --trees 10 --report "$T/cv.json" -o "$T/kdd.rf" 2>/dev/null
	# measured: mean 0.999986, every fold >= 0.99996, accuracy 0.9998;
	# scikit-learn's baseline is 0.999919 +- 0.000152
	run jq -c '[.cv.mean.auc >= 0.9999, (.cv.folds | length), ([.cv.folds[].auc] | min >= 0.9995),
		.cv.mean.accuracy >= 0.999]' "$T/cv.json"
	assert_output '[true,5,true,true]'
}

# valgrind-skip: the real KDD 10% file, about 500,000 records: hours at valgrind's speed
# bats test_tags=valgrind-skip
@test "isolation forest on the KDD http subset: the README's AUC 0.996 (scikit-learn 0.994)" {
	need_kdd10
	# the classic protocol (bench/forest.sh): logged-in http records,
	# log(x + 0.1) of three byte and time features, fit and score them all
	kdd-gen --in-order "$KDD10" | grep '"service":"http"' |
		jq -c 'select(.logged_in == 1) | {duration: ((.duration + 0.1) | log),
			src_bytes: ((.src_bytes + 0.1) | log), dst_bytes: ((.dst_bytes + 0.1) | log),
			attack: (if .label == "normal." then 0 else 1 end)}' > "$T/http.ndjson"
	assert_equal "$(wc -l < "$T/http.ndjson")" 58725
	for s in 0 1 2 3 4; do
		ad-train-rf --mode isolation --trees 100 --sample-size 256 -s $s \
			--features duration,src_bytes,dst_bytes -o "$T/h.if" "$T/http.ndjson"
		ad-score -m "$T/h.if" -o "$T/scored" "$T/http.ndjson"
		assert_equal "$(wc -l < "$T/scored")" 58725
		# AUC by the rank-sum, ties averaged
		jq -r '"\(.score) \(.attack)"' "$T/scored" | sort -g | awk '
			{ s[NR] = $1; y[NR] = $2; pos += $2 }
			END { i = 1
				while (i <= NR) { j = i; while (j < NR && s[j + 1] == s[i]) j++
					for (k = i; k <= j; k++) if (y[k]) r += (i + j) / 2
					i = j + 1 }
				printf "%.4f\n", (r - pos * (pos + 1) / 2) / (pos * (NR - pos)) }'
	done > "$T/aucs"
	# measured with adjusted depths (the default) 0.9957 0.9959 0.9964
	# 0.9948 0.9955, mean 0.9956 (0.9942 with --scoring depth): each
	# within 0.004 of 0.996, the mean within 0.0015
	run awk '{ m += $1; if ($1 < 0.992) bad = 1 } END { print (NR == 5 && !bad && m / NR >= 0.9945) ? "ok" : "bad" }' "$T/aucs"
	cat "$T/aucs"
	assert_output ok
}

@test "--strict stops at the first bad record: one message, 65, only the rows before" {
	{ head -100 "$TRAIN"; echo 'xx'; sed -n 101,200p "$TRAIN"; echo '[1]'; tail -n +201 "$TRAIN"; } > "$T/b.ndjson"
	run --separate-stderr ad-train-rf --trees 3 -o "$T/all.rf" "$T/b.ndjson"
	assert_equal "$status" 65
	assert_equal "${#stderr_lines[@]}" 2
	assert_equal "$(ad-score --info "$T/all.rf" | jq .rows)" 400
	run --separate-stderr ad-train-rf --strict --trees 3 -o "$T/first.rf" "$T/b.ndjson"
	assert_equal "$status" 65
	assert_equal "$stderr" "ad-train-rf: $T/b.ndjson:101: invalid JSON at column 2: invalid token near 'xx'"
	# reading stopped there: what it wrote was learnt from the first 100 rows
	assert_equal "$(ad-score --info "$T/first.rf" | jq .rows)" 100
}

# Crafted for the cost rule: at x = 1, 60 normal and 40 r2l records, so
# P(normal) ~ .6 and P(r2l) ~ .4; dos alone at x = 5.  With the contest's
# costs, deciding normal costs .4 x 4 = 1.6, probe .6 + .8 = 1.4, dos and
# u2r 2, r2l .6 x 2 = 1.2: r2l, where the most probable class is normal.
cost_data() {
	printf 'warezclient r2l\nsmurf dos\nipsweep probe\nbuffer_overflow u2r\n' > "$T/classes"
	for i in $(seq 60); do echo '{"x":1,"label":"normal."}'; done > "$T/c.ndjson"
	for i in $(seq 40); do echo '{"x":1,"label":"warezclient."}'; done >> "$T/c.ndjson"
	for i in $(seq 50); do echo '{"x":5,"label":"smurf."}'; done >> "$T/c.ndjson"
	echo '{"x":1}' > "$T/one.ndjson"
}

@test "--costs: kept in the model, the class of least expected cost" {
	cost_data
	run ad-train-rf --trees 50 --classes "$T/classes" --costs "$TOP/data/kdd-costs.csv" --balance 0 -o "$T/c.rf" "$T/c.ndjson"
	assert_success
	# the matrix in the model's class order: normal r2l dos probe u2r
	run sh -c "ad-score --info '$T/c.rf' | jq -c '[.version, .classes, .costs]'"
	assert_output '[2,["normal","r2l","dos","probe","u2r"],[[0,2,2,1,2],[4,0,2,2,2],[2,2,0,1,2],[1,2,2,0,2],[3,2,2,2,0]]]'
	run sh -c "ad-score -m '$T/c.rf' '$T/one.ndjson' | jq -c '[.class, (.probability > 0.35 and .probability < 0.45), (.score > 0.35 and .score < 0.45)]'"
	assert_output '["r2l",true,true]'
	ad-train-rf --trees 50 --classes "$T/classes" -o "$T/p.rf" "$T/c.ndjson"
	run sh -c "ad-score --info '$T/p.rf' | jq -c '[.version, .costs]'"
	assert_output '[1,null]'
	run sh -c "ad-score -m '$T/p.rf' '$T/one.ndjson' | jq -c '[.class, (.probability > 0.55 and .probability < 0.65)]'"
	assert_output '["normal",true]'
	# --costs implies --balance 0.5: weights (150 / 180) ^ .5 for normal,
	# (150 / 120) ^ .5 for r2l, so P(r2l) = 44.7 / (44.7 + 54.8) = .449
	ad-train-rf --trees 50 --classes "$T/classes" --costs "$TOP/data/kdd-costs.csv" -o "$T/h.rf" "$T/c.ndjson"
	run sh -c "ad-score -m '$T/h.rf' '$T/one.ndjson' | jq -c '[.class, .score > 0.425 and .score < 0.475]'"
	assert_output '["r2l",true]'
}

@test "--costs: a bad cost file is refused with file:line, 65; none, 66" {
	cost_data
	printf 'a\\p,normal,probe,dos,r2l\nnormal,0,1,2,2\nprobe,1,0,2,2\ndos,2,1,0,2\nr2l,4,2,2,0\n' > "$T/four.csv"
	run ad-train-rf --classes "$T/classes" --costs "$T/four.csv" -o "$T/m.rf" "$T/c.ndjson"
	assert_equal "$status" 65
	assert_output "ad-train-rf: $T/four.csv:1: class 'u2r' is missing"
	sed 's/^probe,1,0/probe,-1,0/' "$TOP/data/kdd-costs.csv" > "$T/neg.csv"
	run ad-train-rf --classes "$T/classes" --costs "$T/neg.csv" -o "$T/m.rf" "$T/c.ndjson"
	assert_equal "$status" 65
	assert_output "ad-train-rf: $T/neg.csv:3: cost of 'probe' predicted as 'normal': '-1' is negative"
	sed '$d' "$TOP/data/kdd-costs.csv" > "$T/short.csv"
	run ad-train-rf --classes "$T/classes" --costs "$T/short.csv" -o "$T/m.rf" "$T/c.ndjson"
	assert_equal "$status" 65
	assert_output "ad-train-rf: $T/short.csv:5: not square: 4 rows for 5 classes, none for 'r2l'"
	sed 's/^dos,2,1,0,2,2$/dos,2,1,0,2/' "$TOP/data/kdd-costs.csv" > "$T/narrow.csv"
	run ad-train-rf --classes "$T/classes" --costs "$T/narrow.csv" -o "$T/m.rf" "$T/c.ndjson"
	assert_equal "$status" 65
	assert_output "ad-train-rf: $T/narrow.csv:4: not square: expected 6 fields, got 5"
	[ ! -e "$T/m.rf" ]
	run ad-train-rf --classes "$T/classes" --costs "$T/nope.csv" -o "$T/m.rf" "$T/c.ndjson"
	assert_equal "$status" 66
	assert_output "ad-train-rf: cannot open '$T/nope.csv': No such file or directory"
}

@test "--costs, --balance and --group-by: usage errors" {
	run ad-train-rf --mode isolation --costs "$TOP/data/kdd-costs.csv" -o "$T/m.rf" "$TRAIN"
	assert_equal "$status" 64
	assert_line --index 0 "ad-train-rf: --costs and --balance need --mode supervised or boost"
	run ad-train-rf --mode unsupervised --balance 1 -o "$T/m.rf" "$TRAIN"
	assert_equal "$status" 64
	run ad-train-rf --group-by label -o "$T/m.rf" "$TRAIN"
	assert_equal "$status" 64
	assert_line --index 0 "ad-train-rf: --group-by needs --cv or --grid"
	run ad-train-rf --balance 2 -o "$T/m.rf" "$TRAIN"
	assert_equal "$status" 64
	assert_line --index 0 "ad-train-rf: --balance: 2 is out of range [0, 1]"
}

@test "--balance 1 weighs the classes equally" {
	cost_data
	# weights 150 / (3 x 60) for normal, 150 / (3 x 40) for r2l: at x = 1
	# the two then weigh the same, P(r2l) ~ .5 instead of .4
	ad-train-rf --trees 50 --classes "$T/classes" --balance 1 -o "$T/b.rf" "$T/c.ndjson"
	run sh -c "ad-score -m '$T/b.rf' '$T/one.ndjson' | jq '.score > 0.45 and .score < 0.55'"
	assert_output true
}

@test "--cv --group-by label: attack types never split, scored out of fold" {
	# two attack types per family, far apart: held out, an attack type
	# looks like nothing the training folds held
	for i in $(seq 100); do echo "{\"x\":$((i % 10)),\"label\":\"normal.\"}"; done > "$T/g.ndjson"
	for i in $(seq 30); do echo "{\"x\":-50,\"label\":\"smurf.\"}"; echo "{\"x\":50,\"label\":\"neptune.\"}"; done >> "$T/g.ndjson"
	run --separate-stderr ad-train-rf --trees 20 --cv 2 --report "$T/s.json" -o "$T/m.rf" "$T/g.ndjson"
	assert_success
	run jq '.cv.pooled.auc > 0.99' "$T/s.json"
	assert_output true
	run --separate-stderr ad-train-rf --trees 20 --cv 2 --group-by label --report "$T/g.json" -o "$T/m.rf" "$T/g.ndjson"
	assert_success
	[[ "${stderr_lines[3]}" == "pooled: auc "* ]]
	# each fold holds one attack type: 30 attacks and 50 normal rows, and
	# an unseen attack type scores like the normal rows at best
	run jq -c '[.cv.folds[].rows, .cv.pooled.rows, (.cv.pooled.auc < 0.9)]' "$T/g.json"
	assert_output '[80,80,160,true]'
	run sh -c "ad-score --info '$T/m.rf' | jq '.cv_auc < 0.9'"
	assert_output true
}

@test "--group-by FIELD: a field that groups is not a feature" {
	run ad-train-rf -q --trees 5 --cv 2 --group-by service -o "$T/m.rf" "$TRAIN"
	assert_success
	run sh -c "ad-score --info '$T/m.rf' | jq -c '[.features | map(.name) | index(\"service\"), length]'"
	assert_output '[null,11]'
	echo '{"duration":1,"label":"smurf."}' > "$T/nogroup.ndjson"
	run ad-train-rf -q --trees 5 --cv 2 --group-by service -o "$T/m.rf" "$TRAIN" "$T/nogroup.ndjson"
	assert_equal "$status" 65
	assert_output "ad-train-rf: $T/nogroup.ndjson:1: missing group field 'service' (a string, number or boolean)"
}

# boost_data N SEED: N records of a known noisy function of x1, x2 and a
# category c; the noiseless part x1 + x2^2 + 0.3 [c = b] is written to
# field "truth" (not a feature: --exclude truth).
boost_data() {
	python3 -c '
import json, random, sys
n, seed = int(sys.argv[1]), int(sys.argv[2])
r = random.Random(seed)
for i in range(n):
    x1, x2, x3 = r.random(), r.uniform(-1, 1), r.random()
    c = r.choice("abcd")
    t = x1 + x2 * x2 + (0.3 if c == "b" else 0)
    y = "pos" if t + r.gauss(0, 0.25) > 1.0 else "normal."
    print(json.dumps({"x1": x1, "x2": x2, "x3": x3, "c": c, "truth": t, "label": y}))
' "$1" "$2"
}

# auc FIELD: ROC AUC of FIELD against label != normal. over stdin records.
auc() {
	python3 -c '
import json, sys
f = sys.argv[1]
rows = [json.loads(l) for l in sys.stdin]
pts = sorted((r[f], r["label"] != "normal.") for r in rows)
pos = sum(p for _, p in pts); neg = len(pts) - pos
rank, i, s = 0.0, 0, 0.0
while i < len(pts):
    j = i
    while j < len(pts) and pts[j][0] == pts[i][0]:
        j += 1
    mid = (i + j + 1) / 2.0
    s += mid * sum(p for _, p in pts[i:j])
    i = j
print("%.4f" % ((s - pos * (pos + 1) / 2) / (pos * neg)))
' "$1"
}

@test "--mode boost: held-out AUC near the noiseless function's, stored as version 3" {
	boost_data 3000 1 > "$T/train.ndjson"
	boost_data 3000 2 > "$T/test.ndjson"
	run ad-train-rf -q --mode boost --exclude truth --rounds 300 -o "$T/b.rf" "$T/train.ndjson"
	assert_success
	run sh -c "ad-score --info '$T/b.rf' | jq -c '[.version, .mode, .params.learning_rate, .params.rounds > 10, .params.rounds <= 300, .trees == .params.rounds + 1]'"
	assert_output '[3,"boost",0.1,true,true,true]'
	ad-score -m "$T/b.rf" "$T/test.ndjson" > "$T/scored.ndjson"
	best=$(auc truth < "$T/scored.ndjson")
	got=$(auc score < "$T/scored.ndjson")
	echo "boost $got, noiseless function $best"
	# the Bayes-optimal ranking bounds what any model reaches on these rows
	awk -v g="$got" -v b="$best" 'BEGIN { exit !(g > b - 0.02 && g <= b + 0.005) }'
	# and 0 rounds of learning (the prior alone) would rank nothing
	run sh -c "jq -r .score '$T/scored.ndjson' | sort -u | wc -l"
	[ "$output" -gt 100 ]
}

@test "--mode boost matches scikit-learn's HistGradientBoostingClassifier AUC" {
	/usr/bin/python3 -c 'import sklearn.ensemble' 2>/dev/null ||
		skip "python3-sklearn absent: no scikit-learn reference"
	boost_data 3000 1 > "$T/train.ndjson"
	boost_data 3000 2 > "$T/test.ndjson"
	ad-train-rf -q --mode boost --exclude truth --rounds 300 -o "$T/b.rf" "$T/train.ndjson"
	got=$(ad-score -m "$T/b.rf" "$T/test.ndjson" | auc score)
	ref=$(/usr/bin/python3 -c '
import json, sys
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score
def load(p):
    X, y = [], []
    for l in open(p):
        r = json.loads(l)
        X.append([r["x1"], r["x2"], r["x3"], "abcd".index(r["c"])])
        y.append(r["label"] != "normal.")
    return X, y
X, y = load(sys.argv[1]); Xt, yt = load(sys.argv[2])
m = HistGradientBoostingClassifier(max_iter=300, learning_rate=0.1, max_depth=6,
    l2_regularization=1.0, categorical_features=[3], early_stopping=True,
    validation_fraction=0.1, n_iter_no_change=20, random_state=1).fit(X, y)
print("%.4f" % roc_auc_score(yt, m.predict_proba(Xt)[:, 1]))
' "$T/train.ndjson" "$T/test.ndjson")
	echo "adpipe $got, scikit-learn $ref"
	awk -v g="$got" -v r="$ref" 'BEGIN { exit !(g >= r - 0.01) }'
}

@test "--mode boost: multi-class probabilities and classes, same bytes by seed" {
	printf 'smurf dos\nneptune dos\nteardrop dos\nipsweep probe\nportsweep probe\nsatan probe\n' > "$T/types"
	for i in 1 2; do
		ad-train-rf -q --mode boost --classes "$T/types" --rounds 30 --threads $i -s 4 -o "$T/m$i.rf" "$TRAIN"
	done
	cmp "$T/m1.rf" "$T/m2.rf"
	run sh -c "ad-score -m '$T/m1.rf' '$SCORE' | jq -c '[.label, .class, (.probability > 0.5)]' | sort | uniq -c | awk '{ print \$1, \$2 }'"
	# the smurf without byte counts looks normal to the forest too
	assert_output - <<'OUT'
4 ["neptune.","dos",true]
14 ["normal.","normal",true]
1 ["smurf.","dos",true]
1 ["smurf.","normal",true]
OUT
}

@test "--mode boost: --cv and --costs work, forests stay version 1" {
	printf 'smurf dos\nneptune dos\nteardrop dos\nipsweep probe\nportsweep probe\nsatan probe\n' > "$T/types"
	run ad-train-rf -q --mode boost --classes "$T/types" --costs "$TOP/data/kdd-costs.csv" --rounds 30 --cv 4 --report "$T/r.json" -o "$T/b.rf" "$TRAIN"
	assert_success
	run jq -c '[.folds, (.cv.folds | length), .cv.mean.auc > 0.95]' "$T/r.json"
	assert_output '[4,4,true]'
	run sh -c "ad-score --info '$T/b.rf' | jq -c '[.version, (.costs | length)]'"
	assert_output '[3,3]'
	ad-train-rf -q --trees 5 -o "$T/f.rf" "$TRAIN"
	run sh -c "ad-score --info '$T/f.rf' | jq -c '[.version, .mode]'"
	assert_output '[1,"supervised"]'
}

@test "--label and --normal name the class field and the normal class" {
	# 400 records, every 4th "bad" and far off in x and y: a forest told the
	# field and the normal value ranks every bad record above every ok one
	awk 'BEGIN { srand(3); for (i = 0; i < 400; i++) { b = i % 4 == 0
		printf "{\"x\":%.3f,\"y\":%.3f,\"kind\":\"%s\"}\n", (b ? 5 : 0) + rand(), (b ? 5 : 0) + rand(), b ? "bad" : "ok" } }' > "$T/lab.ndjson"
	run ad-train-rf -q --label kind --normal ok --trees 10 -s 1 -o "$T/lab.rf" "$T/lab.ndjson"
	assert_success
	run sh -c "ad-score -m '$T/lab.rf' '$T/lab.ndjson' | jq -s -c '[([.[] | select(.kind == \"bad\") | .score] | min, length), ([.[] | select(.kind == \"ok\") | .score] | max, length)]'"
	assert_success
	run jq -e '.[0] > .[2] and .[1] == 100 and .[3] == 300' <<< "$output"
	assert_success
	# without --normal, "normal." is the normal class: none here
	run ad-train-rf -q --label kind --trees 10 -o "$T/lab2.rf" "$T/lab.ndjson"
	assert_equal "$status" 65
	assert_output --partial "only non-normal records"
	# without --label, the field "label" is looked for, and missing
	run --separate-stderr ad-train-rf -q --normal ok --trees 10 -o "$T/lab3.rf" "$T/lab.ndjson"
	assert_equal "$status" 65
	[[ "${stderr_lines[0]}" == "ad-train-rf: $T/lab.ndjson:1: missing or non-string label field 'label'" ]]
}
