/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/* Unit tests for lib/jscan: the flat-record scanner agrees with jansson. */
#include <string.h>

#include "jscan.h"
#include "tap.h"

static enum jscan_result
scan(struct jscan *s, const char *line)
{
	return jscan_object(s, line, strlen(line));
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
	s.nested_ok = true;
	ok(scan(&s, "{\"a\":[1,{\"b\":2}],\"c\":3}") == JSCAN_OK && s.n == 2 &&
		s.m[0].type == JSCAN_ARRAY,
	    "nested value accepted when allowed");
	ok(scan(&s, "{\"a\":[1,}") == JSCAN_INVALID, "bad nested value");
	jscan_release(&s);
	return tap_done();
}
