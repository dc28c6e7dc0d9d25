/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/base/clock: units agree, time moves forward, sleeps,
 * the coarse clock is the same clock a tick behind at most.
 */
#include "tap.h"
#include "base/clock.h"

int
main(void)
{
	int64_t ns = clock_now_ns(), ms = clock_now_ms(), ns2, t;
	double s = clock_now_s();

	ok(ns > 0 && ms > 0 && s > 0, "the clock reads");
	ok(ms - ns / 1000000 >= 0 && ms - ns / 1000000 < 1000,
	    "milliseconds agree with nanoseconds");
	ok(s - (double)ns * 1e-9 >= 0 && s - (double)ns * 1e-9 < 1,
	    "seconds agree with nanoseconds");
	ns2 = clock_now_ns();
	ok(ns2 >= ns, "monotonic");

	t = clock_now_ns();
	clock_sleep_until_ns(t + 20000000);
	ns2 = clock_now_ns();
	ok(ns2 - t >= 20000000, "sleeps until the deadline (%lld ns)",
	    (long long)(ns2 - t));
	ok(ns2 - t < 2000000000, "and not much longer");

	ms = clock_now_ms();
	t = clock_coarse_ms();
	ok(t <= clock_now_ms() && ms - t < 100,
	    "the coarse clock is the clock, a tick behind at most (%lld ms)",
	    (long long)(ms - t));
	clock_sleep_until_ns(clock_now_ns() + 30000000);
	ok(clock_coarse_ms() - t >= 20, "the coarse clock moves");

	t = clock_now_ns();
	clock_sleep_until_ns(t - 1000000);
	ok(clock_now_ns() - t < 1000000000, "a past deadline returns at once");
	return tap_done();
}
