/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Median by quickselect (Hoare's FIND, O(n) expected), MAD scaled by
 * 1.4826 so that it estimates the standard deviation of normal data, and
 * the autocorrelation function over pairs where both values are present.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/ad.h"
#include "series/robust.h"

static void
swap(double *a, double *b)
{
	double t = *a;

	*a = *b;
	*b = t;
}

/* The k-th smallest of x[0..n) (x is reordered): Wirth's selection. */
static double
select_k(double *x, size_t n, size_t k)
{
	long l = 0, m = (long)n - 1, kk = (long)k;

	while (l < m) {
		double pivot = x[kk];
		long i = l, j = m;

		do {
			while (x[i] < pivot)
				i++;
			while (pivot < x[j])
				j--;
			if (i <= j) {
				swap(&x[i], &x[j]);
				i++;
				j--;
			}
		} while (i <= j);
		if (j < kk)
			l = i;
		if (kk < i)
			m = j;
	}
	return x[kk];
}

/*
 * Median of x[0..n) (n > 0; x is reordered); the mean of the two middle
 * values when n is even.
 */
double
robust_median(double *x, size_t n)
{
	double hi = select_k(x, n, n / 2), lo;

	if (n % 2 == 1)
		return hi;
	lo = x[0];
	for (size_t i = 1; i < n / 2; i++)
		if (x[i] > lo)
			lo = x[i];
	return (lo + hi) / 2;
}

/*
 * Median and robust scale of x[0..n), using scratch (n doubles).  The
 * scale is 1.4826 * MAD; when the MAD is 0 (more than half the values
 * equal) it falls back to 1.2533 * the mean absolute deviation from the
 * median, which is 0 only for a constant window.  Returns -1 when n is 0.
 */
int
robust_center_scale(
    const double *x, size_t n, double *scratch, double *median, double *scale)
{
	double m, mad, sum = 0;

	if (n == 0)
		return -1;
	memcpy(scratch, x, n * sizeof(*x));
	m = robust_median(scratch, n);
	for (size_t i = 0; i < n; i++) {
		scratch[i] = fabs(x[i] - m);
		sum += scratch[i];
	}
	mad = robust_median(scratch, n);
	*median = m;
	*scale = mad > 0 ? 1.4826 * mad : 1.2533 * sum / (double)n;
	return 0;
}

/*
 * |v - median| / scale; with a zero scale, 0 for the median itself and
 * infinity for anything else.
 */
double
robust_z(double v, double median, double scale)
{
	if (scale > 0)
		return fabs(v - median) / scale;
	return v == median ? 0 : INFINITY;
}

/*
 * The period (in samples, 2..max_period) of x[0..n), NaN meaning missing,
 * or 0 when there is none.  The autocorrelation function is taken over
 * the pairs where both values are present; its local maxima that reach
 * min_acf are candidates, and the shortest one within 90% of the highest
 * wins (so that a period is not mistaken for its multiple).
 */
size_t
robust_period(const double *x, size_t n, size_t max_period, double min_acf)
{
	double mean = 0, var = 0, top = -1;
	double *acf;
	size_t cnt = 0, lag, best = 0;

	for (size_t i = 0; i < n; i++)
		if (!isnan(x[i])) {
			mean += x[i];
			cnt++;
		}
	if (cnt < 8)
		return 0;
	mean /= (double)cnt;
	for (size_t i = 0; i < n; i++)
		if (!isnan(x[i]))
			var += (x[i] - mean) * (x[i] - mean);
	var /= (double)cnt;
	if (var <= 0)
		return 0;
	if (max_period > n / 2)
		max_period = n / 2;
	if (max_period < 2)
		return 0;
	acf = xcalloc(max_period + 2, sizeof(*acf));
	for (lag = 0; lag <= max_period + 1; lag++) {
		double s = 0;
		size_t m = 0;

		for (size_t i = lag; i < n; i++)
			if (!isnan(x[i]) && !isnan(x[i - lag])) {
				s += (x[i] - mean) * (x[i - lag] - mean);
				m++;
			}
		acf[lag] = m >= 4 ? s / (double)m / var : 0;
	}
	for (lag = 2; lag <= max_period; lag++)
		if (acf[lag] > acf[lag - 1] && acf[lag] >= acf[lag + 1] &&
		    acf[lag] >= min_acf && acf[lag] > top)
			top = acf[lag];
	for (lag = 2; top > 0 && lag <= max_period; lag++)
		if (acf[lag] > acf[lag - 1] && acf[lag] >= acf[lag + 1] &&
		    acf[lag] >= 0.9 * top && acf[lag] >= min_acf) {
			best = lag;
			break;
		}
	free(acf);
	return best;
}
