/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * What ad-stl does with metric points: with window features, append the
 * trailing window's mean and variance of each value field, and the
 * covariance of each pair, to every point as it comes; with a
 * decomposition, keep each key's points and, once the input has ended,
 * append STL's seasonal, trend and remainder (and the robustness weight)
 * to each of them.
 */
#ifndef STLRUN_H
#define STLRUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/ad.h"
#include "series/point.h"
#include "io/metrics.h"
#include "io/sink.h"
#include "series/stl.h"

struct stlrun_conf {
	const struct point_conf *pc;
	struct stl_params stl; /* period unused with auto_period */
	bool decompose, auto_period;
	int64_t window_ms; /* 0: no window features */
	size_t max_keys;   /* of window states */
};

enum stlrun_result {
	STLRUN_DONE = 0,
	STLRUN_REFUSED = 1, /* the point or series is left out: see why */
};

struct stlrun;

struct stlrun *stlrun_new(const struct stlrun_conf *c, struct sink *out);
int stlrun_point(struct stlrun *r, struct point *p, char *why, size_t whylen,
    struct ad_err *err);
void stlrun_gap(struct stlrun *r, const struct point *p, const char *source,
    size_t lineno, const char *why);
size_t stlrun_series_count(const struct stlrun *r);
int stlrun_emit(struct stlrun *r, size_t which, char *why, size_t whylen,
    struct ad_err *err);
size_t stlrun_keys(const struct stlrun *r);
bool stlrun_evicted(const struct stlrun *r);
void stlrun_fill_metrics(struct metrics *m, void *arg);
void stlrun_free(struct stlrun *r);

#endif
