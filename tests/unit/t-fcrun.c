/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/fcrun: keys the model lacks left untouched, null
 * forecasts until the window is full, then the forecast recomputed here
 * from the LSTM (min + predict(normalised window) * range), error =
 * value - forecast, mismatches beyond the tolerance replaced by the
 * forecast in the window, stale times, resyncs, bounded keys, and a
 * model swap that keeps the keys' states.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "lstm/fcrun.h"
#include "lstm/lstm.h"
#include "lstm/lstmfile.h"
#include "tap.h"

#define W 3

static struct lstmfile *
model(size_t window)
{
	struct lstmfile *m = xcalloc(1, sizeof(*m));

	m->window = window;
	m->hidden = 4;
	m->id_field = xstrdup("id");
	m->time_field = xstrdup("ts");
	m->value_field = xstrdup("v");
	m->nnets = 1;
	m->nets = xcalloc(1, sizeof(*m->nets));
	m->nets[0] = lstm_new(4);
	lstm_init_params(m->nets[0], 9);
	m->nkeys = 2;
	m->keys = xcalloc(2, sizeof(*m->keys));
	m->keys[0] = (struct lstmfile_key){xstrdup("a"), 0, 10, 0, 0, 0.1, 100};
	m->keys[1] = (struct lstmfile_key){xstrdup("b"), 5, 5, 0, 0, 0.1, 100};
	lstmfile_sort(m);
	return m;
}

static json_t *rec;

static enum fcrun_result
step(struct fcrun *r, const char *key, int64_t t, double v)
{
	struct forecast_point p = {key, true, t, v};

	json_decref(rec);
	rec = json_object();
	return fcrun_point(r, &p, rec);
}

static double
get(const char *k)
{
	json_t *v = json_object_get(rec, k);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* The forecast the LSTM makes from the last W accepted values of a. */
static double
expected(const struct lstmfile *m, const double *win)
{
	struct lstm_ws *ws = lstm_ws_new(4, W, 1);
	float x[W];
	double p;

	for (int i = 0; i < W; i++)
		x[i] = (float)((win[i] - 0) / 10);
	p = lstm_predict(m->nets[0], ws, x, W);
	lstm_ws_free(ws);
	return 0 + p * 10;
}

int
main(void)
{
	struct forecast_conf conf = {
	    .tolerance = 0.5, .abs_tolerance = 0.1, .horizon = 1, .resync = 0};
	struct lstmfile *m = model(W);
	struct fcrun *r = fcrun_new(m, &conf, 0);
	double vals[] = {1, 2, 3, 4, 5, 6, 7}, win[W];
	int all = 1;

	ok(step(r, "zz", 0, 1) == FCRUN_NO_MODEL && json_object_size(rec) == 0,
	    "a key the model lacks: untouched");
	for (int i = 0; i < W; i++) {
		step(r, "a", i, vals[i]);
		if (!json_is_null(json_object_get(rec, "forecast")) ||
		    !json_is_null(json_object_get(rec, "error")) ||
		    get("score") != 0 ||
		    !json_is_false(json_object_get(rec, "mismatch")))
			all = 0;
	}
	ok(all, "the first %d points: forecast and error null, score 0", W);
	/*
	 * From here on every point gets the forecast made from the last W
	 * accepted values: the value itself, or the forecast when the value
	 * was a mismatch.  Track them here and recompute each forecast.
	 */
	win[0] = 1;
	win[1] = 2;
	win[2] = 3;
	{
		double seq[] = {4, 4.5, 1000, 5, 5.5, 6};
		int good = 1, mism = 0, wild = 0;

		for (int i = 0; i < 6; i++) {
			double want = expected(m, win), acc;

			if (step(r, "a", 3 + i, seq[i]) != FCRUN_DONE ||
			    fabs(get("forecast") - want) > 1e-9 ||
			    fabs(get("error") - (seq[i] - want)) > 1e-9 ||
			    !(get("score") >= 0 && get("score") <= 1)) {
				printf("# point %d: forecast %g, want %g\n", i,
				    get("forecast"), want);
				good = 0;
			}
			if (json_is_true(json_object_get(rec, "mismatch")) !=
			    (fabs(seq[i] - want) > fmax(0.5 * fabs(want), 0.1)))
				good = 0;
			acc = json_is_true(json_object_get(rec, "mismatch"))
				  ? want
				  : seq[i];
			mism += json_is_true(json_object_get(rec, "mismatch"));
			if (seq[i] == 1000)
				wild = json_is_true(
					   json_object_get(rec, "mismatch")) &&
				       get("score") == 0;
			win[0] = win[1];
			win[1] = win[2];
			win[2] = acc;
		}
		ok(good, "6 points: forecast = min + predict(accepted window) "
			 "* range, error = value - forecast, mismatch beyond "
			 "max(50%%, 0.1)");
		ok(wild, "1000: a mismatch, kept out of the window; score 0 "
			 "while the likelihood stage learns its first 10");
		ok(mism >= 1, "(%d mismatches)", mism);
	}

	/* Stale times. */
	ok(step(r, "a", 8, 6) == FCRUN_STALE &&
		json_is_null(json_object_get(rec, "forecast")) &&
		get("score") == 0 && r->stale == 1,
	    "a repeated time: stale, null forecast, counted");
	ok(step(r, "a", 2, 6) == FCRUN_STALE && r->stale == 2,
	    "an earlier time: stale");
	/* Constant key b (min = max): range 1, no division by zero. */
	for (int i = 0; i < 6; i++)
		step(r, "b", i, 5);
	ok(isfinite(get("forecast")) && isfinite(get("score")),
	    "a key with min = max: finite forecasts");
	fcrun_free(r);

	/* Resync after 2 mismatches in a row. */
	conf.tolerance = 0;
	conf.abs_tolerance = 0;
	conf.resync = 2;
	r = fcrun_new(model(W), &conf, 0);
	for (int i = 0; i < 20; i++)
		step(r, "a", i, 100 + i);
	ok(fcrun_resyncs(r) >= 5,
	    "tolerance 0, resync 2: the window is refilled (%zu times)",
	    fcrun_resyncs(r));

	/* Swap to a model with a longer window: states survive. */
	fcrun_swap(r, model(5));
	ok(step(r, "a", 20, 120) == FCRUN_DONE && isfinite(get("forecast")),
	    "after a swap to window 5: the forecast due is still compared");
	step(r, "a", 21, 121);
	ok(json_is_null(json_object_get(rec, "forecast")),
	    "3 kept values + 1: the new window of 5 is not full yet");
	step(r, "a", 22, 122);
	ok(isfinite(get("forecast")), "then forecasts resume");
	ok(fcrun_resyncs(r) >= 5, "resyncs counted across models");
	fcrun_free(r);

	/* Bounded keys. */
	conf.resync = 0;
	r = fcrun_new(model(W), &conf, 1);
	step(r, "a", 0, 1);
	step(r, "b", 0, 5);
	step(r, "a", 1, 1);
	ok(fcrun_evicted(r) == 2, "max 1 key: two evictions");
	fcrun_free(r);
	fcrun_free(NULL);
	json_decref(rec);
	return tap_done();
}
