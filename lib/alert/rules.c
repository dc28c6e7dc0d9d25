/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Rule evaluation and the alert lifecycle.  Events reach rules_feed() in
 * event-time order for one key (evorder.h sees to that).  Each rule turns
 * the key's state and the event into "holds or not" plus what an alert
 * would say; the lifecycle in step() decides whether that is news:
 *
 *   holds, not active, last firing more than cooldown ago  -> firing
 *   holds, not active, within cooldown                     -> suppressed
 *   not held for resolve_after while active                -> resolved
 *   (without resolve_after the alert re-arms silently as soon as the
 *   rule stops holding)
 *
 * Alert records: {"alert","id","status","since","ts","count","max" (or
 * "min" for below),"reason","evidence":[times]}, times written in the form
 * their records used.  Report records: {"report","id","start","end",
 * "records","count","max","max_all","mean","late"}: count and max over the
 * flagged (anomalous) records, as the original report over the anomaly
 * stream; max_all and mean over every record with a value.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ad.h"
#include "alert/evwindow.h"
#include "alert/lookback.h"
#include "alert/rules.h"

struct rules {
	struct rules_conf c;
	char *name[RULES_NKINDS + 1]; /* the last one: the report */
	struct rules_stats stats;
};

/* One flagged record in the counting window. */
struct cev {
	int64_t ts;
	struct time_form form;
	double value;
	bool has_value;
};

/* The lifecycle of one rule for one key. */
struct life {
	bool active, fired;
	int64_t last_fire, last_held;
	/* the episode, for the resolved record */
	int64_t since;
	struct time_form since_form;
	size_t count;
	double ext;
	bool has_ext;
};

/* A run of records beyond a threshold. */
struct streak {
	bool on;
	int64_t start;
	struct time_form form;
	size_t count;
	double ext;
};

struct rules_key {
	struct life life[RULES_NKINDS];
	/* counting rule: ring of flagged records within the window */
	struct cev *ring;
	size_t head, n, cap;
	struct streak above, below;
	/* delta: the previous point */
	bool prev_on;
	int64_t prev_ts;
	struct time_form prev_form;
	double prev_value;
	struct lookback lb;
	struct evwindow win;
	size_t late; /* late records since the last report */
};

/* What a rule says about the current event. */
struct verdict {
	bool holds;
	int64_t since;
	struct time_form since_form;
	size_t count;
	double ext; /* max, or min for below */
	bool has_ext;
	int64_t ref_ts; /* delta, change: the earlier point */
	struct time_form ref_form;
	char reason[200];
};

/* snprintf for reason texts, which are cut at their buffer's size. */
static void __attribute__((format(printf, 3, 4)))
textf(char *s, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s, size, fmt, ap);
	va_end(ap);
}

static const char *const kind_name[RULES_NKINDS + 1] = {
    "count", "above", "below", "delta", "change", "report"};

/*
 * Write ms as a compact duration: "10m", "1h30m", "1d", "1.5s" becomes
 * "1s500ms".
 */
void
rules_duration_text(char *s, size_t size, int64_t ms)
{
	static const struct {
		const char *u;
		int64_t ms;
	} unit[] = {{"w", 604800000}, {"d", 86400000}, {"h", 3600000},
	    {"m", 60000}, {"s", 1000}, {"ms", 1}};
	size_t len = 0;

	if (size == 0)
		return;
	s[0] = '\0';
	if (ms <= 0) {
		snprintf(s, size, "0s");
		return;
	}
	for (size_t i = 0; i < sizeof(unit) / sizeof(unit[0]); i++) {
		int64_t q = ms / unit[i].ms;

		/* weeks only when they divide evenly: "10d" reads better */
		if (q == 0 || (i == 0 && ms % unit[i].ms != 0))
			continue;
		ms -= q * unit[i].ms;
		len += (size_t)snprintf(s + len, size > len ? size - len : 0,
		    "%lld%s", (long long)q, unit[i].u);
		if (len >= size)
			return;
	}
}

/*
 * English plural of a field name for reason texts: "mismatch" ->
 * "mismatches", "anomaly" -> "anomalies", "error" -> "errors".
 */
void
rules_plural(char *s, size_t size, const char *word)
{
	size_t n = strlen(word);
	const char *vowels = "aeiou";

	if (n >= 2 && word[n - 1] == 'y' && strchr(vowels, word[n - 2]) == NULL)
		snprintf(s, size, "%.*sies", (int)(n - 1), word);
	else if ((n >= 1 && strchr("sxz", word[n - 1]) != NULL) ||
		 (n >= 2 && (word[n - 1] == 'h') &&
		     (word[n - 2] == 'c' || word[n - 2] == 's')))
		snprintf(s, size, "%ses", word);
	else
		snprintf(s, size, "%ss", word);
}

/*
 * A rule set for conf (copied; its strings are borrowed and must outlive
 * the set).  Caller frees with rules_free().
 */
struct rules *
rules_new(const struct rules_conf *conf)
{
	struct rules *r = xcalloc(1, sizeof(*r));
	int nrules = conf->report;

	r->c = *conf;
	for (int i = 0; i < RULES_NKINDS; i++)
		nrules += conf->on[i];
	for (int i = 0; i <= RULES_NKINDS; i++) {
		size_t len;

		if (conf->name == NULL) {
			r->name[i] = xstrdup(kind_name[i]);
		} else if (nrules <= 1) {
			r->name[i] = xstrdup(conf->name);
		} else {
			len = strlen(conf->name) + strlen(kind_name[i]) + 2;
			r->name[i] = xmalloc(len);
			snprintf(
			    r->name[i], len, "%s:%s", conf->name, kind_name[i]);
		}
	}
	return r;
}

/* Free r; NULL is a no-op. */
void
rules_free(struct rules *r)
{
	if (r == NULL)
		return;
	for (int i = 0; i <= RULES_NKINDS; i++)
		free(r->name[i]);
	free(r);
}

/* Counts of records emitted and suppressed (borrowed). */
const struct rules_stats *
rules_stats(const struct rules *r)
{
	return &r->stats;
}

/* The alert name of rule kind (RULES_NKINDS: the report), borrowed. */
const char *
rules_name(const struct rules *r, int kind)
{
	return r->name[kind];
}

/* Fresh per-key state; free with rules_key_free(). */
struct rules_key *
rules_key_new(const struct rules *r)
{
	struct rules_key *k = xcalloc(1, sizeof(*k));

	lookback_init(&k->lb, r->c.on[RULES_CHANGE] ? r->c.vs : 1,
	    r->c.history > 0 ? r->c.history : 1);
	evwindow_init(&k->win, r->c.report ? r->c.window : 1,
	    r->c.report ? r->c.slide : 1);
	return k;
}

/* Free a key's state; NULL is a no-op.  Open report windows are lost. */
void
rules_key_free(struct rules_key *k)
{
	if (k == NULL)
		return;
	free(k->ring);
	lookback_release(&k->lb);
	evwindow_release(&k->win);
	free(k);
}

/* Count a late record of this key: the next report says so. */
void
rules_late(struct rules_key *k)
{
	k->late++;
}

static struct cev *
ring_at(struct rules_key *k, size_t i)
{
	return &k->ring[(k->head + i) % k->cap];
}

/* Keep a flagged record in the counting window, bounded by max. */
static void
ring_push(struct rules_key *k, size_t max, const struct evorder_event *ev)
{
	if (k->n == k->cap && k->cap < max) {
		size_t cap = k->cap ? k->cap * 2 : 4;
		struct cev *ring;

		if (cap > max)
			cap = max;
		ring = xreallocarray(NULL, cap, sizeof(*ring));
		for (size_t i = 0; i < k->n; i++)
			ring[i] = *ring_at(k, i);
		free(k->ring);
		k->ring = ring;
		k->cap = cap;
		k->head = 0;
	}
	if (k->n == k->cap) { /* full at the bound: forget the oldest */
		k->head = (k->head + 1) % k->cap;
		k->n--;
	}
	*ring_at(k, k->n++) = (struct cev){.ts = ev->ts,
	    .form = ev->form,
	    .value = ev->value,
	    .has_value = ev->has_value};
}

static void
judge_count(struct rules *r, struct rules_key *k,
    const struct evorder_event *ev, struct verdict *v)
{
	char dur[64], plural[128];
	size_t max = (size_t)r->c.count > RULES_WINDOW_CAP ? (size_t)r->c.count
							   : RULES_WINDOW_CAP;

	if (ev->flag)
		ring_push(k, max, ev);
	/* the window is [ts - within, ts]: 3 within 10m includes 0, 5m, 10m */
	while (k->n > 0 && ring_at(k, 0)->ts < ev->ts - r->c.within) {
		k->head = (k->head + 1) % k->cap;
		k->n--;
	}
	if (k->n < (size_t)r->c.count)
		return;
	v->holds = true;
	v->since = ring_at(k, 0)->ts;
	v->since_form = ring_at(k, 0)->form;
	v->count = k->n;
	for (size_t i = 0; i < k->n; i++) {
		struct cev *c = ring_at(k, i);

		if (c->has_value && (!v->has_ext || c->value > v->ext)) {
			v->ext = c->value;
			v->has_ext = true;
		}
	}
	rules_duration_text(dur, sizeof(dur), r->c.within);
	rules_plural(plural, sizeof(plural), r->c.when);
	textf(v->reason, sizeof(v->reason), "%zu %s within %s", k->n,
	    k->n == 1 ? r->c.when : plural, dur);
}

static void
judge_threshold(struct rules *r, struct streak *s, bool above,
    const struct evorder_event *ev, struct verdict *v)
{
	double x = above ? r->c.above : r->c.below;
	bool beyond = above ? ev->value > x : ev->value < x;
	char dur[64];

	if (!beyond) {
		s->on = false;
		return;
	}
	if (!s->on) {
		*s = (struct streak){.on = true,
		    .start = ev->ts,
		    .form = ev->form,
		    .ext = ev->value};
	}
	s->count++;
	if (above ? ev->value > s->ext : ev->value < s->ext)
		s->ext = ev->value;
	if (ev->ts - s->start < r->c.for_ms)
		return;
	v->holds = true;
	v->since = s->start;
	v->since_form = s->form;
	v->count = s->count;
	v->ext = s->ext;
	v->has_ext = true;
	snprintf(v->reason, sizeof(v->reason), "%s %.10g %s %.10g", r->c.field,
	    ev->value, above ? "above" : "below", x);
	if (r->c.for_ms > 0) {
		size_t len = strlen(v->reason);

		rules_duration_text(dur, sizeof(dur), ev->ts - s->start);
		snprintf(
		    v->reason + len, sizeof(v->reason) - len, " for %s", dur);
	}
}

static void
judge_delta(struct rules *r, struct rules_key *k,
    const struct evorder_event *ev, struct verdict *v)
{
	double d;

	if (!k->prev_on)
		return;
	d = ev->value - k->prev_value;
	if (!(fabs(d) > r->c.delta))
		return;
	v->holds = true;
	v->since = ev->ts;
	v->since_form = ev->form;
	v->count = 1;
	v->ext = ev->value;
	v->has_ext = true;
	v->ref_ts = k->prev_ts;
	v->ref_form = k->prev_form;
	snprintf(v->reason, sizeof(v->reason),
	    "%s changed by %+.10g (%.10g to %.10g), more than %.10g",
	    r->c.field, d, k->prev_value, ev->value, r->c.delta);
}

static void
judge_change(struct rules *r, struct rules_key *k,
    const struct evorder_event *ev, struct verdict *v)
{
	const struct lookback_point *ref = lookback_find(&k->lb, ev->ts);
	double pct;
	char dur[64];

	if (ref == NULL || ref->value == 0)
		return;
	pct = (ev->value - ref->value) / fabs(ref->value) * 100.0;
	if (r->c.change_dir > 0	  ? !(pct > r->c.change_pct)
	    : r->c.change_dir < 0 ? !(-pct > r->c.change_pct)
				  : !(fabs(pct) > r->c.change_pct))
		return;
	v->holds = true;
	v->since = ev->ts;
	v->since_form = ev->form;
	v->count = 1;
	v->ext = ev->value;
	v->has_ext = true;
	v->ref_ts = ref->ts;
	v->ref_form = ref->form;
	rules_duration_text(dur, sizeof(dur), r->c.vs);
	snprintf(v->reason, sizeof(v->reason),
	    "%s %.10g is %+.4g%% vs %s earlier (%.10g)", r->c.field, ev->value,
	    pct, dur, ref->value);
}

/* The condition of a rule as configured, for resolved records. */
static void
condition_text(const struct rules *r, int kind, char *s, size_t size)
{
	char dur[64], plural[128];

	switch (kind) {
	case RULES_COUNT:
		rules_duration_text(dur, sizeof(dur), r->c.within);
		rules_plural(plural, sizeof(plural), r->c.when);
		textf(s, size, "%ld %s within %s", r->c.count,
		    r->c.count == 1 ? r->c.when : plural, dur);
		break;
	case RULES_ABOVE:
		snprintf(s, size, "%s above %.10g", r->c.field, r->c.above);
		break;
	case RULES_BELOW:
		snprintf(s, size, "%s below %.10g", r->c.field, r->c.below);
		break;
	case RULES_DELTA:
		snprintf(s, size, "%s change more than %.10g", r->c.field,
		    r->c.delta);
		break;
	default:
		rules_duration_text(dur, sizeof(dur), r->c.vs);
		snprintf(s, size, "%s %s%.10g%% vs %s earlier", r->c.field,
		    r->c.change_dir > 0	  ? "up "
		    : r->c.change_dir < 0 ? "down "
					  : "",
		    r->c.change_pct, dur);
		break;
	}
}

static json_t *
alert_head(const struct rules *r, int kind, const char *id, const char *status)
{
	json_t *a = json_object();

	json_object_set_new(a, "alert", json_string(r->name[kind]));
	json_object_set_new(a, "id", id ? json_string(id) : json_null());
	json_object_set_new(a, "status", json_string(status));
	return a;
}

static json_t *
ext_value(bool has, double x)
{
	if (!has)
		return json_null();
	if (x == floor(x) && fabs(x) < 9e15)
		return json_integer((json_int_t)x);
	return json_real(x);
}

static json_t *
firing_record(const struct rules *r, const struct rules_key *k, int kind,
    const char *id, const struct evorder_event *ev, const struct verdict *v)
{
	json_t *a = alert_head(r, kind, id, "firing");
	json_t *evidence = json_array();

	json_object_set_new(
	    a, "since", timefmt_format(v->since, &v->since_form));
	json_object_set_new(a, "ts", timefmt_format(ev->ts, &ev->form));
	json_object_set_new(a, "count", json_integer((json_int_t)v->count));
	json_object_set_new(a, kind == RULES_BELOW ? "min" : "max",
	    ext_value(v->has_ext, v->ext));
	json_object_set_new(a, "reason", json_string(v->reason));
	switch (kind) {
	case RULES_COUNT: {
		size_t first =
		    k->n > RULES_EVIDENCE_MAX ? k->n - RULES_EVIDENCE_MAX : 0;

		for (size_t i = first; i < k->n; i++) {
			const struct cev *c = &k->ring[(k->head + i) % k->cap];

			json_array_append_new(
			    evidence, timefmt_format(c->ts, &c->form));
		}
		break;
	}
	case RULES_ABOVE:
	case RULES_BELOW:
		json_array_append_new(
		    evidence, timefmt_format(v->since, &v->since_form));
		if (v->since != ev->ts)
			json_array_append_new(
			    evidence, timefmt_format(ev->ts, &ev->form));
		break;
	default:
		json_array_append_new(
		    evidence, timefmt_format(v->ref_ts, &v->ref_form));
		json_array_append_new(
		    evidence, timefmt_format(ev->ts, &ev->form));
		break;
	}
	json_object_set_new(a, "evidence", evidence);
	return a;
}

static json_t *
resolved_record(const struct rules *r, const struct life *l, int kind,
    const char *id, const struct evorder_event *ev)
{
	json_t *a = alert_head(r, kind, id, "resolved");
	char cond[200], dur[64], reason[300];
	json_t *evidence = json_array();
	struct time_form held_form = ev->form;

	condition_text(r, kind, cond, sizeof(cond));
	rules_duration_text(dur, sizeof(dur), ev->ts - l->last_held);
	snprintf(reason, sizeof(reason), "%s: not held for %s", cond, dur);
	json_object_set_new(
	    a, "since", timefmt_format(l->since, &l->since_form));
	json_object_set_new(a, "ts", timefmt_format(ev->ts, &ev->form));
	json_object_set_new(a, "count", json_integer((json_int_t)l->count));
	json_object_set_new(a, kind == RULES_BELOW ? "min" : "max",
	    ext_value(l->has_ext, l->ext));
	json_object_set_new(a, "reason", json_string(reason));
	json_array_append_new(
	    evidence, timefmt_format(l->last_held, &held_form));
	json_object_set_new(a, "evidence", evidence);
	return a;
}

/* Fold the current event into a firing episode's count and extreme. */
static void
episode_add(struct life *l, int kind, const struct evorder_event *ev)
{
	if (kind == RULES_COUNT && !ev->flag)
		return;
	l->count++;
	if (!ev->has_value)
		return;
	if (!l->has_ext ||
	    (kind == RULES_BELOW ? ev->value < l->ext : ev->value > l->ext)) {
		l->ext = ev->value;
		l->has_ext = true;
	}
}

/* The lifecycle: decide what the verdict means for this rule and key. */
static int
step(struct rules *r, struct rules_key *k, int kind, const char *id,
    const struct evorder_event *ev, const struct verdict *v,
    rules_emit_fn *emit, void *arg)
{
	struct life *l = &k->life[kind];

	if (v->holds) {
		l->last_held = ev->ts;
		if (l->active) {
			episode_add(l, kind, ev);
			return 0;
		}
		if (l->fired && ev->ts - l->last_fire < r->c.cooldown) {
			r->stats.suppressed++;
			return 0;
		}
		l->active = l->fired = true;
		l->last_fire = ev->ts;
		l->since = v->since;
		l->since_form = v->since_form;
		l->count = v->count;
		l->ext = v->ext;
		l->has_ext = v->has_ext;
		r->stats.firing++;
		return emit(firing_record(r, k, kind, id, ev, v), arg);
	}
	if (!l->active)
		return 0;
	if (!r->c.resolve) {
		l->active = false;
		return 0;
	}
	if (ev->ts - l->last_held < r->c.resolve_after)
		return 0;
	l->active = false;
	r->stats.resolved++;
	return emit(resolved_record(r, l, kind, id, ev), arg);
}

struct close_ctx {
	struct rules *r;
	struct rules_key *k;
	const char *id;
	rules_emit_fn *emit;
	void *arg;
};

static int
report_record(const struct evwindow_sum *w, void *arg)
{
	struct close_ctx *cx = arg;
	json_t *a = json_object();

	json_object_set_new(
	    a, "report", json_string(cx->r->name[RULES_NKINDS]));
	json_object_set_new(
	    a, "id", cx->id ? json_string(cx->id) : json_null());
	json_object_set_new(a, "start", timefmt_format(w->start, &w->form));
	json_object_set_new(a, "end", timefmt_format(w->end, &w->form));
	json_object_set_new(a, "records", json_integer((json_int_t)w->records));
	json_object_set_new(a, "count", json_integer((json_int_t)w->flagged));
	json_object_set_new(a, "max", ext_value(w->has_max, w->max));
	json_object_set_new(
	    a, "max_all", ext_value(w->has_max_all, w->max_all));
	json_object_set_new(a, "mean",
	    ext_value(w->nvalues > 0,
		w->sum / (double)(w->nvalues ? w->nvalues : 1)));
	json_object_set_new(a, "late", json_integer((json_int_t)cx->k->late));
	cx->k->late = 0;
	cx->r->stats.reports++;
	return cx->emit(a, cx->arg);
}

/*
 * Evaluate every rule on the next event of key id (NULL: records without
 * an id) and emit what the lifecycle calls for.  Events must come in
 * event-time order.  Returns 0, or -1 when emit() asked to stop.
 */
int
rules_feed(struct rules *r, struct rules_key *k, const char *id,
    const struct evorder_event *ev, rules_emit_fn *emit, void *arg)
{
	struct close_ctx cx = {r, k, id, emit, arg};
	int rc = 0;

	for (int kind = 0; kind < RULES_NKINDS && rc == 0; kind++) {
		struct verdict v;

		if (!r->c.on[kind])
			continue;
		/* not = {0}: that would clear the reason text on every event */
		v.holds = v.has_ext = false;
		v.reason[0] = '\0';
		switch (kind) {
		case RULES_COUNT:
			judge_count(r, k, ev, &v);
			break;
		case RULES_ABOVE:
			judge_threshold(r, &k->above, true, ev, &v);
			break;
		case RULES_BELOW:
			judge_threshold(r, &k->below, false, ev, &v);
			break;
		case RULES_DELTA:
			judge_delta(r, k, ev, &v);
			break;
		default:
			judge_change(r, k, ev, &v);
			break;
		}
		rc = step(r, k, kind, id, ev, &v, emit, arg);
	}
	if (ev->has_value) {
		k->prev_on = true;
		k->prev_ts = ev->ts;
		k->prev_form = ev->form;
		k->prev_value = ev->value;
		if (r->c.on[RULES_CHANGE])
			lookback_add(&k->lb, ev->ts, &ev->form, ev->value);
	}
	if (r->c.report && rc == 0) {
		rc = evwindow_advance(&k->win, ev->ts, report_record, &cx);
		evwindow_add(&k->win, ev->ts, &ev->form, ev->flag,
		    ev->has_value, ev->value);
	}
	return rc < 0 ? -1 : 0;
}

/*
 * End of input (or the key is evicted): close the key's open report
 * windows.  Firing alerts stay as they are: nothing says they stopped.
 * Returns 0 or -1 when emit() asked to stop.
 */
int
rules_flush(struct rules *r, struct rules_key *k, const char *id,
    rules_emit_fn *emit, void *arg)
{
	struct close_ctx cx = {r, k, id, emit, arg};

	if (!r->c.report)
		return 0;
	return evwindow_flush(&k->win, report_record, &cx) < 0 ? -1 : 0;
}
