/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Cleaning metric time series as a stream (ad-clean --series).  Per key:
 * points are held back for a reorder window and released in time order;
 * each is snapped to a grid of step milliseconds; the grid slots with no
 * point are filled when the gap is at most max_gap slots (with the mean of
 * the same phase in earlier periods for a periodic series, else with the
 * mean of the points on either side) and emitted as one gap marker
 * otherwise (whatever its length); a point whose robust z-score against the median and MAD of
 * the preceding outlier_window points exceeds outlier_k is replaced the
 * same way, keeping the original value, unless it starts a run of
 * shift_run consecutive outliers on one side: that run is a level shift,
 * its points are kept as they were (the first marked "level_shift") and
 * the median/MAD window restarts from them.  Keys live in a bounded LRU map
 * (lib/keymap); an evicted key is flushed first, so nothing is lost.
 * seriesclean_run() is the loop over a whole input, seriesclean_summary()
 * its -v line.
 */
#ifndef SERIESCLEAN_H
#define SERIESCLEAN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/ad.h"
#include "base/buf.h"

struct recin;
struct sink;

#define SERIESCLEAN_AUTO_HISTORY 1024 /* slots kept to detect a period */

struct seriesclean_conf {
	const char *id_field, *time_field, *value_field;
	int64_t step_ms;
	long period;	     /* slots; 0: not periodic; -1: detect */
	long history;	     /* earlier periods used for phase means */
	long max_gap;	     /* longest gap (slots) that is filled */
	double outlier_k;    /* 0: no outlier replacement */
	long outlier_window; /* points in the rolling median/MAD */
	long shift_run;	     /* outliers in a run that make a level shift;
				0: none, every outlier is replaced */
	int64_t reorder_ms;  /* how long a point may wait for late ones */
	size_t max_keys;     /* 0: unbounded */
};

struct seriesclean_stats {
	size_t points, emitted, filled, replaced, shifts, gap_slots, gaps,
	    merged, evicted;
};

/* Called with each record to write (borrowed); returns 0 or -1. */
typedef int seriesclean_emit_fn(void *arg, const json_t *rec);

struct seriesclean;

struct seriesclean *seriesclean_new(
    const struct seriesclean_conf *conf, seriesclean_emit_fn *emit, void *arg);
int seriesclean_add(
    struct seriesclean *sc, json_t *rec, char *why, size_t whylen);
int seriesclean_finish(struct seriesclean *sc);
void seriesclean_stats(
    const struct seriesclean *sc, struct seriesclean_stats *st);
void seriesclean_free(struct seriesclean *sc);
int seriesclean_run(const struct seriesclean_conf *conf, struct recin *in,
    struct sink *out, struct seriesclean_stats *st, struct ad_err *err);
void seriesclean_summary(struct buf *b, const struct seriesclean_stats *st,
    size_t nread, size_t nrejected);

#endif
