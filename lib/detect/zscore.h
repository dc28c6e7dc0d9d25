/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Per-key running z-scores: Welford's online mean and M2 (sum of squared
 * deviations) for each key, variance M2/(n-1) once n >= 2.  A value is
 * scored against the statistics before it, then learned (score-then-
 * learn), so an outlier is judged by what came before it.  The state is a
 * bounded keymap (least recently used keys evicted) and can be saved to
 * and loaded from NDJSON lines {"id":..,"n":..,"mean":..,"m2":..,
 * "lik":[n,avg,mean,var]} (the likelihood stage of the scores, so that a
 * restart scores as the uninterrupted run; a line without it starts that
 * stage cold).
 */
#ifndef ZSCORE_H
#define ZSCORE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/ad.h"
#include "base/buf.h"
#include "io/metrics.h"
#include "series/likelihood.h"

struct zscore;

struct zscore_stat {
	double n, mean, m2;
	struct likelihood lik; /* the score's likelihood stage; n 0: cold */
};

struct zscore_result {
	double score; /* in [0,1]: |z| through the likelihood stage */
	double z;     /* NaN while n < 2 or the variance is 0 */
	bool anomaly;
	bool refused; /* x would overflow the key's statistics: not counted */
};

struct zscore *zscore_new(
    double k, bool one_sided, size_t min_count, size_t max_keys);
void zscore_free(struct zscore *z);
void zscore_point(
    struct zscore *z, const char *key, double x, struct zscore_result *r);
void zscore_set(
    struct zscore *z, const char *key, const struct zscore_stat *st);
int zscore_apply_line(
    struct zscore *z, const char *line, size_t len, char *why, size_t whylen);
int zscore_load(struct zscore *z, const char *path, struct ad_err *err);
int zscore_save(struct zscore *z, const char *path, struct ad_err *err);
void zscore_dump(struct zscore *z,
    void (*emit)(const char *line, size_t len, const char *key, void *arg),
    void *arg);
size_t zscore_count(const struct zscore *z);
size_t zscore_evicted(const struct zscore *z);
void zscore_fill_metrics(struct metrics *m, void *arg);

#endif
