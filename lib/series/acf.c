/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Period detection from the autocorrelation function.
 *
 * The series is detrended by least squares (a straight line), and its
 * sample ACF r(k) = sum (y_t y_t+k) / sum y_t^2 is computed for every lag
 * through a zero-padded FFT.  Candidate periods are the local maxima of r
 * after it first turns negative (the initial decay is not a period).  A
 * candidate k is significant when r(k) exceeds z * se(k), where se is
 * Bartlett's standard error sqrt((1 + 2 sum_{j<q} r(j)^2) / n) with q the
 * lag of that first negative value (the short-range correlation every
 * series has), and z the normal quantile for 5% shared (Bonferroni) among all
 * candidates, so that white noise, whose ACF has n/3 little peaks, does
 * not produce a period by chance.  The period is the significant
 * candidate with the highest r.
 */
#include <complex.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "series/acf.h"
#include "base/ad.h"

/* In-place radix-2 FFT of a[0..n), n a power of two; inverse if inv. */
static void
fft(double complex *a, size_t n, bool inv)
{
	for (size_t i = 1, j = 0; i < n; i++) {
		size_t bit = n >> 1;

		for (; j & bit; bit >>= 1)
			j ^= bit;
		j ^= bit;
		if (i < j) {
			double complex t = a[i];

			a[i] = a[j];
			a[j] = t;
		}
	}
	for (size_t len = 2; len <= n; len <<= 1) {
		double ang = 2 * M_PI / (double)len * (inv ? 1 : -1);
		double complex wl = cos(ang) + sin(ang) * I;

		for (size_t i = 0; i < n; i += len) {
			double complex w = 1;

			for (size_t j = 0; j < len / 2; j++) {
				double complex u = a[i + j];
				double complex v = a[i + j + len / 2] * w;

				a[i + j] = u + v;
				a[i + j + len / 2] = u - v;
				w *= wl;
			}
		}
	}
}

static void
detrend(const double *x, size_t n, double *y)
{
	double mt = (double)(n - 1) / 2, mx = 0, sxt = 0, stt = 0, b;

	for (size_t i = 0; i < n; i++)
		mx += x[i];
	mx /= (double)n;
	for (size_t i = 0; i < n; i++) {
		sxt += ((double)i - mt) * (x[i] - mx);
		stt += ((double)i - mt) * ((double)i - mt);
	}
	b = stt > 0 ? sxt / stt : 0;
	for (size_t i = 0; i < n; i++)
		y[i] = x[i] - mx - b * ((double)i - mt);
}

/*
 * The ACF r(0..maxlag) of x[0..n) after removing a least-squares line.
 * Returns a new array of maxlag + 1 doubles (caller frees), all zero but
 * r(0) = 1 when the detrended series is constant.
 */
double *
acf_detrended(const double *x, size_t n, size_t maxlag)
{
	size_t m = 1;
	double complex *a;
	double *r = xcalloc(maxlag + 1, sizeof(double)), *y;
	double c0;

	if (n == 0)
		return r;
	while (m < 2 * n)
		m <<= 1;
	y = xcalloc(n, sizeof(double));
	detrend(x, n, y);
	a = xcalloc(m, sizeof(*a));
	for (size_t i = 0; i < n; i++)
		a[i] = y[i];
	fft(a, m, false);
	for (size_t i = 0; i < m; i++)
		a[i] = creal(a[i]) * creal(a[i]) + cimag(a[i]) * cimag(a[i]);
	fft(a, m, true);
	c0 = creal(a[0]);
	r[0] = 1;
	for (size_t k = 1; k <= maxlag && k < n; k++)
		r[k] = c0 > 1e-300 * (double)m ? creal(a[k]) / c0 : 0;
	free(a);
	free(y);
	return r;
}

/* r(lag) of the detrended x, computed directly (O(n)). */
double
acf_at(const double *x, size_t n, size_t lag)
{
	double *y, num = 0, den = 0;

	if (lag >= n)
		return NAN;
	y = xcalloc(n, sizeof(double));
	detrend(x, n, y);
	for (size_t i = 0; i < n; i++) {
		den += y[i] * y[i];
		if (i + lag < n)
			num += y[i] * y[i + lag];
	}
	free(y);
	return den > 0 ? num / den : NAN;
}

/* The upper p quantile of the standard normal, by bisection. */
static double
z_upper(double p)
{
	double lo = 0, hi = 40;

	for (int i = 0; i < 200; i++) {
		double mid = (lo + hi) / 2;

		if (0.5 * erfc(mid / M_SQRT2) > p)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

/*
 * Find the seasonal period of x[0..n) among lags min_period..max_period
 * (max_period is capped so that two periods and one point fit), with
 * prefer[0..nprefer) the periods to favour when the peak is broad.  Returns
 * 1 with res->period set when a period is significant, 0 when none is
 * (res still describes the best candidate looked at).
 */
int
acf_find_period(const double *x, size_t n, size_t min_period, size_t max_period,
    const size_t *prefer, size_t nprefer, struct acf_period *res)
{
	size_t q = 0, ncand = 0, best = 0;
	double *r, s2 = 0, z, se;

	memset(res, 0, sizeof(*res));
	if (min_period < 2)
		min_period = 2;
	if (n < 5)
		return 0;
	if (max_period == 0 || max_period > (n - 1) / 2)
		max_period = (n - 1) / 2;
	if (max_period < min_period)
		return 0;
	r = acf_detrended(x, n, max_period + 1);
	for (size_t k = 1; k < max_period; k++)
		if (r[k] < 0) {
			q = k;
			break;
		}
	if (q == 0) {
		free(r);
		return 0;
	}
	for (size_t j = 1; j < q; j++)
		s2 += r[j] * r[j];
	se = sqrt((1 + 2 * s2) / (double)n);
	for (size_t k = q + 1; k <= max_period; k++)
		if (k >= min_period && r[k] > r[k - 1] &&
		    (k == max_period || r[k] >= r[k + 1]) && r[k] > 0) {
			ncand++;
			if (best == 0 || r[k] > r[best])
				best = k;
		}
	if (best == 0) {
		free(r);
		return 0;
	}
	z = z_upper(0.05 / (double)ncand);
	res->best_lag = best;
	res->acf = r[best];
	res->threshold = z * se;
	res->candidates = ncand;
	if (r[best] > z * se) {
		/*
		 * Near the top of a broad lobe the ACF is flat and the
		 * argmax wanders with the noise: prefer a listed period (a
		 * day, an hour in points) within 10% whose r is as good
		 * within the noise.
		 */
		size_t pick = best;
		double slack = 3 / sqrt((double)n);

		for (size_t i = 0; i < nprefer; i++) {
			size_t c = prefer[i];

			if (c < min_period || c > max_period ||
			    10 * (c > best ? c - best : best - c) > best ||
			    r[c] < r[best] - slack)
				continue;
			if (pick == best ||
			    (c > best ? c - best : best - c) <
				(pick > best ? pick - best : best - pick))
				pick = c;
		}
		res->period = pick;
		res->acf = r[pick];
	}
	free(r);
	return res->period > 0;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/*
 * The calendar periods (a minute to a week) that are a whole number of
 * steps of the series timed t[0..n) (its median step), in points, into
 * out[0..max).  Returns how many.
 */
size_t
acf_natural_periods(const int64_t *t, size_t n, size_t *out, size_t max)
{
	static const int64_t cal[] = {60000, 300000, 600000, 900000, 1800000,
	    3600000, 7200000, 10800000, 14400000, 21600000, 28800000, 43200000,
	    86400000, 604800000};
	int64_t *d, step;
	size_t m = 0;

	if (n < 3)
		return 0;
	d = xcalloc(n - 1, sizeof(*d));
	for (size_t i = 1; i < n; i++)
		d[i - 1] = t[i] - t[i - 1];
	qsort(d, n - 1, sizeof(*d), cmp_i64);
	step = d[(n - 1) / 2];
	free(d);
	if (step <= 0)
		return 0;
	for (size_t i = 0; i < sizeof(cal) / sizeof(cal[0]) && m < max; i++)
		if (cal[i] % step == 0 && cal[i] / step >= 2)
			out[m++] = (size_t)(cal[i] / step);
	return m;
}
