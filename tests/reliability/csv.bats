#!/usr/bin/env bats
# kdd-gen against bad CSV (issue 9, case 13): quotes, embedded newlines,
# CRLF, too few and too many columns, binary junk; good rows around each
# are still written.

load ../helpers/common

setup() {
	cd "$BATS_TEST_TMPDIR"
	sed -n 1p "$FIXTURES/kdd/sample.csv" > good1
	sed -n 2p "$FIXTURES/kdd/sample.csv" > good2
}

# run_case BAD-TEXT: good1, the bad text, good2 through kdd-gen --in-order.
run_case() {
	{ cat good1; printf '%b' "$1"; cat good2; } > in.csv
	run --separate-stderr kdd-gen --in-order --reject rej.csv in.csv
	[ "$status" -lt 128 ]
}

@test "csv: CRLF line endings are accepted" {
	{ sed 's/$/\r/' good1; sed 's/$/\r/' good2; } > in.csv
	run kdd-gen --in-order in.csv
	assert_success
	assert_equal "${#lines[@]}" 2
	refute_output --partial '\r'
}

@test "csv: too few columns" {
	run_case '0,tcp,http,SF\n'
	assert_equal "$status" 65
	assert_equal "${#lines[@]}" 2
	[[ "$stderr" == "kdd-gen: in.csv:2: expected 42 fields, got 4" ]]
	run cat rej.csv
	assert_output "0,tcp,http,SF"
}

@test "csv: too many columns" {
	run_case "$(sed 's/$/,extra/' good1)\n"
	assert_equal "$status" 65
	assert_equal "${#lines[@]}" 2
	[[ "$stderr" == "kdd-gen: in.csv:2: expected 42 fields, got 43" ]]
}

@test "csv: a quoted field with a comma and an embedded newline is one field" {
	run_case "$(sed 's/,http,/,"ht\\ntp,x",/' good1)\n"
	assert_equal "$status" 0
	assert_equal "${#lines[@]}" 3
	assert_line --index 1 --partial '"service":"ht\ntp,x"'
}

@test "csv: a stray quote is malformed quoting" {
	run_case '0,"tcp"x,http\n'
	assert_equal "$status" 65
	assert_equal "${#lines[@]}" 2
	[[ "$stderr" == "kdd-gen: in.csv:2: malformed quoting" ]]
}

@test "csv: binary junk is rejected, not a crash" {
	head -c 20000 /dev/urandom | tr -d '"' > junk
	{ cat good1 junk; echo; cat good2; } > in.csv
	run --separate-stderr kdd-gen --in-order in.csv
	assert_equal "$status" 65
	assert_line --index 0 --partial '"index":0'
	[[ "${lines[-1]}" == *'"duration"'* ]]
}

@test "csv: an empty file gives no records and exit 0" {
	: > in.csv
	run kdd-gen --in-order in.csv
	assert_success
	assert_output ""
}
