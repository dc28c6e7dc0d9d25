/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/acf: the detrended sample ACF against hand-computed
 * values and a naive O(n^2) recomputation, period detection on sines,
 * noise and constant series, and the calendar periods of a time step.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "base/prng.h"
#include "series/acf.h"
#include "tap.h"

/* Reference: least-squares detrend, then sum y_t y_t+k / sum y_t^2. */
static double
naive_acf(const double *x, size_t n, size_t k)
{
	double st = 0, sx = 0, stt = 0, stx = 0, a, b, num = 0, den = 0;
	double *y = calloc(n, sizeof(double));

	for (size_t i = 0; i < n; i++) {
		st += (double)i;
		sx += x[i];
		stt += (double)i * (double)i;
		stx += (double)i * x[i];
	}
	b = (n * stx - st * sx) / (n * stt - st * st);
	a = (sx - b * st) / n;
	for (size_t i = 0; i < n; i++)
		y[i] = x[i] - a - b * (double)i;
	for (size_t i = 0; i < n; i++) {
		den += y[i] * y[i];
		if (i + k < n)
			num += y[i] * y[i + k];
	}
	free(y);
	return num / den;
}

int
main(void)
{
	/*
	 * {0,1,0,1,0}: mean 0.4, slope 0, y = {-.4,.6,-.4,.6,-.4},
	 * sum y^2 = 1.2; lag sums -0.96, 0.68, -0.48, 0.16.
	 */
	double alt[] = {0, 1, 0, 1, 0},
	       want[] = {1, -0.8, 0.68 / 1.2, -0.4, 0.16 / 1.2, 0, 0};
	double tilted[5], line[8], flat[50], x[720], noise[600];
	double *r;
	size_t prefer[2], out[20], nout, worst_k = 0;
	int64_t t[10];
	struct acf_period res;
	struct prng rng;
	double worst = 0;
	int all;

	r = acf_detrended(alt, 5, 6);
	all = 1;
	for (size_t k = 0; k <= 6; k++)
		if (fabs(r[k] - want[k]) > 1e-12)
			all = 0;
	ok(all, "FFT ACF of {0,1,0,1,0} matches the hand values, 0 past n-1");
	free(r);
	for (size_t k = 0; k < 5; k++)
		is_near(acf_at(alt, 5, k), want[k], 1e-12,
		    "direct ACF of {0,1,0,1,0} at lag %zu", k);
	ok(isnan(acf_at(alt, 5, 5)), "direct ACF at lag n is NaN");

	/* Adding a line changes nothing: the trend is removed first. */
	for (size_t i = 0; i < 5; i++)
		tilted[i] = alt[i] + 3 - 2.5 * (double)i;
	r = acf_detrended(tilted, 5, 4);
	all = 1;
	for (size_t k = 0; k <= 4; k++)
		if (fabs(r[k] - want[k]) > 1e-12)
			all = 0;
	ok(all, "ACF of {0,1,0,1,0} plus a line is unchanged");
	free(r);

	/* A pure line detrends to zero: r(0) = 1, the rest 0. */
	for (size_t i = 0; i < 8; i++)
		line[i] = 7 + 3 * (double)i;
	r = acf_detrended(line, 8, 4);
	ok(r[0] == 1 && r[1] == 0 && r[2] == 0 && r[3] == 0 && r[4] == 0,
	    "a straight line has r = 1, 0, 0, ...");
	free(r);
	ok(acf_find_period(line, 8, 2, 0, NULL, 0, &res) == 0 &&
		res.period == 0,
	    "a straight line has no period");

	/* Constant series. */
	for (size_t i = 0; i < 50; i++)
		flat[i] = 4.25;
	r = acf_detrended(flat, 50, 10);
	all = r[0] == 1;
	for (size_t k = 1; k <= 10; k++)
		if (r[k] != 0)
			all = 0;
	ok(all, "constant series: r = 1, 0, 0, ...");
	free(r);
	ok(isnan(acf_at(flat, 50, 1)), "constant series: direct r(1) is NaN");
	ok(acf_find_period(flat, 50, 2, 0, NULL, 0, &res) == 0 &&
		res.period == 0,
	    "constant series has no period");

	/* Boundaries: empty and one-point series. */
	r = acf_detrended(NULL, 0, 3);
	ok(r != NULL && r[1] == 0 && r[2] == 0 && r[3] == 0,
	    "empty series: zeros past lag 0");
	free(r);
	r = acf_detrended(alt, 1, 2);
	ok(r[0] == 1 && r[1] == 0 && r[2] == 0, "one point: r = 1, 0, 0");
	free(r);
	ok(isnan(acf_at(alt, 0, 0)), "empty series: direct r(0) is NaN");
	ok(acf_find_period(alt, 4, 2, 0, NULL, 0, &res) == 0 && res.period == 0,
	    "fewer than 5 points: no period");

	/* Random data: FFT ACF agrees with the naive sum at every lag. */
	prng_init(&rng, 11);
	for (size_t i = 0; i < 300; i++)
		noise[i] = prng_normal(&rng) + 0.01 * (double)i;
	r = acf_detrended(noise, 300, 299);
	for (size_t k = 0; k < 300; k++) {
		double d = fabs(r[k] - naive_acf(noise, 300, k));

		if (d > worst) {
			worst = d;
			worst_k = k;
		}
	}
	ok(worst < 1e-10,
	    "FFT ACF = naive ACF at all 300 lags (worst %g at %zu)", worst,
	    worst_k);
	is_near(acf_at(noise, 300, 17), naive_acf(noise, 300, 17), 1e-12,
	    "direct ACF = naive ACF at lag 17");
	free(r);

	/* A sine of period 24: the ACF peaks at 24, the period is 24. */
	for (size_t i = 0; i < 720; i++)
		x[i] = sin(2 * M_PI * (double)i / 24);
	r = acf_detrended(x, 720, 60);
	ok(r[24] > r[23] && r[24] > r[25] && r[24] > 0.9,
	    "sine: ACF has a peak near 1 at lag 24 (r = %g)", r[24]);
	ok(r[12] < -0.9, "sine: ACF near -1 at half the period (r = %g)",
	    r[12]);
	free(r);
	ok(acf_find_period(x, 720, 2, 0, NULL, 0, &res) == 1 &&
		res.period == 24,
	    "sine: period 24 found (got %zu)", res.period);
	ok(res.best_lag == 24 && res.acf > res.threshold && res.candidates >= 1,
	    "sine: best lag 24, above its threshold");
	ok(acf_find_period(x, 720, 30, 0, NULL, 0, &res) == 1 &&
		res.period == 48,
	    "sine: min_period 30 gives the second peak, 48 (got %zu)",
	    res.period);
	acf_find_period(x, 720, 2, 20, NULL, 0, &res);
	ok(res.period <= 20 && res.best_lag <= 20,
	    "sine: max_period 20 bounds the answer (got %zu)", res.period);
	acf_find_period(x, 49, 2, 0, NULL, 0, &res);
	ok(res.period <= 24 && res.best_lag <= 24,
	    "49 points: lags capped at (n - 1) / 2 = 24 (got %zu)",
	    res.best_lag);

	/* Period 7 plus a strong trend. */
	for (size_t i = 0; i < 720; i++)
		x[i] = sin(2 * M_PI * (double)i / 7) + 0.05 * (double)i;
	ok(acf_find_period(x, 720, 2, 0, NULL, 0, &res) == 1 && res.period == 7,
	    "sine of period 7 on a trend: period 7 (got %zu)", res.period);

	/* A preferred period within 10% and as good wins; a far one not. */
	for (size_t i = 0; i < 720; i++)
		x[i] = sin(2 * M_PI * (double)i / 24);
	prefer[0] = 25;
	prefer[1] = 40;
	ok(acf_find_period(x, 720, 2, 0, prefer, 2, &res) == 1 &&
		res.period == 25,
	    "preferred period 25 next to the peak 24 is chosen (got %zu)",
	    res.period);
	prefer[0] = 30;
	ok(acf_find_period(x, 720, 2, 0, prefer, 1, &res) == 1 &&
		res.period == 24,
	    "preferred period 30 (25%% away) is ignored (got %zu)", res.period);

	/* White noise: no period, and the best peak is below threshold. */
	prng_init(&rng, 5);
	for (size_t i = 0; i < 600; i++)
		noise[i] = prng_normal(&rng);
	ok(acf_find_period(noise, 600, 2, 0, NULL, 0, &res) == 0 &&
		res.period == 0 && res.acf <= res.threshold,
	    "white noise: no period");

	/* Calendar periods of a time step. */
	for (size_t i = 0; i < 10; i++)
		t[i] = 1700000000000 + (int64_t)i * 3600000;
	nout = acf_natural_periods(t, 10, out, 20);
	ok(nout == 8 && out[0] == 2 && out[1] == 3 && out[2] == 4 &&
		out[3] == 6 && out[4] == 8 && out[5] == 12 && out[6] == 24 &&
		out[7] == 168,
	    "hourly: 2h 3h 4h 6h 8h 12h 1d 1w in points");
	ok(acf_natural_periods(t, 10, out, 3) == 3 && out[2] == 4,
	    "hourly: capped at max");
	for (size_t i = 0; i < 10; i++)
		t[i] = (int64_t)i * 60000;
	t[4] += 500; /* one jitter: the median step is still a minute */
	nout = acf_natural_periods(t, 10, out, 20);
	ok(nout == 13 && out[0] == 5 && out[12] == 10080,
	    "minutely with jitter: 13 periods, 5 to 10080 points");
	for (size_t i = 0; i < 10; i++)
		t[i] = (int64_t)i * 420000;
	nout = acf_natural_periods(t, 10, out, 20);
	ok(nout == 1 && out[0] == 1440, "7-minute step: only the week");
	ok(acf_natural_periods(t, 2, out, 20) == 0, "two times: none");
	for (size_t i = 0; i < 10; i++)
		t[i] = 5;
	ok(acf_natural_periods(t, 10, out, 20) == 0, "equal times: none");
	return tap_done();
}
