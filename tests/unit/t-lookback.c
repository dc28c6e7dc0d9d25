/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/lookback: the reference one period back on a grid
 * (exactly the point at t - period), gaps, negative times, and random
 * irregular times against a naive search of every point kept.
 */
#include <stdlib.h>

#include "alert/lookback.h"
#include "base/prng.h"
#include "tap.h"

#define N 5000

static int64_t ts[N];

static int64_t
fdiv(int64_t a, int64_t b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

int
main(void)
{
	struct lookback lb;
	struct time_form form = {.kind = TIME_EPOCH_MS};
	const struct lookback_point *r;
	struct prng rng;
	int all;

	/* A day in 24 slots, hourly points: exactly a day back. */
	lookback_init(&lb, 86400000, 24);
	ok(lb.width == 3600000 && lb.n == 26, "width one hour, ring 26");
	ok(lookback_find(&lb, 0) == NULL, "empty history: no reference");
	all = 1;
	for (int64_t h = 0; h < 24 * 5; h++) {
		int64_t t = 1700006400000 + h * 3600000;

		r = lookback_find(&lb, t);
		if (h < 24 ? r != NULL
			   : r == NULL || r->ts != t - 86400000 ||
				 r->value != (double)(h - 24))
			all = 0;
		lookback_add(&lb, t, &form, (double)h);
	}
	ok(all, "hourly for 5 days: none the first day, then t - 1 day");
	/* Several points in one slot: the first is kept. */
	lookback_add(&lb, 1700006400000 + 120 * 3600000 + 10, &form, -1);
	lookback_add(&lb, 1700006400000 + 120 * 3600000 + 20, &form, -2);
	r = lookback_find(&lb, 1700006400000 + 144 * 3600000 + 30);
	ok(r != NULL && r->value == -1 && r->form.kind == TIME_EPOCH_MS,
	    "the first point of a slot is the one kept");
	/* After a gap of two days, nothing stale is returned. */
	r = lookback_find(&lb, 1700006400000 + 200 * 3600000);
	ok(r == NULL, "after a long gap: no stale reference");
	lookback_release(&lb);
	lookback_release(&lb);

	/* Period not a multiple of slots: width rounds up. */
	lookback_init(&lb, 10, 4);
	ok(lb.width == 3, "period 10 in 4 slots: width 3");
	for (int64_t t = 0; t <= 100; t += 5) {
		r = lookback_find(&lb, t);
		if (t >= 10 && (r == NULL || r->ts != t - 10))
			break;
		lookback_add(&lb, t, &form, (double)t);
		if (t == 100)
			ok(1, "grid of 5 (coarser than 2.5): exactly t - 10");
	}
	lookback_release(&lb);

	/* Negative times. */
	lookback_init(&lb, 1000, 10);
	for (int64_t t = -5000; t <= 0; t += 100)
		lookback_add(&lb, t, &form, (double)t);
	r = lookback_find(&lb, -50);
	ok(r != NULL && r->ts == -1100,
	    "negative times: slot of -1050 holds -1100 (got %lld)",
	    r ? (long long)r->ts : 0LL);
	r = lookback_find(&lb, 100);
	ok(r != NULL && r->ts == -900, "t = 100: -900");
	lookback_release(&lb);

	/* One slot; slots larger than the period. */
	lookback_init(&lb, 1000, 1);
	lookback_add(&lb, 0, &form, 1);
	lookback_add(&lb, 999, &form, 2);
	r = lookback_find(&lb, 1500);
	ok(lb.width == 1000 && r != NULL && r->ts == 0,
	    "one slot: the whole period is one slot");
	lookback_release(&lb);
	lookback_init(&lb, 3, 10);
	ok(lb.width == 1, "period 3 in 10 slots: width 1 ms");
	lookback_release(&lb);

	/* Random irregular times vs a naive search. */
	prng_init(&rng, 3);
	ts[0] = 1000000;
	for (size_t i = 1; i < N; i++)
		ts[i] = ts[i - 1] + (int64_t)prng_below(&rng, 400) +
			(prng_below(&rng, 100) == 0 ? 20000 : 0);
	lookback_init(&lb, 7000, 12);
	all = 1;
	for (size_t i = 0; i < N; i++) {
		int64_t want = fdiv(ts[i] - 7000, lb.width);
		long first = -1;

		for (size_t j = 0; j < i; j++)
			if (fdiv(ts[j], lb.width) == want) {
				first = (long)j;
				break;
			}
		r = lookback_find(&lb, ts[i]);
		if (first < 0 ? r != NULL
			      : r == NULL || r->ts != ts[first] ||
				    r->value != (double)first) {
			if (all)
				printf("# first mismatch at %zu\n", i);
			all = 0;
		}
		lookback_add(&lb, ts[i], &form, (double)i);
	}
	ok(all, "5000 irregular times: reference = first point of the slot "
		"one period back");
	lookback_release(&lb);
	return tap_done();
}
