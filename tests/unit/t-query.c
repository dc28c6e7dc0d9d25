/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/* Unit tests for lib/base/query: splitting "a=b&c=d". */
#include "tap.h"
#include "base/query.h"

static int
span_is(const char *p, size_t n, const char *want)
{
	return strlen(want) == n && memcmp(p, want, n) == 0;
}

int
main(void)
{
	const char *pos = "group=g1&&offset=earliest&key&x=a=b&";
	struct query_param qp;
	int n = 0;

	ok(query_next(&pos, &qp) && span_is(qp.name, qp.namelen, "group") &&
		span_is(qp.value, qp.valuelen, "g1") && qp.has_value,
	    "name and value");
	ok(query_next(&pos, &qp) && span_is(qp.name, qp.namelen, "offset") &&
		span_is(qp.text, qp.len, "offset=earliest"),
	    "an empty parameter is skipped; text is the whole parameter");
	ok(query_next(&pos, &qp) && span_is(qp.name, qp.namelen, "key") &&
		!qp.has_value && qp.valuelen == 0 && *qp.value == '\0',
	    "no '=': empty value");
	ok(query_next(&pos, &qp) && span_is(qp.name, qp.namelen, "x") &&
		span_is(qp.value, qp.valuelen, "a=b"),
	    "the value runs from the first '='");
	ok(!query_next(&pos, &qp), "a trailing '&' ends it");
	ok(!query_next(&pos, &qp), "and it stays ended");

	pos = NULL;
	ok(!query_next(&pos, &qp), "NULL: no parameters");
	pos = "";
	ok(!query_next(&pos, &qp), "empty text: no parameters");
	pos = "&&&";
	while (query_next(&pos, &qp))
		n++;
	ok(n == 0, "only separators: no parameters");
	pos = "=v";
	ok(query_next(&pos, &qp) && qp.namelen == 0 &&
		span_is(qp.value, qp.valuelen, "v"),
	    "an empty name is the caller's to reject");
	return tap_done();
}
