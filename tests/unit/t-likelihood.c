/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/series/likelihood: a hand-computed sequence, the
 * score's scale at its fixed points, and the two properties it exists
 * for: a series that is always noisy stops alarming on its noise, and a
 * sustained rise still scores high.
 */
#include <math.h>

#include "base/prng.h"
#include "series/likelihood.h"
#include "tap.h"

static void
by_hand(void)
{
	/* No smoothing; a history that barely forgets: plain means. */
	struct likelihood_conf c = {0, 1e12, 0};
	struct likelihood l = {0};
	double z, want;

	ok(likelihood_z(&l, 1, &c) == 0, "first value: z 0");
	z = likelihood_z(&l, 3, &c);
	ok(z > 1e5, "3 after a flat history of 1: far out (%g)", z);
	/* history 1, 3: mean 2, exponentially weighted variance .5*(.5*4) */
	is_near(l.mean, 2, 1e-12, "history mean 2");
	is_near(l.var, 1, 1e-12, "history variance 1");
	z = likelihood_z(&l, 5, &c);
	is_near(z, 3, 1e-12, "5 against mean 2, sd 1: z 3");
	want = log(erfc(3 / M_SQRT2)) / log(2e-10);
	is_near(likelihood_step(&(struct likelihood){l.n, l.avg, 2, 1}, 5, &c),
	    want, 1e-12, "score of z 3: ln(2 Q(3)) / ln(2e-10) = %.5f", want);
}

static void
learning(void)
{
	struct likelihood_conf c = {0, 1e12, 3};
	struct likelihood l = {0};

	ok(likelihood_z(&l, 1, &c) == 0 && likelihood_z(&l, 100, &c) == 0 &&
		likelihood_z(&l, 1, &c) == 0,
	    "learn 3: no z for the first three values");
	ok(likelihood_z(&l, 1000, &c) > 1, "the fourth gets one");
}

static void
scale(void)
{
	ok(likelihood_score(0.5) == 0, "tail .5: score 0");
	ok(likelihood_score(0.9) == 0, "tail above .5: score 0");
	is_near(likelihood_score(1e-10), 1, 1e-12, "tail 1e-10: score 1");
	ok(likelihood_score(1e-300) == 1, "beyond: still 1");
	ok(likelihood_score(0) == 1, "tail 0: 1");
	ok(likelihood_score(1e-3) < likelihood_score(1e-4) &&
		likelihood_score(1e-4) < likelihood_score(1e-5),
	    "monotone in the evidence");
	is_near(likelihood_tail(0), 0.5, 1e-15, "Q(0) = .5");
	is_near(
	    likelihood_tail(1.959963984540054), 0.025, 1e-12, "Q(1.96) = .025");
}

static void
noise_and_rise(void)
{
	struct likelihood_conf c = LIKELIHOOD_CONF_DEFAULT;
	struct likelihood l = {0};
	struct prng r;
	int high = 0;
	double s = 0;

	prng_init(&r, 7);
	for (int i = 0; i < 20000; i++) {
		s = likelihood_step(&l, fabs(prng_normal(&r)), &c);
		if (i >= 1000 && s >= 0.5)
			high++;
	}
	ok(high < 20, "|N(0,1)| noise: %d of 19000 scores >= .5", high);
	for (int i = 0; i < 5; i++)
		s = likelihood_step(&l, 6 + fabs(prng_normal(&r)), &c);
	ok(s >= 0.5, "then five values 6 sd up: score %g", s);
}

int
main(void)
{
	by_hand();
	learning();
	scale();
	noise_and_rise();
	return tap_done();
}
