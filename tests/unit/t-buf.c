/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/buf: growth and NUL termination, reset and release,
 * formatted appends, RFC 8259 string escaping, shortest round-trip
 * doubles, integers at their limits, and large appends.
 */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "base/buf.h"
#include "base/prng.h"
#include "tap.h"

/* Encode n bytes of s as a JSON string into a fresh buffer. */
static const char *
js(struct buf *b, const char *s, size_t n)
{
	buf_reset(b);
	buf_add_json_string(b, s, n);
	return b->data;
}

static const char *
dbl(struct buf *b, double v)
{
	buf_reset(b);
	buf_add_double(b, v);
	return b->data;
}

int
main(void)
{
	struct buf b;
	char big[5000], ctl[32];
	struct prng rng;
	size_t cap;
	int all;

	buf_init(&b);
	ok(b.data == NULL && b.len == 0 && b.cap == 0,
	    "init: empty, no memory");
	buf_add(&b, "", 0);
	ok(b.data != NULL && b.len == 0 && b.data[0] == '\0',
	    "adding nothing still gives a terminated string");
	buf_adds(&b, "abc");
	buf_addc(&b, 'd');
	buf_add(&b, "efgh", 2);
	is_str(b.data, "abcdef", "add, adds, addc append in order");
	ok(b.len == 6 && b.cap >= 7, "len 6, room for the NUL");
	cap = b.cap;
	buf_reset(&b);
	ok(b.len == 0 && b.cap == cap && b.data != NULL,
	    "reset keeps the memory");
	buf_adds(&b, "xy");
	is_str(b.data, "xy", "after reset, appends start at 0");
	buf_release(&b);
	ok(b.data == NULL && b.len == 0 && b.cap == 0, "release: empty again");
	buf_release(&b);
	ok(b.data == NULL, "release twice is harmless");

	/* Growth: one byte at a time across several doublings. */
	all = 1;
	for (int i = 0; i < 5000; i++) {
		buf_addc(&b, (char)('a' + i % 26));
		if (b.len != (size_t)i + 1 || b.cap <= b.len ||
		    b.data[b.len] != '\0')
			all = 0;
	}
	for (int i = 0; i < 5000; i++)
		if (b.data[i] != (char)('a' + i % 26))
			all = 0;
	ok(all, "5000 addc: contents, len and NUL right at every step");
	buf_release(&b);

	/* One large append into an empty buffer and onto a full one. */
	memset(big, 'z', sizeof(big));
	buf_add(&b, big, sizeof(big));
	ok(b.len == 5000 && b.cap > 5000 && b.data[5000] == '\0' &&
		memcmp(b.data, big, 5000) == 0,
	    "5000-byte append into an empty buffer");
	for (int i = 0; i < 200; i++)
		buf_add(&b, big, sizeof(big));
	ok(b.len == 201 * 5000 && b.data[b.len] == '\0' &&
		b.data[b.len - 1] == 'z',
	    "a megabyte in 5000-byte appends");
	buf_grow(&b, 0);
	ok(b.cap > b.len, "grow(0) keeps room for the NUL");
	cap = b.cap;
	buf_grow(&b, cap - b.len - 1);
	ok(b.cap == cap, "grow within capacity does not reallocate");
	buf_grow(&b, cap - b.len);
	ok(b.cap > cap, "grow one past capacity does");
	buf_release(&b);

	/* buf_addf. */
	buf_addf(&b, "%s=%d", "n", 42);
	buf_addf(&b, "%s", "");
	buf_addf(&b, ",%.3f", 0.5);
	is_str(b.data, "n=42,0.500", "addf appends formatted text");
	buf_reset(&b);
	buf_addf(&b, "%.*s%s", 1000, big, "!");
	ok(b.len == 1001 && b.data[1000] == '!' && b.data[1001] == '\0',
	    "addf of 1001 characters grows the buffer");

	/* JSON strings. */
	is_str(js(&b, "", 0), "\"\"", "empty string");
	is_str(js(&b, "plain", 5), "\"plain\"", "plain string");
	is_str(js(&b, "a\"b\\c/d", 7), "\"a\\\"b\\\\c/d\"",
	    "quote and backslash escaped, slash not");
	is_str(js(&b, "\n\t\r\b\f", 5), "\"\\n\\t\\r\\u0008\\u000c\"",
	    "newline, tab, CR; other controls as \\u00XX");
	is_str(js(&b, "a\0b", 3), "\"a\\u0000b\"", "NUL is \\u0000");
	is_str(js(&b, "\x1f\x7f", 2), "\"\\u001f\x7f\"",
	    "0x1f escaped, DEL passes");
	is_str(js(&b, "caf\xc3\xa9 \xe2\x82\xac", 9),
	    "\"caf\xc3\xa9 \xe2\x82\xac\"", "UTF-8 passes unchanged");
	is_str(js(&b, "abcdef", 3), "\"abc\"", "only n bytes are taken");
	for (int i = 0; i < 32; i++)
		ctl[i] = (char)i;
	js(&b, ctl, 32);
	all = b.len == 2 + 32 * 6 - 3 * 4; /* \n \t \r take 2, not 6 */
	ok(all && strstr(b.data, "\\u001e") != NULL,
	    "all 32 controls: escaped, length %zu", b.len);
	buf_reset(&b);
	buf_adds(&b, "k:");
	buf_add_json_string(&b, "v", 1);
	is_str(b.data, "k:\"v\"", "json string appends after existing text");
	buf_release(&b);
	memset(big, '"', sizeof(big));
	buf_add_json_string(&b, big, sizeof(big));
	ok(b.len == 2 + 2 * 5000 && b.data[b.len] == '\0' &&
		b.data[1] == '\\' && b.data[b.len - 1] == '"',
	    "5000 quotes from an empty buffer: 10002 bytes");
	buf_release(&b);
	memset(big, 1, sizeof(big));
	buf_add_json_string(&b, big, sizeof(big));
	ok(b.len == 2 + 6 * 5000 && b.data[b.len] == '\0',
	    "5000 control bytes: 30002 bytes");
	buf_release(&b);

	/* Doubles: shortest round trip, always a real. */
	is_str(dbl(&b, 0.1), "0.1", "0.1");
	is_str(dbl(&b, 1), "1.0", "1 keeps a .0");
	is_str(dbl(&b, -3), "-3.0", "-3");
	is_str(dbl(&b, 0), "0.0", "zero");
	is_str(dbl(&b, -0.0), "-0.0", "negative zero");
	is_str(dbl(&b, 1.0 / 3), "0.3333333333333333", "1/3 needs 16 digits");
	is_str(dbl(&b, 0.1 + 0.2), "0.30000000000000004",
	    "0.1 + 0.2 needs 17 digits");
	is_str(dbl(&b, 1e300), "1e+300", "1e300 has an exponent, no .0");
	is_str(dbl(&b, 123456789012345.0), "123456789012345.0",
	    "15 integer digits");
	ok(strtod(dbl(&b, 5e-324), NULL) == 5e-324,
	    "smallest subnormal round-trips");
	prng_init(&rng, 9);
	all = 1;
	for (int i = 0; i < 20000; i++) {
		uint64_t bits = prng_next(&rng);
		double v;

		memcpy(&v, &bits, sizeof(v));
		if (!isfinite(v))
			continue;
		dbl(&b, v);
		if (strtod(b.data, NULL) != v || strpbrk(b.data, ".e") == NULL)
			all = 0;
	}
	ok(all, "20000 random bit patterns round-trip and stay reals");
	ok(strtod(dbl(&b, DBL_MAX), NULL) == DBL_MAX, "DBL_MAX round-trips");
	is_str(dbl(&b, NAN), "null", "NaN is null");
	is_str(dbl(&b, INFINITY), "null", "+Inf is null");
	is_str(dbl(&b, -INFINITY), "null", "-Inf is null");

	/* Integers. */
	buf_reset(&b);
	buf_add_long(&b, 0);
	buf_addc(&b, ' ');
	buf_add_long(&b, -7);
	buf_addc(&b, ' ');
	buf_add_long(&b, LLONG_MAX);
	buf_addc(&b, ' ');
	buf_add_long(&b, LLONG_MIN);
	is_str(b.data, "0 -7 9223372036854775807 -9223372036854775808",
	    "integers incl. the limits");
	buf_release(&b);
	return tap_done();
}
