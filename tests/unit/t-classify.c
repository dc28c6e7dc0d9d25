/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/* Unit tests for lib/classify: the four classes on series of known kind. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "series/classify.h"
#include "base/prng.h"
#include "tap.h"

#define N 960
#define PERIOD 48

/* amplitude * sine of PERIOD + noise * uniform(-1, 1) + a slow hump */
static void
make(double *x, double amplitude, double noise, double hump, uint64_t seed)
{
	struct prng r;

	prng_init(&r, seed);
	for (size_t i = 0; i < N; i++)
		x[i] = 100 + amplitude * sin(2 * M_PI * (double)i / PERIOD) +
		       noise * (2 * prng_uniform(&r) - 1) +
		       hump * sin(M_PI * (double)i / N);
}

static void
check(const char *what, double amplitude, double noise, double hump,
    const char *want)
{
	struct classify_conf c;
	struct classify_verdict v;
	struct ad_err e;
	double x[N];

	classify_conf_init(&c);
	make(x, amplitude, noise, hump, 7);
	ad_err_clear(&e);
	ok(classify_series(&c, x, NULL, N, &v, &e) == 0, "%s: classified",
	    what);
	is_str(v.cls, want, "%s: %s", what, want);
	if (strcmp(want, "periodic-stable") == 0)
		ok(v.period == PERIOD && v.strength > 0.9 && v.share < 0.05,
		    "%s: period %ld, strength %.3f, share %.3f", what, v.period,
		    v.strength, v.share);
}

int
main(void)
{
	struct classify_conf c;
	struct classify_verdict v;
	struct ad_err e;
	double x[N];

	check("clean sine", 10, 0.5, 0, "periodic-stable");
	check("sine under noise", 10, 8, 0, "periodic-unstable");
	check("slow hump", 0, 0.5, 50, "nonperiodic-stable");
	check("white noise", 0, 1, 0, "nonperiodic-unstable");

	classify_conf_init(&c);
	for (size_t i = 0; i < N; i++)
		x[i] = 5;
	ad_err_clear(&e);
	ok(classify_series(&c, x, NULL, N, &v, &e) == 0 && v.note != NULL,
	    "constant series: classified, with a note");
	is_str(v.cls, "nonperiodic-stable", "constant: nonperiodic-stable");

	ad_err_clear(&e);
	ok(classify_series(&c, x, NULL, 2, &v, &e) < 0 &&
		e.status == EX_DATAERR,
	    "two points: refused with 65");
	is_str(e.msg, "2 points, too few to classify (need at least 3)",
	    "two points: message");

	make(x, 10, 0.5, 0, 7);
	c.period = PERIOD * 12;
	ad_err_clear(&e);
	ok(classify_series(&c, x, NULL, N, &v, &e) < 0, "period too long");
	is_str(e.msg,
	    "960 points, fewer than two periods of 576 (need at least 1153)",
	    "period too long: message");

	/*
	 * The normalised remainder's variance never exceeds 0.25, so the
	 * literal rule calls even white noise stable.
	 */
	c.period = 0;
	c.norm_remainder = true;
	make(x, 0, 1, 0, 7);
	ad_err_clear(&e);
	ok(classify_series(&c, x, NULL, N, &v, &e) == 0 && v.norm_var <= 0.25,
	    "normalised remainder variance %.3f <= 0.25", v.norm_var);
	is_str(v.cls, "nonperiodic-stable",
	    "--normalize remainder calls white noise stable");
	return tap_done();
}
