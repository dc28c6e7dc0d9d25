/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The per-key state is a reorder buffer and the rules' state for the key;
 * the map's release callback is where a key's story ends, whether it was
 * evicted or the input ended, so both paths drain and flush the same way.
 * Once the caller's emit() has asked to stop, records are dropped instead
 * of handed to it, so that it sees no write after its first failure.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/engine.h"
#include "base/ad.h"
#include "alert/evread.h"
#include "alert/evwindow.h"
#include "base/keymap.h"

/* Per key: the reorder buffer and the rules' state. */
struct keystate {
	struct evorder ord;
	struct rules_key *rk;
};

struct engine {
	struct engine_conf c;
	struct rules *rules;
	struct evread rd;
	struct keymap *keys;
	rules_emit_fn *emit;
	void *arg;
	bool stopped;
	size_t late, evicted;
};

static int
engine_emit(json_t *rec, void *arg)
{
	struct engine *e = arg;

	if (e->stopped) {
		json_decref(rec);
		return -1;
	}
	if (e->emit(rec, e->arg) < 0)
		e->stopped = true;
	return e->stopped ? -1 : 0;
}

/* Hand every event the key's clock allows (all of them: drain) to rules. */
static void
release_events(
    struct engine *e, const char *key, struct keystate *ks, bool drain)
{
	struct evorder_event ev;

	while (
	    evorder_pop(&ks->ord, e->c.lateness, e->c.max_pending, drain, &ev))
		rules_feed(
		    e->rules, ks->rk, *key ? key : NULL, &ev, engine_emit, e);
}

/* A key leaves the map (evicted, or at the end): finish its events. */
static void
key_release(const char *key, void *value, void *arg)
{
	struct engine *e = arg;
	struct keystate *ks = value;

	release_events(e, key, ks, true);
	rules_flush(e->rules, ks->rk, *key ? key : NULL, engine_emit, e);
	evorder_release(&ks->ord);
	rules_key_free(ks->rk);
	free(ks);
}

/* Say why ev, refused by ord, is late. */
static void
late_text(const struct engine *e, const struct evorder *ord,
    const struct evorder_event *ev, char *why, size_t whylen)
{
	char lag[64], late[64];
	json_t *t = timefmt_format(ev->ts, &ev->form);
	json_t *latest = timefmt_format(ord->max_ts, &ev->form);
	char *ts = json_dumps(t, JSON_ENCODE_ANY);
	char *ls = json_dumps(latest, JSON_ENCODE_ANY);

	rules_duration_text(lag, sizeof(lag), ord->max_ts - ev->ts);
	rules_duration_text(late, sizeof(late), e->c.lateness);
	if (ev->ts >= ord->max_ts - e->c.lateness)
		snprintf(why, whylen,
		    "late record: %s is behind a record released early "
		    "(--max-pending %zu), not counted",
		    ts, e->c.max_pending);
	else
		snprintf(why, whylen,
		    "late record: %s is %s behind %s (lateness %s), not "
		    "counted",
		    ts, lag, ls, late);
	free(ts);
	free(ls);
	json_decref(t);
	json_decref(latest);
}

/*
 * Defaults for conf and for rules (which conf then points to): fields
 * id, ts, anomaly and value, 100000 keys, 10000 pending events per key,
 * no lateness, no rule.  The rules' values that have no default start
 * out of their range, meaning "not given", until engine_conf_check().
 */
void
engine_conf_init(struct engine_conf *conf, struct rules_conf *rules)
{
	memset(conf, 0, sizeof(*conf));
	memset(rules, 0, sizeof(*rules));
	conf->rules = rules;
	conf->id = "id";
	conf->time = "ts";
	conf->max_keys = 100000;
	conf->max_pending = 10000;
	rules->when = "anomaly";
	rules->field = "value";
	rules->above = rules->below = NAN;
	rules->delta = -1;
	rules->for_ms = rules->resolve_after = -1;
}

/* The combination of rules given; returns the problem or NULL. */
static const char *
rules_problem(const struct rules_conf *rc)
{
	bool any = rc->report;

	for (int i = 0; i < RULES_NKINDS; i++)
		any = any || rc->on[i];
	if (!any)
		return "no rule: give --count, --above, --below, --delta, "
		       "--change or --report";
	if (rc->on[RULES_COUNT] != (rc->within > 0))
		return "--count and --within go together";
	if (rc->on[RULES_CHANGE] != (rc->vs > 0))
		return "--change and --vs go together";
	if (rc->history > 0 && !rc->on[RULES_CHANGE])
		return "--history needs --change";
	if (rc->for_ms >= 0 && !rc->on[RULES_ABOVE] && !rc->on[RULES_BELOW])
		return "--for needs --above or --below";
	if (rc->report != (rc->window > 0))
		return "--report and --window go together";
	if (rc->slide > 0 && !rc->report)
		return "--slide needs --report";
	if (rc->slide > 0 && rc->slide > rc->window)
		return "--slide must not be longer than --window";
	if (rc->report &&
	    evwindow_open_max(rc->window,
		rc->slide > 0 ? rc->slide : rc->window) > EVWINDOW_MAX_OPEN)
		return "--window / --slide: too many windows open at once "
		       "(at most 100000)";
	return NULL;
}

/*
 * After the options have set conf and its rules (from engine_conf_init()
 * on; --change sets on[RULES_CHANGE] itself): turn the rules given into
 * on[], check that they go together, and fill in what was left out (the
 * slide is the window, 1440 history slots, no --for, no resolving).
 * Returns 0, or -1 with err set (EX_USAGE, the message naming the
 * options).
 */
int
engine_conf_check(struct engine_conf *conf, struct ad_err *err)
{
	struct rules_conf *rc = conf->rules;
	const char *problem;

	rc->on[RULES_COUNT] = rc->count > 0;
	rc->on[RULES_ABOVE] = !isnan(rc->above);
	rc->on[RULES_BELOW] = !isnan(rc->below);
	rc->on[RULES_DELTA] = rc->delta >= 0;
	rc->resolve = rc->resolve_after >= 0;
	if ((problem = rules_problem(rc)) != NULL) {
		ad_err_set(err, EX_USAGE, "%s", problem);
		return -1;
	}
	if (rc->slide == 0)
		rc->slide = rc->window;
	if (!rc->on[RULES_DELTA])
		rc->delta = 0;
	if (rc->for_ms < 0)
		rc->for_ms = 0;
	if (rc->resolve_after < 0)
		rc->resolve_after = 0;
	if (rc->history == 0)
		rc->history = 1440;
	return 0;
}

/*
 * Start an engine with conf (copied; its strings and rules are borrowed
 * and must outlive the engine).  Each output record goes to emit(rec,
 * arg), which takes the reference; once it has returned -1 it is not
 * called again.  Free with engine_free().
 */
struct engine *
engine_new(const struct engine_conf *conf, rules_emit_fn *emit, void *arg)
{
	struct engine *e = xcalloc(1, sizeof(*e));
	const struct rules_conf *rc = conf->rules;

	e->c = *conf;
	e->emit = emit;
	e->arg = arg;
	e->rules = rules_new(rc);
	evread_init(&e->rd,
	    &(struct evread_conf){.time = conf->time,
		.id = conf->id,
		.when = rc->when,
		.field = rc->field,
		.id_required = conf->id_required,
		.need_flag = rc->on[RULES_COUNT] || rc->report,
		.need_value = rc->on[RULES_ABOVE] || rc->on[RULES_BELOW] ||
			      rc->on[RULES_DELTA] || rc->on[RULES_CHANGE]});
	e->keys = keymap_new(conf->max_keys, key_release, e);
	return e;
}

/*
 * Take one NDJSON line (len bytes, no newline needed): read its event,
 * queue it under its key, and run the rules on what the key's clock now
 * releases.  Returns ENGINE_OK; ENGINE_BAD or ENGINE_LATE with the reason
 * in why (the line is then not counted); ENGINE_STOP once emit() has
 * asked to stop.
 */
int
engine_line(
    struct engine *e, const char *line, size_t len, char *why, size_t whylen)
{
	struct evorder_event ev;
	struct keystate *ks;
	char key[1024];

	if (e->stopped)
		return ENGINE_STOP;
	if (evread_line(&e->rd, line, len, &ev, key, sizeof(key), why, whylen) <
	    0)
		return ENGINE_BAD;
	if ((ks = keymap_get(e->keys, key)) == NULL) {
		ks = xcalloc(1, sizeof(*ks));
		evorder_init(&ks->ord);
		ks->rk = rules_key_new(e->rules);
		keymap_put(e->keys, key, ks);
	}
	if (!evorder_push(&ks->ord, &ev, e->c.lateness)) {
		e->late++;
		rules_late(ks->rk);
		late_text(e, &ks->ord, &ev, why, whylen);
		return ENGINE_LATE;
	}
	release_events(e, key, ks, false);
	return e->stopped ? ENGINE_STOP : ENGINE_OK;
}

/*
 * The input has ended: release every key's pending events, oldest key
 * first, and flush what the rules still hold (a report's open windows).
 * Further lines are not allowed.  Returns 0, or -1 when emit() asked to
 * stop at some point.
 */
int
engine_finish(struct engine *e)
{
	if (e->keys != NULL) {
		e->evicted = keymap_evicted(e->keys);
		keymap_free(e->keys);
		e->keys = NULL;
	}
	return e->stopped ? -1 : 0;
}

/* Free e (NULL allowed), finishing it first if that has not been done. */
void
engine_free(struct engine *e)
{
	if (e == NULL)
		return;
	engine_finish(e);
	evread_release(&e->rd);
	rules_free(e->rules);
	free(e);
}

/* Events refused as late so far. */
size_t
engine_late(const struct engine *e)
{
	return e->late;
}

/* Keys evicted to keep at most max_keys; final after engine_finish(). */
size_t
engine_evicted(const struct engine *e)
{
	return e->keys != NULL ? keymap_evicted(e->keys) : e->evicted;
}

/* --metrics: keys held (none after engine_finish()), bytes, evictions. */
void
engine_fill_metrics(struct metrics *m, const struct engine *e)
{
	metrics_set_keys(m, e->keys,
	    e->keys != NULL ? keymap_count(e->keys) * sizeof(struct keystate)
			    : 0,
	    engine_evicted(e));
}

/* The rules' counts of records emitted and suppressed (borrowed). */
const struct rules_stats *
engine_stats(const struct engine *e)
{
	return rules_stats(e->rules);
}
