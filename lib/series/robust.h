/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Robust statistics for cleaning series: the median and the median
 * absolute deviation (MAD) of a window, the robust z-score of a value
 * against them (Hampel filter), and period detection by autocorrelation
 * over a series with missing values (NaN).
 */
#ifndef ROBUST_H
#define ROBUST_H

#include <stddef.h>

double robust_median(double *x, size_t n);
int robust_center_scale(
    const double *x, size_t n, double *scratch, double *median, double *scale);
double robust_z(double v, double median, double scale);
size_t robust_period(
    const double *x, size_t n, size_t max_period, double min_acf);

#endif
