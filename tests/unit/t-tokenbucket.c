/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/tokenbucket, driven by a fake clock: the initial
 * burst, the rate against oversleeping sleeps at rates up to 200,000/s
 * for bursts from 1 up, and what a stall or an idle hour lets through.
 */
#include "tap.h"
#include "base/prng.h"
#include "base/tokenbucket.h"

/*
 * Events passed in 10 simulated seconds at rate with burst, the sleeps
 * lasting over [min, max] ns longer than asked (uniformly) and each event
 * costing cost ns of work.
 */
static long long
run(double rate, double burst, int64_t min, int64_t max, int64_t cost)
{
	struct tokenbucket tb;
	struct prng rng;
	int64_t now = 0, d;
	long long passed = 0;

	prng_init(&rng, 1);
	tokenbucket_init(&tb, rate, burst, 0);
	while (now < 10000000000LL) {
		d = tokenbucket_take(&tb, now);
		if (d > 0)
			now =
			    d + min +
			    (int64_t)(prng_uniform(&rng) * (double)(max - min));
		now += cost;
		passed++;
	}
	return passed;
}

int
main(void)
{
	static const double rates[] = {1000, 10000, 20000, 50000, 200000};
	struct tokenbucket tb;
	int64_t now = 0, d;
	int passed = 0;

	tokenbucket_init(&tb, 10, 5, now);
	for (int i = 0; i < 5; i++)
		passed += tokenbucket_take(&tb, now) == 0;
	ok(passed == 5, "a full bucket lets the burst through");
	d = tokenbucket_take(&tb, now);
	ok(d > 0 && d <= 100000001, "then waits one interval (%lld ns)",
	    (long long)d);

	/* Over 10 simulated seconds, sleeps 7 us or 50-80 us too long. */
	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		double r = rates[i], want = r * 10;
		long long n1 = run(r, 1, 7000, 7000, 0);
		long long n2 = run(r, 1, 50000, 80000, 500);
		long long n3 = run(r, r / 2, 50000, 80000, 500);

		ok(n1 >= want * 0.999 && n1 <= want * 1.001 + 1,
		    "%.0f/s burst 1, 7 us late: %lld in 10 s", r, n1);
		ok(n2 >= want * 0.99 && n2 <= want * 1.01 + 1,
		    "%.0f/s burst 1, 50-80 us late: %lld in 10 s", r, n2);
		ok(n3 >= want * 0.99 && n3 <= want * 1.01 + r / 2 + 1,
		    "%.0f/s burst %.0f: %lld in 10 s (burst included)", r,
		    r / 2, n3);
	}

	/*
	 * After a stall of one second, only 100 ms are made up at once: the
	 * events due in the last 100 ms, both ends included.
	 */
	tokenbucket_init(&tb, 10000, 1, 0);
	tokenbucket_take(&tb, 0);
	passed = 0;
	while (tokenbucket_take(&tb, 1000000000) == 0)
		passed++;
	ok(passed == 1001, "a 1 s stall at 10000/s: 1001 catch up at once (%d)",
	    passed);

	tokenbucket_init(&tb, 100, 50, 0);
	for (int i = 0; i < 50; i++)
		tokenbucket_take(&tb, 0);
	passed = 0;
	while (tokenbucket_take(&tb, 3600000000000LL) == 0)
		passed++;
	/* events 0..59: due 10 ms apart from 100 ms back, 49 may be early */
	ok(passed == 60,
	    "an idle hour lets the burst and 100 ms through, no more (%d)",
	    passed);
	return tap_done();
}
