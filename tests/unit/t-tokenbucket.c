/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/* Unit tests for lib/tokenbucket, driven by a fake clock. */
#include "tap.h"
#include "base/tokenbucket.h"

int
main(void)
{
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

	/* Over 10 simulated seconds at 1000/s, sleeping exactly as told. */
	tokenbucket_init(&tb, 1000, 1, 0);
	now = 0;
	passed = 0;
	while (now < 10000000000LL) {
		d = tokenbucket_take(&tb, now);
		if (d > 0)
			now = d + 7000; /* oversleep by 7 us */
		passed++;
	}
	ok(passed >= 9990 && passed <= 10010,
	    "rate holds within 0.1%% despite oversleeping (%d)", passed);

	tokenbucket_init(&tb, 100, 50, 0);
	for (int i = 0; i < 50; i++)
		tokenbucket_take(&tb, 0);
	ok(tokenbucket_take(&tb, 3600000000000LL) == 0 && tb.tokens <= 50,
	    "an idle hour refills only up to the burst");
	return tap_done();
}
