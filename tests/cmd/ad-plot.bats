#!/usr/bin/env bats
# ad-plot: NDJSON series and score histograms as SVG.

load ../helpers/common

setup() {
	T=$BATS_TEST_TMPDIR
	cp "$FIXTURES"/plot/*.ndjson "$T/"
	cd "$T"
}

# Well-formed XML, and the number of elements with a class.
svg_count() {
	python3 -c '
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
print(sum(1 for e in root.iter() if sys.argv[2] in (e.get("class") or "").split()))' "$1" "$2"
}

@test "--help prints the synopsis on stdout and exits 0" {
	run ad-plot --help
	assert_success
	assert_line --index 0 --partial "usage: ad-plot [-ehqVv] [-F file] [-o file]"
}

@test "--version prints the version" {
	run ad-plot --version
	assert_output "ad-plot 0.1.0"
}

@test "an unknown option is a usage error (64)" {
	run --separate-stderr ad-plot --bogus
	assert_equal "$status" 64
	[[ "$stderr" == *"usage: ad-plot"* ]]
	run ad-plot --histogram --threshold 2
	assert_equal "$status" 64
	assert_line --index 0 "ad-plot: --threshold: 2 is out of range [0, 1]"
}

@test "a missing file exits 66" {
	run ad-plot -o x.svg nope.ndjson
	assert_equal "$status" 66
	assert_output "ad-plot: cannot open 'nope.ndjson': No such file or directory"
}

@test "series: one panel per key, anomalies marked, alerts shaded" {
	run ad-plot --alerts alerts.ndjson --title demo -o series.svg series.ndjson
	assert_success
	run svg_count series.svg panel
	assert_output 2
	run svg_count series.svg anomaly
	assert_output 4
	run svg_count series.svg alert
	assert_output 1
	run svg_count series.svg forecast
	assert_output 2
	run svg_count series.svg xtick
	[ "$output" -ge 8 ]
	grep -q '>cpu.host1<' series.svg
	grep -q '>12:00<' series.svg
}

@test "--max-panels caps the keys and says how many were left out" {
	run ad-plot --max-panels 1 -o one.svg series.ndjson
	assert_success
	run svg_count one.svg panel
	assert_output 1
	grep -q '1 more keys not shown' one.svg
}

@test "histogram: bars, both classes, the threshold line" {
	run ad-plot --histogram --threshold 0.6 -o scores.svg scores.ndjson
	assert_success
	run svg_count scores.svg threshold
	assert_output 1
	run svg_count scores.svg attack
	[ "$output" -gt 5 ]
	run svg_count scores.svg normal
	[ "$output" -gt 5 ]
}

@test "bad records are reported with file:line and skipped, exit 65" {
	{ head -3 series.ndjson; echo '{"id":"x","value":1}'; echo 'not json'; echo '{"id":"x","ts":"soon","value":1}'; } > bad.ndjson
	run --separate-stderr ad-plot -o bad.svg bad.ndjson
	assert_equal "$status" 65
	[[ "$stderr" == *"ad-plot: bad.ndjson:4: field 'ts': missing"* ]]
	[[ "$stderr" == *"ad-plot: bad.ndjson:5: invalid JSON at column 3: invalid token near 'not'"* ]]
	[[ "$stderr" == *"ad-plot: bad.ndjson:6: 'soon' is not a time"* ]]
	run svg_count bad.svg panel
	assert_output 1
}

@test "an empty input gives an empty but valid picture" {
	: > empty.ndjson
	run ad-plot -o empty.svg empty.ndjson
	assert_success
	run svg_count empty.svg panel
	assert_output 0
}

# valgrind-skip: a deadline of 5 s (timeout 5); valgrind alone takes about 5 s of wall to start ad-plot on a loaded machine (0.7 s of CPU)
# bats test_tags=valgrind-skip
@test "values one ulp apart and a point in the year 9999 draw a small picture at once" {
	printf '%s\n' '{"id":"a","ts":1,"value":1}' '{"id":"a","ts":2,"value":1.0000000000000002}' >"$T/ulp"
	run bash -c "ulimit -f 1000; timeout -k 1 5 ad-plot '$T/ulp' >'$T/ulp.svg'"
	assert_success
	# y ticks 0 to 2 around the (printed) constant 1
	assert_equal "$(grep -o 'class="ytick"[^<]*' "$T/ulp.svg" | sed 's/.*>//' | tr '\n' ' ')" "0 0.5 1 1.5 2 "
	printf '%s\n' '{"id":"a","ts":"2026-01-01T00:00:00Z","value":1}' \
		'{"id":"a","ts":"9999-12-31T23:58:00Z","value":2}' >"$T/y9999"
	run bash -c "ulimit -f 1000; timeout -k 1 5 ad-plot '$T/y9999' >'$T/y.svg'"
	assert_success
	[ "$(wc -c <"$T/y.svg")" -lt 10000 ]
	assert_equal "$(grep -o 'class="xtick"[^<]*' "$T/y.svg" | sed 's/.*>//' | tr '\n' ' ')" "3000 4000 5000 6000 7000 8000 9000 "
}

@test "a full disk is a write error, exit 74" {
	run ad-plot -o /dev/full series.ndjson
	assert_equal "$status" 74
	run bash -c "ad-plot series.ndjson > /dev/full"
	assert_equal "$status" 74
}

@test "the SVG renders to PNG" {
	command -v rsvg-convert >/dev/null || skip "rsvg-convert not installed"
	ad-plot -o s.svg series.ndjson
	run rsvg-convert -o s.png s.svg
	assert_success
	[ -s s.png ]
}

@test "man page examples run" {
	run ad-plot --alerts alerts.ndjson --title demo -o series.svg series.ndjson
	assert_success
	run svg_count series.svg panel
	assert_output 2
	run ad-plot --histogram --threshold 0.6 -o scores.svg scores.ndjson
	assert_success
	run svg_count scores.svg threshold
	assert_output 1
	overview_metrics > metrics.ndjson
	run sh -c 'ad-alert --report --window 10m metrics.ndjson | ad-plot --overview -o overview.svg'
	assert_success
	[ "$(svg_count overview.svg bubble)" -gt 0 ]
}

# Four keys over four hours of minutes: db anomalous for 15 minutes from
# 01:00, web at minutes 7, 57, ... (every 50), cache every other minute
# from 03:00 to 03:20, queue never.
overview_metrics() {
	awk 'BEGIN { for (m = 0; m < 240; m++) for (k = 0; k < 4; k++) {
		key = k == 0 ? "web" : k == 1 ? "db" : k == 2 ? "cache" : "queue"
		a = (k == 1 && m >= 60 && m < 75) || (k == 0 && m % 50 == 7) ||
		    (k == 2 && m >= 180 && m < 200 && m % 2 == 0)
		printf "{\"id\":\"%s\",\"ts\":%d,\"value\":%d,\"anomaly\":%s}\n", key,
		    1763683200 + 60 * m, a ? 100 + m % 30 : 50, a ? "true" : "false" } }'
}

@test "--overview: a bubble per key and window with anomalies, area by count, colour by max" {
	overview_metrics > m.ndjson
	ad-alert --report --window 10m m.ndjson > rep.ndjson
	run ad-plot --overview -o ov.svg rep.ndjson
	assert_success
	# rows: web db cache queue (queue calm); windows with anomalies:
	# web 5 (one each), db 2 (minutes 60-69: 10, 70-74: 5), cache 2 (5 each)
	assert_equal "$(svg_count ov.svg key)" 4
	assert_equal "$(svg_count ov.svg bubble)" 9
	python3 -c '
import sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
b = [c for c in ET.parse("ov.svg").getroot().iter(ns + "circle") if c.get("class") == "bubble"]
r = sorted(float(c.get("r")) for c in b)
# counts 1 (web), 5, 10: radii in the ratio sqrt(1/10), sqrt(5/10), 1
assert abs(r[0] / r[-1] - (1 / 10) ** 0.5) < 1e-2, r
assert any(abs(x / r[-1] - 0.5 ** 0.5) < 1e-2 for x in r), r
t = [c.find(ns + "title").text for c in b]
assert "db: 10 anomalous, max 109" in t and "db: 5 anomalous, max 114" in t, t  # 100 + m % 30
' || false
	assert_equal "$(svg_count ov.svg nomax)" 0
	command -v rsvg-convert >/dev/null || skip "rsvg-convert not installed"
	run rsvg-convert -o ov.png ov.svg
	assert_success
	[ -s ov.png ]
}

# legend_parts FILE: what the legend group holds, as "sizes=N labels=L
# scale=N nomax=N" (labels: the texts of the group in order).
legend_parts() {
	python3 -c '
import sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
g = [e for e in ET.parse(sys.argv[1]).getroot().iter(ns + "g") if e.get("class") == "legend"]
if not g:
    print("none")
    sys.exit(0)
assert len(g) == 1, len(g)
c = lambda k: sum(1 for e in g[0].iter() if e.get("class") == k)
t = ",".join(e.text for e in g[0].iter(ns + "text"))
print("sizes=%d labels=%s scale=%d nomax=%d" % (c("size"), t, c("scale"), c("nomax")))' "$1"
}

@test "--overview: the legend shows only what is drawn" {
	# Report windows with maxima: two sizes (largest count 10 and a
	# quarter of it, rounded up: 3), the colour scale from the smallest
	# max drawn to the largest, 100 + m % 30: web at minutes 7 and 157
	# (107) and 57 and 207 (127); db 109, 114; cache 108, 118; no "no max"
	# entry.
	overview_metrics > m.ndjson
	ad-alert --report --window 10m m.ndjson > rep.ndjson
	run ad-plot --overview -o ov.svg rep.ndjson
	assert_success
	run legend_parts ov.svg
	assert_output "sizes=2 labels=anomalies,10,3,max,127,107 scale=11 nomax=0"
	# Firing alerts without a max: sizes for 3 and ceil(3 / 4) = 1, no
	# colour scale, the grey "no max" entry; the resolved alert draws
	# nothing.
	{
		echo '{"alert":"r","id":"a","status":"firing","ts":1763683200,"count":3}'
		echo '{"alert":"r","id":"b","status":"firing","ts":1763683800,"count":3}'
		echo '{"alert":"r","id":"a","status":"resolved","ts":1763684400,"count":0}'
	} > alerts.ndjson
	run ad-plot --overview -o al.svg alerts.ndjson
	assert_success
	assert_equal "$(svg_count al.svg bubble)" 2
	run legend_parts al.svg
	assert_output "sizes=2 labels=anomalies,3,1,no max scale=0 nomax=1"
	# A count of 1 and one max: one size, one label on the scale.
	echo '{"alert":"r","id":"a","status":"firing","ts":1763683200,"count":1,"max":7}' > one.ndjson
	run ad-plot --overview -o one.svg one.ndjson
	assert_success
	run legend_parts one.svg
	assert_output "sizes=1 labels=anomalies,1,max,7 scale=11 nomax=0"
	# Only calm windows: rows, no bubble, no legend, and the axis says so.
	grep -v '"anomaly":true' m.ndjson | ad-alert --report --window 10m > calm.ndjson
	run ad-plot --overview -o calm.svg calm.ndjson
	assert_success
	assert_equal "$(svg_count calm.svg key)" 4
	assert_equal "$(svg_count calm.svg bubble)" 0
	run legend_parts calm.svg
	assert_output none
	grep -q 'no anomalies' calm.svg
}

@test "--overview: bad records and conflicting options" {
	printf '%s\n' '{"id":"a","value":1}' > bad.ndjson
	run --separate-stderr ad-plot --overview -o ov.svg bad.ndjson
	assert_equal "$status" 65
	assert_equal "$stderr" "ad-plot: bad.ndjson:1: no numeric 'count': not a report or alert record"
	run ad-plot --overview --histogram bad.ndjson
	assert_equal "$status" 64
}

@test "--strict stops at the first bad record: what came before, one message, 65" {
	{ head -5 series.ndjson; echo 'bad'; sed -n 6,100p series.ndjson; echo '[1]'; tail -n +101 series.ndjson; } > b.ndjson
	run --separate-stderr ad-plot -o all.svg b.ndjson
	assert_equal "$status" 65
	assert_equal "${#stderr_lines[@]}" 2
	run svg_count all.svg panel
	assert_output 2
	run --separate-stderr ad-plot --strict -o first.svg b.ndjson
	assert_equal "$status" 65
	assert_equal "$stderr" "ad-plot: b.ndjson:6: invalid JSON at column 3: invalid token near 'bad'"
	# the five records before it, all of one key: one panel
	run svg_count first.svg panel
	assert_output 1
}

# classes FILE: "class count" for each class of SVG element, sorted
classes() {
	python3 -c '
import sys, collections, xml.etree.ElementTree as ET
c = collections.Counter(k for e in ET.parse(sys.argv[1]).getroot().iter() for k in (e.get("class") or "").split())
print(" ".join("%s=%d" % kv for kv in sorted(c.items())))' "$1"
}

@test "histogram: --bins, --label, --normal and --field, counted from the data" {
	run ad-plot --histogram --bins 10 -o h.svg scores.ndjson
	assert_success
	# one bar per non-empty (bin, class): bins of 0.1, the last closed
	expected=$(python3 -c '
import json, sys
b = {"attack": set(), "normal": set()}
for l in open("scores.ndjson"):
    r = json.loads(l)
    b["normal" if r["label"] == "normal." else "attack"].add(min(int(r["score"] * 10), 9))
print(len(b["attack"]), len(b["normal"]))')
	assert_equal "$(svg_count h.svg attack) $(svg_count h.svg normal)" "$expected"
	assert_equal "$(svg_count h.svg bar)" "$(( ${expected% *} + ${expected#* } ))"
	# eleven ticks for ten bins, where the default has 50
	assert_equal "$(svg_count h.svg xtick)" 11
	# other names for the score, the label and the normal value: the same picture
	jq -c '{p: .score, truth: (if .label == "normal." then "benign" else .label end)}' scores.ndjson > renamed.ndjson
	run ad-plot --histogram --bins 10 --field p --label truth --normal benign -o r.svg renamed.ndjson
	assert_success
	assert_equal "$(classes r.svg)" "$(classes h.svg)"
	# without --normal, no record is normal
	run ad-plot --histogram --bins 10 --field p --label truth -o n.svg renamed.ndjson
	assert_success
	assert_equal "$(svg_count n.svg normal)" 0
}

@test "series: --id, --time, --field name the fields; --title is the escaped heading" {
	run ad-plot -o s.svg series.ndjson
	assert_success
	sed 's/"id":/"host":/; s/"ts":/"when":/; s/"value":/"cpu":/' series.ndjson > renamed.ndjson
	run ad-plot --id host --time when --field cpu -o r.svg renamed.ndjson
	assert_success
	assert_equal "$(classes r.svg)" "$(classes s.svg)"
	run svg_count r.svg panel
	assert_output 2
	run ad-plot --title 'load <&> "x"' -o t.svg series.ndjson
	assert_success
	grep -q '>load &lt;&amp;&gt; "x"<' t.svg || grep -q '>load &lt;&amp;&gt; &quot;x&quot;<' t.svg
}
