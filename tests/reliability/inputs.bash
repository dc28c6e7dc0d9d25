# The bad-input matrix of issue 9: make_case NAME DIR writes DIR/in.ndjson
# holding GOOD1, one bad thing, GOOD2 (so the bad line is line 2, except
# where said), for the record shape in $SHAPE (kdd or metric).

# good N: good input of the current shape, told apart by N: one KDD
# record, one metric point, or for a series the first point (N=1) or the
# 47 after it (N=2), twelve periods of 4 in all.
good() {
	case $SHAPE in
	kdd) sed -n "${1}p" "$FIXTURES/reliability/kdd.ndjson" ;;
	metric) printf '{"id":"m","ts":%d,"value":%d.5}\n' $((1700000040000 + $1 * 60000)) "$1" ;;
	series)
		local i from=0 to=0
		[ "$1" = 2 ] && from=1 && to=47
		for i in $(seq $from $to); do
			printf '{"id":"m","ts":%d,"value":%s}\n' $((1700000040000 + i * 60000)) \
				"$(( (i % 4) * 10 + i / 4 )).25"
		done ;;
	esac
}

# A record with one field replaced: with_field NAME JSON-VALUE.
with_field() {
	good 2 | head -n 1 | jq -c --argjson v "$2" ".$1 = \$v"
}

without_field() {
	good 2 | head -n 1 | jq -c "del(.$1)"
}

value_field() { [ "$SHAPE" = kdd ] && echo src_bytes || echo value; }

CASES="empty blank notjson truncated array scalar utf8 nul hugeline nan infinity bignum wrongtype missing duplicate deep binary"

make_case() {
	local f=$2/in.ndjson v
	v=$(value_field)
	case $1 in
	empty) : > "$f"; return ;;
	binary) head -c 65536 /dev/urandom | tr -d '\n' > "$2/junk"
		{ good 1; cat "$2/junk"; echo; good 2; } > "$f"; return ;;
	esac
	{
		good 1
		case $1 in
		blank) echo ;;
		notjson) echo 'this is not json' ;;
		truncated) good 1 | head -c 40; echo ;;
		array) echo '[1,2,3]' ;;
		scalar) echo '42' ;;
		utf8) printf '{"id":"\377\376","value":1}\n' ;;
		nul) printf '{"id":"a\000b","ts":1700000000000,"value":1}\n' ;;
		hugeline) head -c $((100 << 20)) /dev/zero | tr '\0' 'x'; echo ;;
		nan) good 1 | sed -E "s/\"$v\":[^,}]*/\"$v\":NaN/" ;;
		infinity) good 1 | sed -E "s/\"$v\":[^,}]*/\"$v\":Infinity/" ;;
		bignum) good 1 | sed -E "s/\"$v\":[^,}]*/\"$v\":1e999/" ;;
		wrongtype) with_field "$v" '"abc"' ;;
		missing) without_field "$v" ;;
		duplicate) good 1 | sed -E "s/^\{/{\"$v\":1,/" ;;
		deep) python3 -c 'print("{\"a\":" + "[" * 100000 + "]" * 100000 + "}")' ;;
		esac
		good 2
	} > "$f"
}
