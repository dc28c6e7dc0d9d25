/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Which detector fits a metric: decompose the series (lib/stl) and call
 * it periodic when it has a significant seasonal period whose seasonal
 * strength, max(0, 1 - Var(R)/Var(S+R)), is at least min_strength, and
 * stable when the remainder holds at most stable_var of the series'
 * variance (or, with norm_remainder, when the remainder min-max
 * normalised to [0, 1] has a variance of at most stable_var).
 */
#ifndef CLASSIFY_H
#define CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/ad.h"
#include "base/buf.h"

struct classify_conf {
	long period;   /* 0: found by autocorrelation */
	long s_window; /* 0: periodic */
	double min_strength, stable_var;
	bool norm_remainder;
};

/* The verdict on one series. */
struct classify_verdict {
	const char *cls; /* "periodic-stable" ... (static) */
	long period;	 /* 0: none */
	double acf;	 /* at the period, or the best lag; NaN: none */
	double strength, share, norm_var;
	const char *note; /* a remark worth telling the user, or NULL */
};

void classify_conf_init(struct classify_conf *c);
int classify_series(const struct classify_conf *c, const double *x,
    const int64_t *t_ms, size_t n, struct classify_verdict *v,
    struct ad_err *err);
void classify_summary(struct buf *b, const char *key, bool has_id,
    const struct classify_verdict *v, bool norm_remainder, size_t points);

#endif
