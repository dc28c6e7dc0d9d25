/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The tolerance queue of ad-forecast run, per key: the last `window`
 * accepted values, the forecasts made for the next `horizon` points, and a
 * running estimate of the key's forecast errors.  Each arriving value is
 * compared with the forecast made for it: within the tolerance it enters
 * the window, otherwise the forecast does (an anomaly must not teach the
 * model).  After `resync` mismatches in a row the window is refilled with
 * the real values: a change that lasts that long is the new normal, and
 * a forecast that has drifted away from the series cannot stay stuck on
 * its own output.  The score of a point is its error's z-score under the
 * key's running error distribution, through the likelihood stage
 * (series/likelihood.h): near 0 for an ordinary error, towards 1 for a
 * run of rare ones.
 */
#ifndef FORECAST_H
#define FORECAST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/buf.h"
#include "lstm/lstm.h"
#include "lstm/lstmfile.h"
#include "series/likelihood.h"
#include "series/quiet.h"

struct forecast_conf {
	double tolerance;     /* relative to |forecast| */
	double abs_tolerance; /* absolute floor, series units */
	size_t horizon;	      /* steps ahead, >= 1 */
	size_t resync;	      /* mismatches in a row; 0: never */
	size_t suppress;      /* points of quiet after a detection */
};

/* forecast_conf.resync: as many as the model's window. */
#define FORECAST_RESYNC_WINDOW ((size_t)-1)

struct forecast_state {
	size_t n, cap;	   /* values in the window, window length */
	double *win;	   /* accepted values, oldest first, series units */
	double *real;	   /* the last cap real values, oldest first */
	size_t nreal, run; /* real values held, mismatches in a row */
	double *due;	   /* due[d]: forecast for the point d+1 steps ahead */
	bool *has_due;
	size_t horizon;
	struct likelihood lik; /* the likelihood stage of the scores */
	struct quiet quiet;    /* after a detection */
	bool has_time;
	int64_t last_ms;
};

struct forecast_out {
	bool has; /* a forecast was due for this point */
	double forecast, error, score;
	bool mismatch;
};

/* Per-thread forecasting scratch: one window of the current model. */
struct forecaster {
	const struct lstmfile *model; /* borrowed */
	struct forecast_conf conf;
	struct lstm_ws *ws;
	float *x;
	size_t window;
	size_t resyncs; /* windows refilled with real values so far */
};

void forecast_init(struct forecaster *fc, const struct lstmfile *model,
    const struct forecast_conf *conf);
void forecast_release(struct forecaster *fc);

struct forecast_state *forecast_state_new(size_t window, size_t horizon);
void forecast_state_fit(
    struct forecast_state *st, size_t window, size_t horizon);
void forecast_state_free(struct forecast_state *st);
void forecast_step(struct forecaster *fc, const struct lstmfile_key *key,
    struct forecast_state *st, double value, struct forecast_out *out);

/* A metric point read from a record. */
struct forecast_point {
	const char *key; /* borrowed from the key buffer */
	bool has_time;
	int64_t t_ms;
	double value;
};

int forecast_decode(const json_t *rec, const char *id_field,
    const char *time_field, const char *value_field, struct buf *key,
    struct forecast_point *p, char *why, size_t whylen);

#endif
