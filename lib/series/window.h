/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Trailing time-window statistics: for the points of one key whose time
 * is within the last span milliseconds (t - span, t], the count, the mean
 * and sample variance of each of k fields, and the sample covariance of
 * each pair.  Pushing a point and expiring old ones is O(k^2) per point,
 * independent of the window's length.
 */
#ifndef WINDOW_H
#define WINDOW_H

#include <stddef.h>
#include <stdint.h>

struct window;

struct window *window_new(size_t k, int64_t span_ms);
void window_free(struct window *w);
size_t window_bytes(const struct window *w);
void window_push(struct window *w, int64_t t_ms, const double *x);
size_t window_count(const struct window *w);
double window_mean(const struct window *w, size_t i);
double window_var(const struct window *w, size_t i);
double window_cov(const struct window *w, size_t i, size_t j);
int64_t window_last_time(const struct window *w);

#endif
