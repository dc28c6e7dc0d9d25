/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * ad-forecast run's per-key states and model swap (see fcrun.h).  States
 * hold values in series units, so they survive a model swap; a new window
 * length is taken over by forecast_state_fit() at the key's next point.
 */
#include <stdlib.h>

#include "lstm/fcrun.h"
#include "base/keymap.h"

static void
state_release(const char *key, void *value, void *arg)
{
	(void)key;
	(void)arg;
	forecast_state_free(value);
}

/*
 * Start serving model (taken over: freed with the run).  Caller frees with
 * fcrun_free().
 */
struct fcrun *
fcrun_new(
    struct lstmfile *model, const struct forecast_conf *conf, size_t max_keys)
{
	struct fcrun *r = xcalloc(1, sizeof(*r));

	r->conf = *conf;
	r->states = keymap_new(max_keys, state_release, NULL);
	fcrun_swap(r, model);
	return r;
}

/* Put model (taken over) in service in place of the current one. */
void
fcrun_swap(struct fcrun *r, struct lstmfile *model)
{
	if (r->model != NULL) {
		r->resyncs += r->fc.resyncs;
		forecast_release(&r->fc);
		lstmfile_free(r->model);
	}
	r->model = model;
	forecast_init(&r->fc, model, &r->conf);
}

/*
 * Forecast point p of record rec and add the four fields to rec (new
 * references), unless the model has no entry for the key.
 */
enum fcrun_result
fcrun_point(struct fcrun *r, const struct forecast_point *p, json_t *rec)
{
	const struct lstmfile_key *k = lstmfile_find_key(r->model, p->key);
	struct forecast_state *st;
	struct forecast_out out = {0};
	enum fcrun_result res = FCRUN_DONE;

	if (k == NULL)
		return FCRUN_NO_MODEL;
	if ((st = keymap_get(r->states, p->key)) == NULL) {
		st = forecast_state_new(r->model->window, r->conf.horizon);
		keymap_put(r->states, p->key, st);
	}
	forecast_state_fit(st, r->model->window, r->conf.horizon);
	if (p->has_time && st->has_time && p->t_ms <= st->last_ms) {
		r->stale++;
		res = FCRUN_STALE;
	} else {
		forecast_step(&r->fc, k, st, p->value, &out);
		st->has_time = p->has_time;
		st->last_ms = p->t_ms;
	}
	json_object_set_new(
	    rec, "forecast", out.has ? json_real(out.forecast) : json_null());
	json_object_set_new(
	    rec, "error", out.has ? json_real(out.error) : json_null());
	json_object_set_new(rec, "mismatch", json_boolean(out.mismatch));
	json_object_set_new(rec, "score", json_real(out.score));
	return res;
}

/* Windows refilled with real values so far, across models. */
size_t
fcrun_resyncs(const struct fcrun *r)
{
	return r->resyncs + r->fc.resyncs;
}

/* Keys dropped to keep within max_keys. */
size_t
fcrun_evicted(const struct fcrun *r)
{
	return keymap_evicted(r->states);
}

/* --metrics: keys held, bytes of their states, evictions. */
void
fcrun_fill_metrics(struct metrics *m, const struct fcrun *r)
{
	size_t w = r->model->window, h = r->conf.horizon;

	metrics_set_keys(m, r->states,
	    keymap_count(r->states) *
		(sizeof(struct forecast_state) + 2 * w * sizeof(double) +
		    h * (sizeof(double) + sizeof(bool))),
	    keymap_evicted(r->states));
}

/* Free the run, its states and its model; NULL is a no-op. */
void
fcrun_free(struct fcrun *r)
{
	if (r == NULL)
		return;
	keymap_free(r->states);
	forecast_release(&r->fc);
	lstmfile_free(r->model);
	free(r);
}
