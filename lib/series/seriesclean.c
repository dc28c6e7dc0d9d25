/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The series cleaner.  Each key goes through two stages:
 *
 *   reorder:  points wait in a small sorted array until the newest time
 *             seen is reorder_ms past them, then leave in slot order; a
 *             point for a slot already released is late and rejected;
 *             two points in one slot are merged (their mean).
 *   finalize: one point is held until its successor is known, because
 *             both the gap between them and a replacement for the held
 *             point (mean of its neighbours) need the next value.
 *   judge:    an outlier is a suspect, written only once its run is
 *             known: a run of shift_run consecutive outliers on one side
 *             of the median is a level shift, kept as it is (the outlier
 *             window then restarts from the new level); a shorter run,
 *             ended by a normal point or an outlier on the other side,
 *             is replaced.  Records behind a suspect wait in the queue.
 *
 * Per key the memory is the reorder array, the outlier window
 * (outlier_window doubles) and the history ring for phase means (up to
 * period * history slots, or SERIESCLEAN_AUTO_HISTORY with --period
 * auto, allocated as slots come), whatever the length of the stream.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ad.h"
#include "base/buf.h"
#include "base/keymap.h"
#include "base/num.h"
#include "io/ndjson.h"
#include "io/recin.h"
#include "io/sink.h"
#include "record/idkey.h"
#include "series/robust.h"
#include "series/seriesclean.h"
#include "base/timefmt.h"

#define MAX_PENDING 65536 /* points per key waiting for reordering */
#define AUTO_EVERY 256	  /* slots between two period detections */

struct pt {
	int64_t slot;
	double sum; /* of the values merged into this slot */
	size_t n;
	bool coerced; /* the value was not a JSON number as given */
	json_t *rec;  /* new reference */
};

/* A record waiting behind a suspect, or a suspect (an outlier). */
struct qent {
	json_t *rec; /* new reference */
	bool suspect;
	bool merged; /* its value is a mean or was coerced: v is written */
	int64_t slot;
	double v, d; /* value and deviation */
};

struct skey {
	json_t *id; /* the id value, for filled records */
	struct time_form form;
	int64_t maxts, done; /* newest time seen; last slot released */
	bool any, released;
	struct pt *pend;
	size_t npend, cappend;
	struct pt held;
	bool has_held;
	double prev; /* last value emitted for a real point */
	bool has_prev;
	double *win; /* raw values of the last points, a ring */
	size_t nwin, winpos;
	double *hist;	       /* clean values by slot, a ring; NaN when none */
	size_t histn, histcap; /* its size, and how much is allocated */
	int64_t hist_newest, hist_base; /* hist_base: at position 0 */
	bool hist_any;
	size_t period, since_detect;
	struct qent *q; /* suspects and the records behind them, in order */
	size_t nq, capq, nsusp;
	int side; /* of the suspects: +1 above the median, -1 below */
};

struct seriesclean {
	struct seriesclean_conf conf;
	struct keymap *keys;
	seriesclean_emit_fn *emit;
	void *arg;
	struct seriesclean_stats st;
	double *scratch; /* outlier window or history, for sorting/ACF */
	size_t scratchn;
	struct buf idtext;
	struct buf idkey; /* key text of the current id */
	bool failed;	  /* an emit failed */
};

static int64_t
slot_of(const struct seriesclean *sc, int64_t ms)
{
	return num_floor_div(ms + sc->conf.step_ms / 2, sc->conf.step_ms);
}

static void
emit(struct seriesclean *sc, json_t *rec)
{
	if (!sc->failed && sc->emit(sc->arg, rec) < 0)
		sc->failed = true;
	sc->st.emitted++;
	json_decref(rec);
}

/* Put e at the end of k's queue. */
static void
enqueue(struct skey *k, struct qent e)
{
	if (k->nq == k->capq) {
		k->capq = k->capq ? 2 * k->capq : 8;
		k->q = xreallocarray(k->q, k->capq, sizeof(*k->q));
	}
	k->q[k->nq++] = e;
}

/* Write rec (new reference), or queue it behind a suspect. */
static void
out(struct seriesclean *sc, struct skey *k, json_t *rec)
{
	if (k->nq == 0)
		emit(sc, rec);
	else
		enqueue(k, (struct qent){.rec = rec});
}

/* Position of slot in the history ring, counted from hist_base. */
static size_t
hist_pos(const struct skey *k, int64_t slot)
{
	int64_t n = (int64_t)k->histn;

	return (size_t)((((slot - k->hist_base) % n) + n) % n);
}

/*
 * History ring: record value v (NaN: no data) for slot.  The ring is
 * allocated as it fills (positions past histcap are NaN), so a key with
 * few points costs few slots whatever --period and --history allow.
 */
static void
hist_put(struct skey *k, int64_t slot, double v)
{
	size_t n = k->histn, pos;

	if (n == 0)
		return;
	if (!k->hist_any || slot - k->hist_newest >= (int64_t)n) {
		for (size_t i = 0; i < k->histcap; i++)
			k->hist[i] = NAN;
		k->hist_base = slot;
	} else {
		for (int64_t s = k->hist_newest + 1; s < slot; s++)
			if ((pos = hist_pos(k, s)) < k->histcap)
				k->hist[pos] = NAN;
	}
	if ((pos = hist_pos(k, slot)) >= k->histcap) {
		size_t cap = k->histcap ? k->histcap : 8;

		while (cap <= pos)
			cap *= 2;
		if (cap > n)
			cap = n;
		k->hist = xreallocarray(k->hist, cap, sizeof(*k->hist));
		for (size_t i = k->histcap; i < cap; i++)
			k->hist[i] = NAN;
		k->histcap = cap;
	}
	k->hist[pos] = v;
	k->hist_newest = slot;
	k->hist_any = true;
	k->since_detect++;
}

/* Overwrite the value of a slot already in the ring (a kept suspect). */
static void
hist_set(struct skey *k, int64_t slot, double v)
{
	int64_t n = (int64_t)k->histn;

	if (n > 0 && k->hist_any && slot <= k->hist_newest &&
	    slot > k->hist_newest - n)
		k->hist[(size_t)(((slot % n) + n) % n)] = v;
}

static double
hist_get(const struct skey *k, int64_t slot)
{
	int64_t n = (int64_t)k->histn;
	size_t pos;

	if (n == 0 || !k->hist_any || slot > k->hist_newest ||
	    slot <= k->hist_newest - n)
		return NAN;
	pos = hist_pos(k, slot);
	return pos < k->histcap ? k->hist[pos] : NAN;
}

/* Detect the period of a key (--period auto) now and then. */
static void
maybe_detect(struct seriesclean *sc, struct skey *k)
{
	size_t n = k->histn, p;

	if (sc->conf.period >= 0 || k->since_detect < AUTO_EVERY)
		return;
	k->since_detect = 0;
	for (size_t i = 0; i < n; i++)
		sc->scratch[i] =
		    hist_get(k, k->hist_newest - (int64_t)n + 1 + (int64_t)i);
	p = robust_period(sc->scratch, n, n / 4, 0.3);
	if (p != k->period) {
		k->period = p;
		k->nwin = k->winpos = 0; /* deviations change meaning */
	}
}

/* Mean of slot's phase in the earlier periods that have data, or NaN. */
static double
phase_mean(const struct seriesclean *sc, const struct skey *k, int64_t slot)
{
	double sum = 0;
	size_t cnt = 0;

	if (k->period == 0)
		return NAN;
	for (long j = 1; j <= (long)(k->histn / k->period); j++) {
		double v = hist_get(k, slot - j * (int64_t)k->period);

		if (!isnan(v)) {
			sum += v;
			cnt++;
		}
	}
	(void)sc;
	return cnt > 0 ? sum / (double)cnt : NAN;
}

/*
 * The value that stands in for slot: the phase mean for a periodic
 * series, else the mean of the neighbours (next may be NaN: unknown).
 */
static double
stand_in(const struct seriesclean *sc, const struct skey *k, int64_t slot,
    double next)
{
	double pm = phase_mean(sc, k, slot);

	if (!isnan(pm))
		return pm;
	if (k->has_prev && !isnan(next))
		return (k->prev + next) / 2;
	if (k->has_prev)
		return k->prev;
	return next;
}

/*
 * What the outlier test looks at for value v in slot: v itself, or for a
 * periodic series its deviation from the phase mean (so that the seasonal
 * swing is not mistaken for noise); NaN when that mean is not known yet.
 */
static double
deviation(
    const struct seriesclean *sc, const struct skey *k, int64_t slot, double v)
{
	return k->period > 0 ? v - phase_mean(sc, k, slot) : v;
}

/*
 * Whether deviation d is an outlier against the window of k: +1 above
 * the median, -1 below, 0 not.
 */
static int
outlier_side(struct seriesclean *sc, const struct skey *k, double v)
{
	size_t need = (size_t)sc->conf.outlier_window / 2;
	double med, scale;

	if (isnan(v) || sc->conf.outlier_k <= 0 ||
	    k->nwin < (need < 5 ? 5 : need))
		return 0;
	robust_center_scale(k->win, k->nwin, sc->scratch, &med, &scale);
	if (robust_z(v, med, scale) <= sc->conf.outlier_k)
		return 0;
	return v > med ? 1 : -1;
}

static bool
is_outlier(struct seriesclean *sc, const struct skey *k, double v)
{
	return outlier_side(sc, k, v) != 0;
}

static void
win_push(struct seriesclean *sc, struct skey *k, double v)
{
	size_t w = (size_t)sc->conf.outlier_window;

	if (w == 0 || isnan(v))
		return;
	k->win[k->winpos] = v;
	k->winpos = (k->winpos + 1) % w;
	if (k->nwin < w)
		k->nwin++;
}

static void
set_time(struct seriesclean *sc, struct skey *k, json_t *rec, int64_t slot)
{
	json_object_set_new(rec, sc->conf.time_field,
	    timefmt_format(slot * sc->conf.step_ms, &k->form));
}

/* New record for an empty slot: id, time, value (NULL: null), a flag. */
static json_t *
slot_record(struct seriesclean *sc, struct skey *k, int64_t slot, double v,
    const char *flag)
{
	json_t *rec = json_object();

	json_object_set(rec, sc->conf.id_field, k->id);
	set_time(sc, k, rec, slot);
	json_object_set_new(
	    rec, sc->conf.value_field, isnan(v) ? json_null() : json_real(v));
	json_object_set_new(rec, flag, json_true());
	return rec;
}

/* Replace the outlier v (deviation d) of slot in rec by its stand-in. */
static double
replace(struct seriesclean *sc, struct skey *k, json_t *rec, int64_t slot,
    double v, double d, bool merged, double next)
{
	double repl = stand_in(sc, k, slot, next);
	json_t *orig = json_object_get(rec, sc->conf.value_field);

	if (merged)
		json_object_set_new(rec, "original", json_real(v));
	else
		json_object_set(rec, "original", orig);
	json_object_set_new(rec, sc->conf.value_field, json_real(repl));
	json_object_set_new(rec, "replaced", json_true());
	sc->st.replaced++;
	win_push(sc, k, d);
	k->prev = repl;
	k->has_prev = true;
	return repl;
}

/*
 * The run of suspects ends short of a level shift: replace each (next:
 * the value after the run, NaN if unknown) and write the queue.
 */
static void
resolve_spike(struct seriesclean *sc, struct skey *k, double next)
{
	size_t n = k->nq;

	k->nq = 0;
	for (size_t i = 0; i < n; i++) {
		struct qent *e = &k->q[i];

		if (e->suspect)
			replace(sc, k, e->rec, e->slot, e->v, e->d, e->merged,
			    next);
		emit(sc, e->rec);
	}
	k->nsusp = 0;
}

/*
 * The run of suspects is a level shift: keep every point as it was, mark
 * the first, restart the outlier window from the new level, and write the
 * queue.
 */
static void
resolve_shift(struct seriesclean *sc, struct skey *k)
{
	size_t n = k->nq;
	bool first = true;

	k->nq = 0;
	k->nwin = k->winpos = 0;
	for (size_t i = 0; i < n; i++) {
		struct qent *e = &k->q[i];

		if (e->suspect) {
			if (e->merged)
				json_object_set_new(e->rec,
				    sc->conf.value_field, json_real(e->v));
			if (first)
				json_object_set_new(
				    e->rec, "level_shift", json_true());
			first = false;
			win_push(sc, k, e->d);
			hist_set(k, e->slot, e->v);
			k->prev = e->v;
			k->has_prev = true;
		}
		emit(sc, e->rec);
	}
	sc->st.shifts++;
	k->nsusp = 0;
}

/*
 * One record for the len empty slots from slot on: a gap of any length
 * (a jump of years on a grid of milliseconds) costs one line.
 */
static void
gap_marker(struct seriesclean *sc, struct skey *k, int64_t slot, int64_t len)
{
	json_t *rec = slot_record(sc, k, slot, NAN, "gap");

	json_object_set_new(rec, "gap_slots", json_integer(len));
	out(sc, k, rec);
	hist_put(k, slot + len - 1, NAN);
	sc->st.gap_slots += (size_t)len;
	sc->st.gaps++;
}

/* Emit the held point, judged against its successor's value next. */
static void
release_held(struct seriesclean *sc, struct skey *k, double next)
{
	struct pt *h = &k->held;
	double v = h->sum / (double)h->n;
	double d = deviation(sc, k, h->slot, v);
	int side = outlier_side(sc, k, d);
	bool merged = h->n > 1 || h->coerced;
	json_t *rec = h->rec;

	set_time(sc, k, rec, h->slot);
	k->has_held = false;
	h->rec = NULL;
	if (k->nsusp > 0 && side != k->side)
		resolve_spike(sc, k, side == 0 ? v : NAN);
	if (side != 0 && sc->conf.shift_run > 0) {
		/* A suspect: its run decides. */
		enqueue(k, (struct qent){.rec = rec,
			       .suspect = true,
			       .merged = merged,
			       .slot = h->slot,
			       .v = v,
			       .d = d});
		k->nsusp++;
		k->side = side;
		hist_put(k, h->slot, NAN);
		if (k->nsusp >= (size_t)sc->conf.shift_run)
			resolve_shift(sc, k);
		maybe_detect(sc, k);
		return;
	}
	if (side != 0) {
		replace(sc, k, rec, h->slot, v, d, merged, next);
		hist_put(k, h->slot, NAN);
	} else {
		if (merged)
			json_object_set_new(
			    rec, sc->conf.value_field, json_real(v));
		win_push(sc, k, d);
		hist_put(k, h->slot, v);
		k->prev = v;
		k->has_prev = true;
	}
	emit(sc, rec);
	maybe_detect(sc, k);
}

/* A point leaves the reorder stage: release its predecessor, fill gaps. */
static void
finalize(struct seriesclean *sc, struct skey *k, struct pt *q)
{
	if (k->has_held) {
		int64_t from = k->held.slot;
		double qv = q->sum / (double)q->n, nb;
		int64_t len = q->slot - from - 1;

		release_held(sc, k, qv);
		nb =
		    is_outlier(sc, k, deviation(sc, k, q->slot, qv)) ? NAN : qv;
		if (len > 0 && len <= sc->conf.max_gap) {
			for (int64_t s = from + 1; s < q->slot; s++) {
				if (ad_stop || sc->failed) {
					gap_marker(sc, k, s, q->slot - s);
					break;
				}
				out(sc, k,
				    slot_record(sc, k, s,
					stand_in(sc, k, s, nb), "filled"));
				hist_put(k, s, NAN);
				sc->st.filled++;
			}
		} else if (len > 0) {
			gap_marker(sc, k, from + 1, len);
		}
	}
	k->held = *q;
	k->has_held = true;
	k->done = q->slot;
	k->released = true;
}

/* Release the pending points up to slot upto (all with INT64_MAX). */
static void
release_upto(struct seriesclean *sc, struct skey *k, int64_t upto)
{
	size_t i = 0;

	while (i < k->npend && k->pend[i].slot <= upto)
		finalize(sc, k, &k->pend[i++]);
	memmove(k->pend, k->pend + i, (k->npend - i) * sizeof(*k->pend));
	k->npend -= i;
}

static void
key_flush(struct seriesclean *sc, struct skey *k)
{
	release_upto(sc, k, INT64_MAX);
	if (k->has_held)
		release_held(sc, k, NAN);
	if (k->nsusp > 0)
		resolve_spike(sc, k, NAN); /* the end tells nothing more */
}

static void
key_free(struct skey *k)
{
	for (size_t i = 0; i < k->npend; i++)
		json_decref(k->pend[i].rec);
	if (k->has_held)
		json_decref(k->held.rec);
	for (size_t i = 0; i < k->nq; i++)
		json_decref(k->q[i].rec);
	free(k->q);
	json_decref(k->id);
	free(k->pend);
	free(k->win);
	free(k->hist);
	free(k);
}

/* keymap release: an evicted (or, at the end, any) key is flushed first. */
static void
key_release(const char *key, void *value, void *arg)
{
	struct seriesclean *sc = arg;

	(void)key;
	key_flush(sc, value);
	key_free(value);
}

/*
 * A cleaner for conf (copied; its strings are borrowed) writing through
 * emit.  New; caller frees with seriesclean_free().
 */
struct seriesclean *
seriesclean_new(const struct seriesclean_conf *conf,
    seriesclean_emit_fn *emit_fn, void *arg)
{
	struct seriesclean *sc = xcalloc(1, sizeof(*sc));
	size_t n = SERIESCLEAN_AUTO_HISTORY;

	sc->conf = *conf;
	if (sc->conf.history < 1)
		sc->conf.history = 1;
	sc->emit = emit_fn;
	sc->arg = arg;
	if (conf->period > 0)
		n = (size_t)conf->period * (size_t)sc->conf.history;
	if ((size_t)conf->outlier_window > n)
		n = (size_t)conf->outlier_window;
	sc->scratch = xcalloc(n, sizeof(*sc->scratch));
	sc->scratchn = n;
	buf_init(&sc->idtext);
	buf_init(&sc->idkey);
	sc->keys = keymap_new(conf->max_keys, key_release, sc);
	return sc;
}

static struct skey *
key_new(const struct seriesclean *sc, json_t *id)
{
	struct skey *k = xcalloc(1, sizeof(*k));

	k->id = json_incref(id);
	if (sc->conf.outlier_window > 0)
		k->win =
		    xcalloc((size_t)sc->conf.outlier_window, sizeof(*k->win));
	if (sc->conf.period > 0) {
		k->period = (size_t)sc->conf.period;
		k->histn = k->period * (size_t)sc->conf.history;
	} else if (sc->conf.period < 0) {
		k->histn = SERIESCLEAN_AUTO_HISTORY;
	}
	return k;
}

/* Text of v for messages ("got ..."), cut at 40 bytes, in sc->idtext. */
static const char *
shown(struct seriesclean *sc, const json_t *v)
{
	buf_reset(&sc->idtext);
	ndjson_dump(&sc->idtext, v);
	if (sc->idtext.len > 40) {
		sc->idtext.len = 40;
		buf_adds(&sc->idtext, "...");
	}
	buf_addc(&sc->idtext, '\0');
	return sc->idtext.data;
}

/* The value of field v as a finite number; 0, or -1 with why set. */
static int
value_of(struct seriesclean *sc, const json_t *v, double *out, bool *coerced,
    char *why, size_t whylen)
{
	const char *f = sc->conf.value_field;

	*coerced = false;
	if (json_is_number(v)) {
		*out = json_number_value(v);
		return 0;
	}
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		char *end;

		*out = strtod(s, &end);
		if (end != s && *end == '\0' && isfinite(*out)) {
			*coerced = true;
			return 0;
		}
		if (end != s && *end == '\0') {
			snprintf(why, whylen,
			    "field '%s': expected a finite number, got %s", f,
			    shown(sc, v));
			return -1;
		}
	}
	snprintf(why, whylen, "field '%s': expected a number, got %s", f,
	    shown(sc, v));
	return -1;
}

/*
 * Take one point (rec: borrowed; the cleaner keeps its own reference).
 * Returns 0 when taken (or skipped: a null value is no data), 1 when
 * rejected with a reason in why (missing or bad field, late point), -1
 * when writing failed.
 */
int
seriesclean_add(struct seriesclean *sc, json_t *rec, char *why, size_t whylen)
{
	const struct seriesclean_conf *c = &sc->conf;
	json_t *id = json_object_get(rec, c->id_field);
	json_t *tv = json_object_get(rec, c->time_field);
	json_t *vv = json_object_get(rec, c->value_field);
	struct time_form form;
	struct skey *k;
	const char *idkey;
	char twhy[200];
	int64_t ms, slot;
	double v;
	bool coerced;
	size_t i;

	if (id == NULL || json_is_null(id) || json_is_object(id) ||
	    json_is_array(id)) {
		snprintf(why, whylen,
		    id == NULL ? "missing field '%s'"
			       : "field '%s': expected a string or a number",
		    c->id_field);
		return 1;
	}
	if (tv == NULL) {
		snprintf(why, whylen, "missing field '%s'", c->time_field);
		return 1;
	}
	if (timefmt_parse(tv, &ms, &form, twhy, sizeof(twhy)) < 0) {
		snprintf(why, whylen, "field '%s': %s", c->time_field, twhy);
		return 1;
	}
	if (vv == NULL) {
		snprintf(why, whylen, "missing field '%s'", c->value_field);
		return 1;
	}
	if (json_is_null(vv))
		return 0;
	if (value_of(sc, vv, &v, &coerced, why, whylen) < 0)
		return 1;
	if (json_is_string(id)) { /* the common case: no copy */
		idkey = json_string_value(id);
	} else {
		buf_reset(&sc->idkey);
		idkey_text(&sc->idkey, id);
		idkey = sc->idkey.data;
	}
	if ((k = keymap_get(sc->keys, idkey)) == NULL) {
		k = key_new(sc, id);
		keymap_put(sc->keys, idkey, k);
	}
	slot = slot_of(sc, ms);
	/*
	 * A point in the slot of the held point (released from reordering,
	 * not yet written) is merged into it, as two points in one slot are.
	 */
	if (k->released && k->has_held && slot == k->held.slot) {
		k->form = form;
		k->held.sum += v;
		k->held.n++;
		sc->st.points++;
		sc->st.merged++;
		return 0;
	}
	if (k->released && slot <= k->done) {
		char idshown[64];

		snprintf(idshown, sizeof(idshown), "%s",
		    json_is_string(id) ? json_string_value(id) : shown(sc, id));
		snprintf(why, whylen,
		    "late point for '%s': %s is behind the reorder window",
		    idshown, shown(sc, tv));
		return 1;
	}
	k->form = form;
	sc->st.points++;
	/* Insert in slot order; most points come last. */
	for (i = k->npend; i > 0 && k->pend[i - 1].slot > slot; i--)
		;
	if (i > 0 && k->pend[i - 1].slot == slot) {
		k->pend[i - 1].sum += v;
		k->pend[i - 1].n++;
		sc->st.merged++;
	} else {
		if (k->npend == k->cappend) {
			k->cappend = k->cappend ? k->cappend * 2 : 4;
			k->pend = xreallocarray(
			    k->pend, k->cappend, sizeof(*k->pend));
		}
		memmove(k->pend + i + 1, k->pend + i,
		    (k->npend - i) * sizeof(*k->pend));
		k->pend[i] = (struct pt){.slot = slot,
		    .sum = v,
		    .n = 1,
		    .coerced = coerced,
		    .rec = json_incref(rec)};
		k->npend++;
	}
	if (!k->any || ms > k->maxts)
		k->maxts = ms;
	k->any = true;
	release_upto(sc, k, slot_of(sc, k->maxts - c->reorder_ms));
	if (k->npend > MAX_PENDING)
		release_upto(sc, k, k->pend[k->npend - MAX_PENDING].slot);
	return sc->failed ? -1 : 0;
}

static void
flush_each(const char *key, void *value, void *arg)
{
	(void)key;
	key_flush(arg, value);
}

/* Release every key's points (end of input).  Returns 0 or -1. */
int
seriesclean_finish(struct seriesclean *sc)
{
	keymap_foreach(sc->keys, flush_each, sc);
	return sc->failed ? -1 : 0;
}

/* Counts so far. */
void
seriesclean_stats(const struct seriesclean *sc, struct seriesclean_stats *st)
{
	*st = sc->st;
	st->evicted = keymap_evicted(sc->keys);
}

struct key_bytes {
	size_t win; /* outlier window length */
	size_t sum;
};

/* Add the bytes a key's state holds (the records it holds not counted). */
static void
add_key_bytes(const char *key, void *value, void *arg)
{
	const struct skey *k = value;
	struct key_bytes *kb = arg;

	(void)key;
	kb->sum += sizeof(*k) + k->cappend * sizeof(*k->pend) +
		   (k->win != NULL ? kb->win * sizeof(*k->win) : 0) +
		   k->histcap * sizeof(*k->hist) + k->capq * sizeof(*k->q);
}

/* --metrics fill (arg: the struct seriesclean): keys, bytes, evictions. */
static void
fill_metrics(struct metrics *m, void *arg)
{
	struct seriesclean *sc = arg;
	struct key_bytes kb = {(size_t)sc->conf.outlier_window, 0};

	keymap_foreach(sc->keys, add_key_bytes, &kb);
	metrics_set_keys(m, sc->keys, kb.sum, keymap_evicted(sc->keys));
}

/* Free sc (after seriesclean_finish(), or dropping what is pending). */
void
seriesclean_free(struct seriesclean *sc)
{
	if (sc == NULL)
		return;
	sc->failed = true; /* whatever is still pending is not written */
	keymap_free(sc->keys);
	free(sc->scratch);
	buf_release(&sc->idtext);
	buf_release(&sc->idkey);
	free(sc);
}

struct series_out {
	struct sink *out;
	struct buf line;
	struct ad_err *err;
};

static int
series_emit(void *arg, const json_t *rec)
{
	struct series_out *so = arg;

	return ndjson_write(so->out, &so->line, rec, so->err);
}

/*
 * Read every point of in, clean the series per conf and write the records
 * to out; a point refused (why) goes to recin_reject().  At the end of the
 * input every key is flushed.  Fills st, also after a failure.  Returns
 * 0, or -1 with err set (a read or write failed).
 */
int
seriesclean_run(const struct seriesclean_conf *conf, struct recin *in,
    struct sink *out, struct seriesclean_stats *st, struct ad_err *err)
{
	struct series_out so = {.out = out, .err = err};
	struct seriesclean *sc;
	char why[512];
	json_t *rec;
	int r, rc = 0;

	buf_init(&so.line);
	sc = seriesclean_new(conf, series_emit, &so);
	recin_set_metrics_fill(in, fill_metrics, sc);
	while ((r = recin_next(in, &rec, err)) > 0) {
		rc = seriesclean_add(sc, rec, why, sizeof(why));
		json_decref(rec);
		if (rc < 0)
			break;
		if (rc > 0)
			recin_reject(in, "%s", why);
		rc = 0;
	}
	if (r < 0)
		rc = -1;
	else if (rc == 0)
		rc = seriesclean_finish(sc);
	seriesclean_stats(sc, st);
	recin_detach_metrics(in);
	seriesclean_free(sc);
	buf_release(&so.line);
	return rc < 0 ? -1 : 0;
}

/*
 * Append the -v summary of a run to b (no newline): "read R, rejected J,
 * points P, written W, filled F, replaced X, level shifts L, gaps G (S
 * slots), merged M,
 * evicted keys E", where nread and nrejected are the input's counts.
 */
void
seriesclean_summary(struct buf *b, const struct seriesclean_stats *st,
    size_t nread, size_t nrejected)
{
	buf_addf(b,
	    "read %zu, rejected %zu, points %zu, written %zu, filled %zu, "
	    "replaced %zu, level shifts %zu, gaps %zu (%zu slots), merged %zu, "
	    "evicted keys %zu",
	    nread, nrejected, st->points, st->emitted, st->filled, st->replaced,
	    st->shifts, st->gaps, st->gap_slots, st->merged, st->evicted);
}
