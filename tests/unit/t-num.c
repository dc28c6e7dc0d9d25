/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/* Unit tests for lib/num: integers, reals, durations, sizes. */
#include <limits.h>

#include "base/num.h"
#include "tap.h"

int
main(void)
{
	struct ad_err e;
	long l;
	double d;
	int64_t ms;
	size_t sz;

	ok(num_parse_long("--count", "42", 0, 100, &l, &e) == 0 && l == 42,
	    "long 42");
	ok(num_parse_long("--count", "101", 0, 100, &l, &e) < 0 &&
		e.status == EX_USAGE,
	    "long out of range is a usage error");
	is_str(e.msg, "--count: 101 is out of range [0, 100]",
	    "range message names the option");
	ok(num_parse_long("--count", "4x", 0, 100, &l, &e) < 0,
	    "trailing junk rejected");
	ok(num_parse_long("--count", "", 0, 100, &l, &e) < 0, "empty rejected");
	ok(num_parse_long(
	       "--count", "99999999999999999999", 0, LONG_MAX, &l, &e) < 0,
	    "overflow rejected");
	ok(num_parse_double("--rate", "2.5", 0, 10, &d, &e) == 0 && d == 2.5,
	    "double 2.5");
	ok(num_parse_double("--rate", "nan", 0, 10, &d, &e) < 0,
	    "nan rejected");
	ok(num_parse_double("--rate", "inf", 0, 1e300, &d, &e) < 0,
	    "inf rejected");
	ok(num_parse_duration_ms("--step", "5m", &ms, &e) == 0 && ms == 300000,
	    "5m");
	ok(num_parse_duration_ms("--step", "1h30m", &ms, &e) == 0 &&
		ms == 5400000,
	    "1h30m");
	ok(num_parse_duration_ms("--step", "250ms", &ms, &e) == 0 && ms == 250,
	    "250ms");
	ok(num_parse_duration_ms("--step", "1.5s", &ms, &e) == 0 && ms == 1500,
	    "1.5s");
	ok(num_parse_duration_ms("--step", "60", &ms, &e) == 0 && ms == 60000,
	    "bare number is seconds");
	ok(num_parse_duration_ms("--step", "5x", &ms, &e) < 0, "bad unit");
	ok(num_parse_duration_ms("--step", "0s", &ms, &e) < 0, "zero rejected");
	ok(num_parse_duration_ms("--step", "-5s", &ms, &e) < 0,
	    "negative rejected");
	ok(num_parse_duration_ms("--step", "", &ms, &e) < 0, "empty rejected");
	ok(num_parse_size("--max-line", "16M", &sz, &e) == 0 && sz == 16u << 20,
	    "16M");
	ok(num_parse_size("--max-line", "4096", &sz, &e) == 0 && sz == 4096,
	    "4096");
	ok(num_parse_size("--max-line", "1Q", &sz, &e) < 0, "bad suffix");

	ok(num_floor_div(7, 2) == 3 && num_floor_div(-7, 2) == -4,
	    "floor division rounds down");
	ok(num_floor_div(-6, 2) == -3 && num_floor_div(0, 5) == 0,
	    "exact quotients unchanged");
	ok(num_floor_div(7, -2) == -4 && num_floor_div(-7, -2) == 3,
	    "negative divisors");
	ok(num_floor_div(-1, 86400000) == -1, "the millisecond before 1970");
	ok(num_floor_mod(7, 3) == 1 && num_floor_mod(-7, 3) == 2 &&
		num_floor_mod(-3, 3) == 0,
	    "floor modulo is in [0, n)");
	return tap_done();
}
