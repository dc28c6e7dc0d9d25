# Shared set-up for the bats suites: the binaries under test first on
# PATH, a C locale and UTC, a scratch directory, and where the shared KDD
# data lives (tests that need it skip, saying so, when it is absent).
bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

export LC_ALL=C TZ=UTC
TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
export PATH="${ADPIPE_BIN:-$TOP/bin}:$PATH"
FIXTURES="$TOP/tests/fixtures"
GOLDEN="$TOP/tests/golden"
KDD10="${ADPIPE_SHARED:-$TOP/../shared}/data/kdd99/kddcup.data_10_percent.gz"

need_kdd10() {
	[ -r "$KDD10" ] || skip "real KDD 10% file absent ($KDD10)"
}

# man_examples PROG: the command lines (.Dl) of the EXAMPLES section of
# man/PROG.1, unescaped, one per line, so tests run them as printed.
man_examples() {
	sed -n '/^\.Sh EXAMPLES/,/^\.Sh /p' "$TOP/man/$1.1" | grep -E '^\.Dl ' |
		sed 's/^\.Dl //; s/\\-/-/g; s/\\(dq/"/g; s/\\e/\\/g'
}
