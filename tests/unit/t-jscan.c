/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/* Unit tests for lib/jscan: the flat-record scanner agrees with jansson. */
#include <string.h>

#include "base/jscan.h"
#include "tap.h"

static enum jscan_result
scan(struct jscan *s, const char *line)
{
	return jscan_object(s, line, strlen(line));
}

/* What a line holds besides ASCII and short numbers. */
static void
test_flags(void)
{
	struct jscan s;

	jscan_init(&s);
	ok(scan(&s, "{\"a\":\"x\",\"b\":1.5e10,\"c\":123456789012345678}") ==
		    JSCAN_OK &&
		s.flags == 0 && !s.m[0].escaped,
	    "flags: plain line");
	ok(scan(&s, "{\"a\":\"x\\ty\"}") == JSCAN_OK && s.flags == 0 &&
		s.m[0].escaped,
	    "flags: escaped string");
	ok(scan(&s, "{\"a\":\"\\u0041\"}") == JSCAN_OK &&
		s.flags == JSCAN_UESCAPE && s.m[0].escaped,
	    "flags: \\u escape");
	ok(scan(&s, "{\"a\":\"\xc3\xa9\"}") == JSCAN_OK &&
		s.flags == JSCAN_UTF8 && !s.m[0].escaped,
	    "flags: UTF-8 value");
	ok(scan(&s, "{\"\xc3\xa9\":1}") == JSCAN_OK && s.flags == JSCAN_UTF8,
	    "flags: UTF-8 key");
	ok(scan(&s, "{\"\xc3\xa9\":2}") == JSCAN_OK && s.same_shape &&
		s.flags == JSCAN_UTF8,
	    "flags: UTF-8 key of a kept shape");
	ok(scan(&s, "{\"a\":1234567890123456789}") == JSCAN_OK &&
		s.flags == JSCAN_BIGNUM,
	    "flags: 19 integer digits");
	ok(scan(&s, "{\"a\":1e100}") == JSCAN_OK && s.flags == JSCAN_BIGNUM,
	    "flags: 3 exponent digits");
	ok(scan(&s, "{\"a\":1e-99,\"b\":-0.5E+10}") == JSCAN_OK && s.flags == 0,
	    "flags: 2 exponent digits");
	ok(scan(&s, "{\"a\":1e-400}") == JSCAN_OK && s.flags == JSCAN_BIGNUM,
	    "flags: underflow is accepted, as by jansson");
	ok(scan(&s,
	       "{\"a\":"
	       "1234567890123456789012345678901234567890123456789012345678901"
	       "234567890123456789012345678901234567890123456789012345678901"
	       "234567890123456789012345678901234567890123456789012345678901"
	       "234567890123456789012345678901234567890123456789012345678901"
	       "234567890123456789012345678901234567890e99}") == JSCAN_INVALID,
	    "flags: overflow with a 2-digit exponent");
	jscan_release(&s);
}

/* Keys checked against the shape kept from the line before. */
static void
test_shape(void)
{
	struct jscan s;

	jscan_init(&s);
	ok(scan(&s, "{\"ab\":1,\"c\":2}") == JSCAN_OK && !s.same_shape,
	    "shape: first line");
	ok(scan(&s, "{ \"ab\" : 3 , \"c\":4 }") == JSCAN_OK && s.same_shape &&
		s.m[1].vallen == 1 && *s.m[1].val == '4',
	    "shape: same keys, other blanks");
	ok(scan(&s, "{\"abc\":1,\"c\":2}") == JSCAN_OK && !s.same_shape &&
		s.m[0].keylen == 3,
	    "shape: longer key");
	ok(scan(&s, "{\"ab\":1,\"c\":2}") == JSCAN_OK && !s.same_shape &&
		s.m[0].keylen == 2,
	    "shape: shorter key");
	ok(scan(&s, "{\"ab\":1,\"ab\":2}") == JSCAN_INVALID,
	    "shape: duplicate of a kept key");
	ok(scan(&s, "{\"ab\":1,\"c\":2,\"ab\":3}") == JSCAN_INVALID,
	    "shape: duplicate after the kept keys");
	ok(scan(&s, "{\"ab\":1,\"c\"") == JSCAN_INVALID,
	    "shape: line ends in a kept key");
	ok(scan(&s, "{\"ab\":1}") == JSCAN_OK && !s.same_shape && s.n == 1,
	    "shape: fewer keys");
	ok(scan(&s, "{\"\":1}") == JSCAN_OK &&
		scan(&s, "{\"\":2}") == JSCAN_OK && s.same_shape,
	    "shape: an empty key (no key bytes kept)");
	s.escaped_keys_ok = true;
	ok(scan(&s, "{\"a\\u0062\":1}") == JSCAN_OK,
	    "shape: escaped key when allowed");
	s.escaped_keys_ok = false;
	ok(scan(&s, "{\"a\\u0062\":1}") == JSCAN_DECLINED,
	    "shape: the same escaped key declined");
	jscan_release(&s);
}

/* Numbers converted as jansson converts them. */
static void
test_number(void)
{
	ok(jscan_number("0.05", 4) == 0.05, "number: 0.05 exact");
	ok(jscan_number("-12345678901234567", 18) == -12345678901234567.0,
	    "number: long integer via strtod");
	ok(jscan_number("1e-7", 4) == 1e-7, "number: exponent");
	ok(jscan_number("-0.125", 6) == -0.125, "number: negative");
	ok(jscan_number("9223372036854775807", 19) == 9223372036854775807.0,
	    "number: largest int64");
	ok(jscan_number("0.1000000000000000055511151231257827", 36) == 0.1,
	    "number: many digits");
}

int
main(void)
{
	struct jscan s;
	const struct jscan_member *m;

	jscan_init(&s);
	ok(scan(&s, "{\"a\":1,\"b\":\"x\",\"c\":0.5,\"d\":true,\"e\":null}") ==
		    JSCAN_OK &&
		s.n == 5,
	    "flat object");
	ok(s.m[0].type == JSCAN_NUMBER && s.m[0].integer, "integer member");
	ok(s.m[2].type == JSCAN_NUMBER && !s.m[2].integer, "real member");
	ok(s.m[1].type == JSCAN_STRING && s.m[1].vallen == 3,
	    "string keeps quotes");
	m = jscan_find(&s, "c", 1);
	ok(m != NULL && m->vallen == 3 && memcmp(m->val, "0.5", 3) == 0,
	    "find by key");
	ok(jscan_find(&s, "z", 1) == NULL, "find missing key");
	ok(scan(&s, "{\"a\":2,\"b\":\"y\",\"c\":1e3,\"d\":false,\"e\":null}") ==
		    JSCAN_OK &&
		s.same_shape,
	    "same shape recognised");
	ok(jscan_find(&s, "d", 1) == &s.m[3], "find with a reused shape");
	ok(scan(&s, "{\"a\":2,\"b\":\"y\"}") == JSCAN_OK && !s.same_shape,
	    "shorter record is a new shape");
	ok(scan(&s, "  { } ") == JSCAN_OK && s.n == 0, "empty object");
	ok(scan(&s, "{\"a\":1,\"a\":2}") == JSCAN_INVALID, "duplicate key");
	ok(scan(&s, "{\"a\":1,\"b\":2,\"a\":3}") == JSCAN_INVALID,
	    "duplicate key after a shape change");
	ok(scan(&s, "{\"a\":01}") == JSCAN_INVALID, "leading zero");
	ok(scan(&s, "{\"a\":1.}") == JSCAN_INVALID, "bare point");
	ok(scan(&s, "{\"a\":NaN}") == JSCAN_INVALID, "NaN literal");
	ok(scan(&s, "{\"a\":1e999}") == JSCAN_INVALID, "real overflow");
	ok(scan(&s, "{\"a\":99999999999999999999}") == JSCAN_INVALID,
	    "integer beyond int64");
	ok(scan(&s, "{\"a\":9223372036854775807}") == JSCAN_OK,
	    "largest int64");
	ok(scan(&s, "{\"a\":\"\\u0000\"}") == JSCAN_INVALID, "\\u0000");
	ok(scan(&s, "{\"a\":\"\\ud800\"}") == JSCAN_INVALID, "lone surrogate");
	ok(scan(&s, "{\"a\":\"\\ud83d\\ude00\"}") == JSCAN_OK,
	    "surrogate pair");
	ok(scan(&s, "{\"a\":\"\xc3\xa9\"}") == JSCAN_OK, "UTF-8");
	ok(scan(&s, "{\"a\":\"\xc3\"}") == JSCAN_INVALID, "truncated UTF-8");
	ok(scan(&s, "{\"a\":\"\xed\xa0\x80\"}") == JSCAN_INVALID,
	    "UTF-8 surrogate");
	ok(scan(&s, "{\"a\":\"\t\"}") == JSCAN_INVALID, "raw control char");
	ok(scan(&s, "{\"a\":1} x") == JSCAN_INVALID, "trailing garbage");
	ok(scan(&s, "[1]") == JSCAN_INVALID, "array is not a record");
	ok(scan(&s, "{\"a\":1,}") == JSCAN_INVALID, "trailing comma");
	ok(scan(&s, "{\"a\":[1,{\"b\":2}]}") == JSCAN_DECLINED,
	    "nested value declined");
	ok(scan(&s, "{\"a\\u0062\":1}") == JSCAN_DECLINED,
	    "escaped key declined");
	ok(scan(&s, "{\"a\":{\"\":1,\"\":2}}") == JSCAN_DECLINED,
	    "nested duplicate keys left to jansson");
	s.nested_ok = true;
	ok(scan(&s, "{\"a\":[1,{\"b\":2}],\"c\":3}") == JSCAN_OK && s.n == 2 &&
		s.m[0].type == JSCAN_ARRAY,
	    "nested value accepted when allowed");
	ok(scan(&s, "{\"a\":[1,}") == JSCAN_INVALID, "bad nested value");
	jscan_release(&s);
	test_flags();
	test_shape();
	test_number();
	ok(jscan_is_number("0", 1, true) && jscan_is_number("-12", 3, true) &&
		jscan_is_number("1E+2", 4, false),
	    "jscan_is_number: integers and exponents");
	ok(!jscan_is_number("", 0, false) && !jscan_is_number("-", 1, false) &&
		!jscan_is_number("1e", 2, false) &&
		!jscan_is_number("1.5", 3, true) &&
		!jscan_is_number("1 ", 2, false),
	    "jscan_is_number: the whole text or nothing");
	return tap_done();
}
