/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Autocorrelation and seasonal-period detection: the sample ACF of a
 * linearly detrended series (by FFT, O(n log n)), and the choice of the
 * strongest significant ACF peak as the period.
 */
#ifndef ACF_H
#define ACF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct acf_period {
	size_t period;	  /* 0 when none is significant */
	double acf;	  /* r(period), or the best peak's when none */
	double threshold; /* what r had to exceed at that lag */
	size_t best_lag;  /* the highest peak looked at, significant or not */
	size_t candidates;
};

double *acf_detrended(const double *x, size_t n, size_t maxlag);
int acf_find_period(const double *x, size_t n, size_t min_period,
    size_t max_period, const size_t *prefer, size_t nprefer,
    struct acf_period *res);
size_t acf_natural_periods(const int64_t *t, size_t n, size_t *out, size_t max);
double acf_at(const double *x, size_t n, size_t lag);

#endif
