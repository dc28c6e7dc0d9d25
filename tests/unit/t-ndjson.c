/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/* Unit tests for lib/ndjson and lib/buf: parsing rules and the writer. */
#include "io/ndjson.h"
#include "tap.h"

static const char *
dump(const char *in)
{
	static struct buf b;
	static char why[200];
	json_t *v = ndjson_parse(in, strlen(in), why, sizeof(why));

	buf_reset(&b);
	if (v == NULL)
		return why;
	ndjson_dump(&b, v);
	json_decref(v);
	return b.data;
}

int
main(void)
{
	struct buf b;

	is_str(dump("{\"a\":1,\"b\":\"x\",\"c\":[true,false,null]}"),
	    "{\"a\":1,\"b\":\"x\",\"c\":[true,false,null]}", "round trip");
	is_str(dump("{\"z\":1,\"a\":2,\"m\":3}"), "{\"z\":1,\"a\":2,\"m\":3}",
	    "field order kept");
	is_str(dump("{\"r\":0.05,\"s\":0.1,\"t\":1e300,\"u\":2.0}"),
	    "{\"r\":0.05,\"s\":0.1,\"t\":1e+300,\"u\":2.0}",
	    "shortest round-trip reals");
	is_str(dump("{\"s\":\"tab\\there \\u0001 \\\"q\\\" \\u00e9\"}"),
	    "{\"s\":\"tab\\there \\u0001 \\\"q\\\" \xc3\xa9\"}", "escapes");
	is_str(dump("[1,2]"), "expected a JSON object, got an array",
	    "array rejected");
	is_str(dump("42"), "expected a JSON object, got a number",
	    "number rejected");
	ok(strncmp(dump("{\"a\":"), "invalid JSON at column", 22) == 0,
	    "truncated object rejected");
	ok(strncmp(dump("{\"a\":NaN}"), "invalid JSON", 12) == 0,
	    "NaN rejected");
	ok(strncmp(dump("{\"a\":1} x"), "invalid JSON", 12) == 0,
	    "trailing garbage rejected");
	ok(strncmp(dump("{\"a\":\"\xff\"}"), "invalid JSON", 12) == 0,
	    "invalid UTF-8 rejected");
	ok(strncmp(dump("{\"a\":1,\"a\":2}"), "invalid JSON", 12) == 0,
	    "duplicate keys rejected");
	is_str(dump(""), "empty line", "empty line rejected");
	{
		char bin[] = "{\"a\":1}\0junk";
		char why[200];

		ok(ndjson_parse(bin, sizeof(bin) - 1, why, sizeof(why)) == NULL,
		    "NUL byte inside a line rejected");
	}
	buf_init(&b);
	buf_add_double(&b, 1.0 / 0.0);
	is_str(b.data, "null", "infinity written as null");
	buf_reset(&b);
	buf_add_double(&b, 0.1 + 0.2);
	is_str(b.data, "0.30000000000000004", "17 digits when needed");
	buf_reset(&b);
	buf_add_double(&b, 100);
	is_str(b.data, "100.0", "a real stays a real");
	buf_reset(&b);
	buf_add_double(&b, 1e-5);
	is_str(b.data, "0.00001", "small reals as dtoa_json() writes them");
	buf_release(&b);
	return tap_done();
}
