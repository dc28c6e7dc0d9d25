/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/* The anomaly likelihood stage (see likelihood.h). */
#include <math.h>

#include "series/likelihood.h"

double
likelihood_alpha(double hl)
{
	return hl <= 0 ? 1 : 1 - exp2(-1 / hl);
}

double
likelihood_z(struct likelihood *l, double x, const struct likelihood_conf *c)
{
	double a, h, sd, z, floor, d;

	if (l->n == 0) {
		l->avg = l->mean = x;
		l->var = 0;
		l->n = 1;
		return 0;
	}
	/* Early on, plain means: the first points weigh in fully. */
	a = fmax(likelihood_alpha(c->avg_half_life), 1 / (l->n + 1));
	h = fmax(likelihood_alpha(c->hist_half_life), 1 / (l->n + 1));
	l->avg += a * (x - l->avg);
	/* A flat history has no spread: any rise is then far out. */
	floor = 1e-6 * fabs(l->mean) + 1e-12;
	sd = fmax(sqrt(l->var), floor);
	z = l->n < c->learn ? 0 : (l->avg - l->mean) / sd;
	d = l->avg - l->mean;
	l->mean += h * d;
	l->var = (1 - h) * (l->var + h * d * d);
	l->n++;
	return z;
}

double
likelihood_tail(double z)
{
	return 0.5 * erfc(z / M_SQRT2);
}

double
likelihood_score(double tail)
{
	if (!(tail < 0.5))
		return 0;
	return fmin(1, log(2 * fmax(tail, 1e-300)) / log(2e-10));
}

double
likelihood_step(struct likelihood *l, double x, const struct likelihood_conf *c)
{
	return likelihood_score(likelihood_tail(likelihood_z(l, x, c)));
}
