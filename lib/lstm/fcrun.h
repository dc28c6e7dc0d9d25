/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The state of ad-forecast run: the model in service (swapped whole on a
 * hot reload) and each key's tolerance queue (forecast.h), at most
 * max_keys of them, the least recently seen dropped first.  fcrun_point()
 * forecasts one point and adds forecast, error, mismatch and score to its
 * record.
 */
#ifndef FCRUN_H
#define FCRUN_H

#include <jansson.h>
#include <stddef.h>

#include "io/metrics.h"
#include "lstm/forecast.h"
#include "lstm/lstmfile.h"

enum fcrun_result {
	FCRUN_NO_MODEL, /* the model does not know the key: rec untouched */
	FCRUN_STALE,	/* not after the key's last point: null forecast */
	FCRUN_DONE,
};

struct fcrun {
	struct lstmfile *model; /* owned */
	struct forecaster fc;
	struct forecast_conf conf;
	struct keymap *states;
	size_t stale, resyncs;
};

struct fcrun *fcrun_new(
    struct lstmfile *model, const struct forecast_conf *conf, size_t max_keys);
void fcrun_fill_metrics(struct metrics *m, const struct fcrun *r);
void fcrun_swap(struct fcrun *r, struct lstmfile *model);
enum fcrun_result fcrun_point(
    struct fcrun *r, const struct forecast_point *p, json_t *rec);
size_t fcrun_resyncs(const struct fcrun *r);
size_t fcrun_evicted(const struct fcrun *r);
void fcrun_free(struct fcrun *r);

#endif
