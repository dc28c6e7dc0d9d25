#!/usr/bin/env bats
# Each program's --help comes from its option table; its man page must say
# the same: the SYNOPSIS is the usage text, and every option --help lists
# has an entry in the page's option list, and back.

load ../helpers/common

PROGS="kdd-gen ad-clean ad-stl ad-classify ad-train-rf ad-score ad-forecast
ad-detect ad-alert ad-plot"

# help_usage PROG [CMD]: the usage text of --help, words on one line.
help_usage() {
	"$@" --help | sed '/^$/q' | sed 's/^usage: //' | xargs
}

# man_synopsis PROG: the page's SYNOPSIS as rendered, words on one line.
man_synopsis() {
	groff -mdoc -Tascii -P-c -P-b -P-u "$TOP/man/$1.1" 2>/dev/null |
		sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d' |
		sed 's/‐/-/g' | xargs
}

# help_options PROG [CMD]: every option name --help lists, one per line.
help_options() {
	"$@" --help | sed '1,/^$/d' | grep -E '^ +-' |
		grep -oE '^ +(-[A-Za-z0-9](, --[a-z0-9-]+)?|--[a-z0-9-]+)' |
		tr ',' '\n' | tr -d ' ' | sort -u
}

# man_options PROG: every option named at the head of a .It line.
man_options() {
	grep -E '^\.It Fl ' "$TOP/man/$1.1" | tr -d '\\' |
		grep -oE 'Fl -?[A-Za-z0-9][a-z0-9-]*' | sed 's/^Fl /-/' | sort -u
}

@test "every man page SYNOPSIS is the program's usage text" {
	for p in $PROGS; do
		use=$(help_usage "$p")
		[ -n "$use" ] || fail "$p: no usage text"
		assert_equal "$p: $(man_synopsis "$p")" "$p: $use"
	done
}

@test "every option in --help has a man page entry, and back" {
	for p in $PROGS; do
		case $p in
		ad-forecast) opts=$( (help_options ad-forecast train; help_options ad-forecast run) | sort -u) ;;
		*) opts=$(help_options "$p") ;;
		esac
		[ -n "$opts" ] || fail "$p: --help lists no options"
		assert_equal "$p: $(man_options "$p" | xargs)" "$p: $(echo "$opts" | xargs)"
	done
}

@test "every program lists the shared options in --help" {
	for p in $PROGS; do
		case $p in
		ad-forecast) set -- ad-forecast run ;;
		*) set -- "$p" ;;
		esac
		opts=$(help_options "$@" | xargs)
		for o in -h --help -V --version -v --verbose -q --quiet -X -F \
			--reject --strict --max-line --timeout; do
			[[ " $opts " == *" $o "* ]] || fail "$p: $o missing from --help"
		done
	done
}

@test "a bad number names its option and exits 64 with the synopsis" {
	run --separate-stderr ad-classify --stable-var 2
	assert_failure 64
	assert_equal "${stderr_lines[0]}" "ad-classify: --stable-var: 2 is out of range [0, 1]"
	assert_equal "${stderr_lines[1]%% *}" "usage:"
	assert_output ""
}
