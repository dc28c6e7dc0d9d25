/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Tolerance queue and error score of ad-forecast run (see forecast.h).
 * Windows hold values in series units, so that a reloaded model with a
 * new normalisation (or a new window length) takes over the same state.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lstm/forecast.h"
#include "series/likelihood.h"
#include "record/idkey.h"
#include "base/timefmt.h"

/* Scratch for forecasting with model; release with forecast_release(). */
void
forecast_init(struct forecaster *fc, const struct lstmfile *model,
    const struct forecast_conf *conf)
{
	fc->model = model;
	fc->conf = *conf;
	fc->window = model->window;
	fc->resyncs = 0;
	fc->ws = lstm_ws_new(model->hidden, model->window, 1);
	fc->x = xcalloc(model->window, sizeof(float));
}

void
forecast_release(struct forecaster *fc)
{
	lstm_ws_free(fc->ws);
	free(fc->x);
	fc->ws = NULL;
	fc->x = NULL;
}

/* New state for a key (caller frees with forecast_state_free()). */
struct forecast_state *
forecast_state_new(size_t window, size_t horizon)
{
	struct forecast_state *st = xcalloc(1, sizeof(*st));

	st->cap = window;
	st->win = xcalloc(window, sizeof(double));
	st->real = xcalloc(window, sizeof(double));
	st->horizon = horizon;
	st->due = xcalloc(horizon, sizeof(double));
	st->has_due = xcalloc(horizon, sizeof(bool));
	return st;
}

/* Adapt a state to a new window length, keeping the newest values. */
void
forecast_state_fit(struct forecast_state *st, size_t window, size_t horizon)
{
	if (window != st->cap) {
		double *w = xcalloc(window, sizeof(double));
		double *r = xcalloc(window, sizeof(double));
		size_t keep = st->n < window ? st->n : window;
		size_t rkeep = st->nreal < window ? st->nreal : window;

		memcpy(w, st->win + st->n - keep, keep * sizeof(double));
		memcpy(r, st->real + st->nreal - rkeep, rkeep * sizeof(double));
		free(st->win);
		free(st->real);
		st->win = w;
		st->real = r;
		st->n = keep;
		st->nreal = rkeep;
		st->cap = window;
	}
	if (horizon != st->horizon) {
		st->due = xreallocarray(st->due, horizon, sizeof(double));
		st->has_due = xreallocarray(st->has_due, horizon, sizeof(bool));
		memset(st->has_due, 0, horizon * sizeof(bool));
		st->horizon = horizon;
	}
}

/* Free a state; NULL is a no-op. */
void
forecast_state_free(struct forecast_state *st)
{
	if (st == NULL)
		return;
	free(st->win);
	free(st->real);
	free(st->due);
	free(st->has_due);
	free(st);
}

/* Append v to a window of n of cap values, dropping the oldest. */
static void
push(double *w, size_t *n, size_t cap, double v)
{
	if (*n == cap) {
		memmove(w, w + 1, (cap - 1) * sizeof(double));
		(*n)--;
	}
	w[(*n)++] = v;
}

/*
 * One point of a key: check value against the forecast due for it, put the
 * real value (within tolerance) or the forecast (otherwise) into the
 * window, and forecast `horizon` steps ahead once the window is full.
 */
void
forecast_step(struct forecaster *fc, const struct lstmfile_key *key,
    struct forecast_state *st, double value, struct forecast_out *out)
{
	const struct lstm *net = fc->model->nets[key->net];
	double range = key->max - key->min, accepted = value, p = 0;
	struct quiet_conf qc = QUIET_CONF_DEFAULT;
	size_t h = st->horizon, T = st->cap;
	size_t resync =
	    fc->conf.resync == FORECAST_RESYNC_WINDOW ? T : fc->conf.resync;

	if (!(range > 0))
		range = 1;
	qc.points = (double)fc->conf.suppress;
	memset(out, 0, sizeof(*out));
	if (st->has_due[0]) {
		double f = st->due[0], e = value - f;
		double tol = fc->conf.tolerance * fabs(f);

		if (tol < fc->conf.abs_tolerance)
			tol = fc->conf.abs_tolerance;
		out->has = true;
		out->forecast = f;
		out->error = e;
		out->mismatch = fabs(e) > tol;
		out->score = quiet_apply(&st->quiet,
		    likelihood_step(
			&st->lik, fabs(e) / range, &LIKELIHOOD_CONF_DEFAULT),
		    &qc);
		if (out->mismatch)
			accepted = f;
	}
	memmove(st->due, st->due + 1, (h - 1) * sizeof(double));
	memmove(st->has_due, st->has_due + 1, (h - 1) * sizeof(bool));
	st->has_due[h - 1] = false;
	push(st->real, &st->nreal, T, value);
	st->run = out->mismatch ? st->run + 1 : 0;
	if (resync > 0 && st->run >= resync) {
		memcpy(st->win, st->real, st->nreal * sizeof(double));
		st->n = st->nreal;
		st->run = 0;
		fc->resyncs++;
	} else {
		push(st->win, &st->n, T, accepted);
	}
	if (st->n < T || T != fc->window)
		return;
	for (size_t t = 0; t < T; t++)
		fc->x[t] = (float)((st->win[t] - key->min) / range);
	for (size_t s = 0; s < h; s++) {
		p = lstm_predict(net, fc->ws, fc->x, T);
		memmove(fc->x, fc->x + 1, (T - 1) * sizeof(float));
		fc->x[T - 1] = (float)p;
	}
	st->due[h - 1] = key->min + p * range;
	st->has_due[h - 1] = true;
}

/*
 * Read a metric point from rec: the key (a string, or a number taken as
 * its text; every record is one series when id_field is ""), the time if
 * the record has one, and the value, a finite number.  Returns 0, or -1
 * with the reason in why.  p->key points into key (reset here).
 */
int
forecast_decode(const json_t *rec, const char *id_field, const char *time_field,
    const char *value_field, struct buf *key, struct forecast_point *p,
    char *why, size_t whylen)
{
	const json_t *id = NULL, *t, *v;
	char tw[200];
	struct time_form form;

	buf_reset(key);
	if (*id_field != '\0') {
		id = json_object_get(rec, id_field);
		if (id == NULL) {
			snprintf(why, whylen, "missing field '%s'", id_field);
			return -1;
		}
		if (json_is_string(id) || json_is_number(id))
			idkey_text(key, id);
		else {
			snprintf(why, whylen,
			    "field '%s' is not a string or a number", id_field);
			return -1;
		}
	}
	buf_addc(key, '\0');
	p->key = key->data;
	v = json_object_get(rec, value_field);
	if (v == NULL) {
		snprintf(why, whylen, "missing field '%s'", value_field);
		return -1;
	}
	if (!json_is_number(v) || !isfinite(json_number_value(v))) {
		snprintf(
		    why, whylen, "field '%s' is not a number", value_field);
		return -1;
	}
	p->value = json_number_value(v);
	p->has_time = false;
	if (*time_field != '\0' &&
	    (t = json_object_get(rec, time_field)) != NULL) {
		if (timefmt_parse(t, &p->t_ms, &form, tw, sizeof(tw)) < 0) {
			snprintf(why, whylen, "field '%s': %s", time_field, tw);
			return -1;
		}
		p->has_time = true;
	}
	return 0;
}
