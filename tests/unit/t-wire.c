/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/wire: the exact little-endian bytes written, round
 * trips of every type at their limits (NaN, -0, infinities, empty and
 * long strings), and the decoder's bounds: truncation at every byte, a
 * NUL inside a string, and counts too large for what follows.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "base/wire.h"
#include "tap.h"

int
main(void)
{
	struct buf b;
	struct wire w;
	char *s, longs[70000];
	uint64_t u;
	double d;
	int all;

	buf_init(&b);
	wire_put_u8(&b, 0xab);
	wire_put_u32(&b, 0x01020304);
	wire_put_u64(&b, 0x1122334455667788ULL);
	wire_put_f64(&b, 1.0);
	wire_put_str(&b, "hi");
	ok(b.len == 1 + 4 + 8 + 8 + 4 + 2 &&
		memcmp(b.data,
		    "\xab"
		    "\x04\x03\x02\x01"
		    "\x88\x77\x66\x55\x44\x33\x22\x11"
		    "\x00\x00\x00\x00\x00\x00\xf0\x3f"
		    "\x02\x00\x00\x00"
		    "hi",
		    27) == 0,
	    "bytes: little-endian u32, u64, f64 1.0 = 3ff0..., length-prefixed "
	    "string");
	wire_init(&w, b.data, b.len);
	ok(wire_u8(&w) == 0xab && wire_u32(&w) == 0x01020304 &&
		wire_u64(&w) == 0x1122334455667788ULL && wire_f64(&w) == 1.0,
	    "read back u8, u32, u64, f64");
	s = wire_str(&w);
	ok(strcmp(s, "hi") == 0 && !w.bad && w.p == w.end,
	    "read back the string, at the end, not bad");
	free(s);
	ok(wire_u8(&w) == 0 && w.bad, "one more byte: 0, bad");
	ok(wire_u32(&w) == 0 && w.bad, "bad stays set");

	/* Limits. */
	buf_reset(&b);
	wire_put_u32(&b, UINT32_MAX);
	wire_put_u64(&b, UINT64_MAX);
	wire_put_u64(&b, 0);
	wire_put_f64(&b, -0.0);
	wire_put_f64(&b, NAN);
	wire_put_f64(&b, -INFINITY);
	wire_put_f64(&b, 5e-324);
	wire_put_str(&b, "");
	memset(longs, 'q', sizeof(longs) - 1);
	longs[sizeof(longs) - 1] = '\0';
	wire_put_str(&b, longs);
	wire_put_u8(&b, 0);
	wire_init(&w, b.data, b.len);
	ok(wire_u32(&w) == UINT32_MAX && wire_u64(&w) == UINT64_MAX &&
		wire_u64(&w) == 0,
	    "integer limits round-trip");
	d = wire_f64(&w);
	ok(d == 0 && signbit(d), "-0.0 keeps its sign");
	ok(isnan(wire_f64(&w)), "NaN round-trips");
	d = wire_f64(&w);
	ok(isinf(d) && d < 0, "-inf round-trips");
	ok(wire_f64(&w) == 5e-324, "smallest subnormal round-trips");
	s = wire_str(&w);
	ok(strcmp(s, "") == 0 && !w.bad, "empty string");
	free(s);
	s = wire_str(&w);
	ok(strlen(s) == sizeof(longs) - 1 && s[0] == 'q' && !w.bad,
	    "69999-byte string");
	free(s);
	ok(wire_u8(&w) == 0 && !w.bad && w.p == w.end, "a final 0 byte");

	/* Truncation at every length: bad, never a read past the end. */
	buf_reset(&b);
	wire_put_u8(&b, 7);
	wire_put_u32(&b, 9);
	wire_put_u64(&b, 11);
	wire_put_f64(&b, 2.5);
	wire_put_str(&b, "abc");
	all = 1;
	for (size_t n = 0; n < b.len; n++) {
		char *cut = malloc(n ? n : 1);

		memcpy(cut, b.data, n);
		wire_init(&w, cut, n);
		(void)wire_u8(&w);
		(void)wire_u32(&w);
		(void)wire_u64(&w);
		(void)wire_f64(&w);
		s = wire_str(&w);
		if (!w.bad || strcmp(s, "") != 0)
			all = 0;
		free(s);
		free(cut);
	}
	ok(all, "cut at each of %zu lengths: bad, empty string", b.len);
	wire_init(&w, b.data, 3);
	ok(wire_u8(&w) == 7 && wire_u32(&w) == 0 && w.bad &&
		w.p == (const unsigned char *)b.data + 1,
	    "a short u32 does not advance");

	/* A NUL inside a string is refused. */
	buf_reset(&b);
	wire_put_u32(&b, 3);
	buf_add(&b, "a\0b", 3);
	wire_init(&w, b.data, b.len);
	s = wire_str(&w);
	ok(strcmp(s, "") == 0 && w.bad, "a NUL inside a string: bad");
	free(s);
	/* A string length past the end. */
	buf_reset(&b);
	wire_put_u32(&b, 0xffffffffu);
	buf_add(&b, "xyz", 3);
	wire_init(&w, b.data, b.len);
	s = wire_str(&w);
	ok(strcmp(s, "") == 0 && w.bad, "length 2^32-1 with 3 bytes: bad");
	free(s);

	/* Counts. */
	buf_reset(&b);
	wire_put_u64(&b, 3);
	for (int i = 0; i < 3; i++)
		wire_put_f64(&b, i);
	wire_init(&w, b.data, b.len);
	ok(wire_count(&w, 8) == 3 && !w.bad, "3 doubles follow: count 3");
	wire_init(&w, b.data, b.len - 1);
	ok(wire_count(&w, 8) == 0 && w.bad, "one byte short: 0, bad");
	buf_reset(&b);
	wire_put_u64(&b, UINT64_MAX);
	wire_put_u64(&b, 0);
	wire_init(&w, b.data, b.len);
	ok(wire_count(&w, 1) == 0 && w.bad, "count 2^64-1: refused");
	buf_reset(&b);
	wire_put_u64(&b, (uint64_t)1 << 61);
	wire_init(&w, b.data, b.len);
	ok(wire_count(&w, 8) == 0 && w.bad,
	    "2^61 elements of 8 bytes (2^64 bytes): refused");
	buf_reset(&b);
	wire_put_u64(&b, 0);
	wire_init(&w, b.data, b.len);
	ok(wire_count(&w, 16) == 0 && !w.bad, "count 0: fine");
	wire_init(&w, b.data, 0);
	ok(wire_count(&w, 1) == 0 && w.bad, "no bytes for the count: bad");
	u = 0;
	wire_init(&w, &u, 0);
	ok(wire_u8(&w) == 0 && w.bad, "empty input: bad at once");
	buf_release(&b);
	return tap_done();
}
