/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/* Unit tests for lib/jscan: the flat-record scanner agrees with jansson. */
#include <string.h>

#include <jansson.h>
#include <stdio.h>

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

/*
 * The template of the line before: a line with the same text around its
 * values has only its values scanned, and must come out as a full scan
 * would.
 */
static void
test_template(void)
{
	struct jscan s;
	const char *base = "{\"id\":\"k1\",\"t\":\"2014-01-01 00:00:00\","
			   "\"x\":1.5,\"ok\":true,\"z\":null}";

	jscan_init(&s);
	ok(scan(&s, base) == JSCAN_OK && !s.same_shape && s.n == 5,
	    "template: first line");
	ok(scan(&s, "{\"id\":\"key2\",\"t\":\"2014-01-01 00:05:00\","
		    "\"x\":-20,\"ok\":false,\"z\":3e5}") == JSCAN_OK &&
		s.same_shape && s.n == 5 && s.m[0].vallen == 6 &&
		memcmp(s.m[0].val, "\"key2\"", 6) == 0 &&
		s.m[2].type == JSCAN_NUMBER && s.m[2].integer &&
		s.m[3].type == JSCAN_FALSE && s.m[4].type == JSCAN_NUMBER &&
		!s.m[4].integer && s.m[1].keylen == 1 && *s.m[1].key == 't',
	    "template: other values, every member right");
	ok(jscan_find(&s, "ok", 2) == &s.m[3], "template: find");
	ok(scan(&s, "{\"id\":\"k\\u00e9\",\"t\":\"\xc3\xa9\",\"x\":1,"
		    "\"ok\":true,\"z\":12345678901234567890e1}") == JSCAN_OK &&
		s.same_shape && s.m[0].escaped && !s.m[1].escaped &&
		s.flags == (JSCAN_UESCAPE | JSCAN_UTF8 | JSCAN_BIGNUM),
	    "template: the flags of the values");
	ok(scan(&s, "{\"id\":\"k\x01\",\"t\":\"\",\"x\":1,\"ok\":true,"
		    "\"z\":null}") == JSCAN_INVALID,
	    "template: a control character in a value");
	ok(scan(&s, base) == JSCAN_OK &&
		scan(&s, "{\"id\":\"k\",\"t\":\"\",\"x\":01,"
			 "\"ok\":true,\"z\":null}") == JSCAN_INVALID,
	    "template: a leading zero");
	ok(scan(&s, base) == JSCAN_OK &&
		scan(&s, "{\"id\":\"k\",\"t\":\"\",\"x\":1.,\"ok\":true,"
			 "\"z\":null}") == JSCAN_INVALID,
	    "template: a point without digits");
	ok(scan(&s, base) == JSCAN_OK &&
		scan(&s, "{\"id\":\"k\",\"t\":\"\",\"x\":1,\"ok\":truex,"
			 "\"z\":null}") == JSCAN_INVALID,
	    "template: a word after a literal");
	ok(scan(&s, base) == JSCAN_OK &&
		scan(&s, "{\"id\":\"k\",\"t\":\"\",\"x\":1,\"ok\":true,"
			 "\"z\":null}x") == JSCAN_INVALID,
	    "template: text after the object");
	ok(scan(&s, base) == JSCAN_OK &&
		scan(&s, "{\"id\":\"k\",\"t\":\"\",\"x\":1,\"ok\":true,"
			 "\"z\":null") == JSCAN_INVALID,
	    "template: no closing brace");
	ok(scan(&s, base) == JSCAN_OK &&
		scan(&s, "{\"id\":\"k\",\"t\":\"\",\"x\":1,\"ok\":true,"
			 "\"z\":[1]}") == JSCAN_DECLINED,
	    "template: a nested value is declined");
	ok(scan(&s, "{\"id\":\"k\",\"t\":\"\",\"x\":1,\"ok\":true,"
		    "\"z\":null}") == JSCAN_OK &&
		s.same_shape,
	    "template: after a declined line, still the same keys");
	ok(scan(&s, base) == JSCAN_OK &&
		scan(&s, "{\"id\":\"k\",\"id\":\"\",\"x\":1,\"ok\":true,"
			 "\"z\":null}") == JSCAN_INVALID,
	    "template: a duplicate key");
	ok(scan(&s, base) == JSCAN_OK &&
		scan(&s, "{\"id\":\"k\", \"t\":\"\",\"x\":1,\"ok\":true,"
			 "\"z\":null}") == JSCAN_OK &&
		s.same_shape && s.m[1].keylen == 1 && *s.m[1].key == 't',
	    "template: other blanks, the same keys");
	ok(scan(&s, "{\"id\":\"k\",\"t\":\"\",\"x\":1,\"ok\":true}") ==
		    JSCAN_OK &&
		!s.same_shape && s.n == 4,
	    "template: a member fewer");
	ok(scan(&s, "{\"id\":\"k\",\"t\":\"\",\"x\":1,\"ok\":true}") ==
		    JSCAN_OK &&
		s.same_shape && s.n == 4,
	    "template: kept from the new shape");
	jscan_release(&s);
}

/*
 * Strings and digit runs are tested a word at a time: a byte of each
 * kind at every place of values up to 40 bytes long, each line scanned
 * by a new scanner and through the template of a plain line, both
 * agreeing with jansson on whether the line is JSON.
 */
static void
test_runs(void)
{
	static const char *const in_string[] = {"\"", "\\", "\\n", "\x01",
	    "\x1f", "\x7f", "\x80", "\xc3\xa9", "\xc3", "\xed\xa0\x80", " "};
	static const char *const in_number[] = {
	    "a", ".", "e", "e5", "/", ":", "-", " ", "0", "\"", "E+1", ".5"};
	struct jscan fresh, kept;
	char line[128], body[64];
	size_t bad = 0, checked = 0;

	jscan_init(&kept);
	for (int kind = 0; kind < 2; kind++) {
		const char *const *ins = kind ? in_number : in_string;
		size_t nins = kind ? sizeof(in_number) / sizeof(*in_number)
				   : sizeof(in_string) / sizeof(*in_string);

		for (size_t len = 1; len <= 40; len++)
			for (size_t at = 0; at <= len; at++)
				for (size_t k = 0; k < nins; k++) {
					json_t *v;
					enum jscan_result r1, r2;
					bool good;

					memset(body, kind ? '7' : 'a', len);
					body[len] = '\0';
					/* a real: the integer part stays short */
					if (kind)
						body[0] = '1', body[1] = '.';
					snprintf(line, sizeof(line),
					    kind ? "{\"k\":%.*s%s%s,\"n\":1}"
						 : "{\"k\":\"%.*s%s%s\",\"n\":"
						   "1}",
					    (int)at, body, ins[k], body + at);
					v = json_loads(line, 0, NULL);
					good = v != NULL;
					json_decref(v);
					jscan_init(&fresh);
					r1 = scan(&fresh, line);
					jscan_release(&fresh);
					scan(&kept,
					    kind ? "{\"k\":1,\"n\":1}"
						 : "{\"k\":\"\",\"n\":1}");
					r2 = scan(&kept, line);
					checked++;
					if ((r1 == JSCAN_OK) != good ||
					    (r2 == JSCAN_OK) != good) {
						if (bad++ < 5)
							printf("# %s: %d %d, "
							       "jansson %d\n",
							    line, r1, r2, good);
					}
				}
	}
	jscan_release(&kept);
	ok(bad == 0 && checked > 10000,
	    "runs: %zu lines, each agreeing with jansson twice", checked);
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
	test_template();
	test_runs();
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
