/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * ad-stl's work on points (see stlrun.h): window features as points come,
 * STL components per series once the input has ended.  Fields are
 * appended to each record's own text, so a record keeps its fields in
 * their order and the numbers as written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "series/acf.h"
#include "base/keymap.h"
#include "io/ndjson.h"
#include "series/series.h"
#include "series/stlrun.h"
#include "series/window.h"

struct stlrun {
	struct stlrun_conf c;
	struct sink *out;
	struct buf line, tmp;
	struct keymap *windows; /* key -> struct window */
	struct series_set *set; /* with a decomposition */
};

static void
release_window(const char *key, void *value, void *arg)
{
	(void)key;
	(void)arg;
	window_free(value);
}

/*
 * Start the work for c (borrowed, with c->pc, for the run's life), writing
 * to out.  Returns a new run: free with stlrun_free().
 */
struct stlrun *
stlrun_new(const struct stlrun_conf *c, struct sink *out)
{
	struct stlrun *r = xcalloc(1, sizeof(*r));

	r->c = *c;
	r->out = out;
	buf_init(&r->line);
	buf_init(&r->tmp);
	if (c->window_ms > 0)
		r->windows = keymap_new(c->max_keys, release_window, NULL);
	if (c->decompose)
		r->set = series_set_new(c->pc->nfields, true);
	return r;
}

/* Append ,"name":v (or "name":v when first) to b. */
static void
add_num(
    struct buf *b, bool *first, const char *prefix, const char *name, double v)
{
	if (!*first)
		buf_addc(b, ',');
	*first = false;
	buf_addc(b, '"');
	if (prefix != NULL) {
		buf_adds(b, prefix);
		buf_addc(b, '_');
	}
	buf_adds(b, name);
	buf_add(b, "\":", 2);
	buf_add_double(b, v);
}

/* Window features of w (after the point was pushed) appended to b. */
static void
add_window(struct buf *b, bool *first, const struct window *w,
    const struct point_conf *pc)
{
	char name[300];

	for (size_t i = 0; i < pc->nfields; i++) {
		add_num(b, first, pc->fields[i], "mean", window_mean(w, i));
		add_num(b, first, pc->fields[i], "var", window_var(w, i));
	}
	for (size_t i = 0; i < pc->nfields; i++)
		for (size_t j = i + 1; j < pc->nfields; j++) {
			snprintf(name, sizeof(name), "cov_%s_%s", pc->fields[i],
			    pc->fields[j]);
			add_num(b, first, NULL, name, window_cov(w, i, j));
		}
	if (!*first)
		buf_addc(b, ',');
	*first = false;
	buf_adds(b, "\"window_n\":");
	buf_add_long(b, (long long)window_count(w));
}

/*
 * Take one good point: add window features (p's text then points into the
 * run, valid until the next call), then write it, or keep it for its
 * series' decomposition.  Returns STLRUN_DONE, STLRUN_REFUSED with why (a
 * time not after its key's previous one: the caller rejects the line), or
 * -1 with err set when writing fails.
 */
int
stlrun_point(struct stlrun *r, struct point *p, char *why, size_t whylen,
    struct ad_err *err)
{
	if (r->windows != NULL) {
		struct window *w = keymap_get(r->windows, p->key);
		bool first = p->empty;

		if (w != NULL && p->t_ms <= window_last_time(w)) {
			snprintf(why, whylen,
			    "time %s the previous point's of '%s'",
			    p->t_ms == window_last_time(w) ? "repeats"
							   : "is before",
			    p->key);
			return STLRUN_REFUSED;
		}
		if (w == NULL) {
			w = window_new(r->c.pc->nfields, r->c.window_ms);
			keymap_put(r->windows, p->key, w);
		}
		window_push(w, p->t_ms, p->v);
		buf_reset(&r->tmp);
		buf_add(&r->tmp, p->text, p->textlen);
		add_window(&r->tmp, &first, w, r->c.pc);
		p->text = r->tmp.data;
		p->textlen = r->tmp.len;
		p->empty = false;
		if (r->set == NULL) {
			buf_addc(&r->tmp, '}');
			return ndjson_write_text(
			    r->out, r->tmp.data, r->tmp.len, err);
		}
	}
	/* A point out of order is refused; the rest stays in order. */
	if (series_add(series_get(r->set, p->key, p->has_id), p, true, why,
		whylen) < 0)
		return STLRUN_REFUSED;
	return STLRUN_DONE;
}

/*
 * A gap (an explicit null) at source:lineno spoils p's series: it will not
 * be decomposed, since its points are no longer regular.
 */
void
stlrun_gap(struct stlrun *r, const struct point *p, const char *source,
    size_t lineno, const char *why)
{
	if (r->set != NULL)
		series_mark_bad(
		    series_get(r->set, p->key, p->has_id), source, lineno, why);
}

/* The number of series kept for decomposition. */
size_t
stlrun_series_count(const struct stlrun *r)
{
	return r->set != NULL ? series_count(r->set) : 0;
}

/* Find the period of se by autocorrelation, or say why there is none. */
static long
auto_period(const struct series *se, char *why, size_t whylen)
{
	struct acf_period ap;
	double *x = series_column(se, 0);
	size_t pref[16],
	    np = se->has_time ? acf_natural_periods(se->t, se->n, pref, 16) : 0;

	acf_find_period(x, se->n, 2, 0, pref, np, &ap);
	free(x);
	if (ap.period > 0)
		return (long)ap.period;
	if (ap.best_lag > 0)
		snprintf(why, whylen,
		    "'%s': no significant seasonal period (best "
		    "autocorrelation %.3g at lag %zu, needed %.3g); give "
		    "--period",
		    se->key, ap.acf, ap.best_lag, ap.threshold);
	else
		snprintf(why, whylen,
		    "'%s': no seasonal period in %zu points; give --period",
		    se->key, se->n);
	return 0;
}

/* Decompose each value field of se into comp (4 n values per field). */
static int
decompose(const struct stlrun *r, const struct series *se, struct stl_params *p,
    double *comp, char *why, size_t whylen)
{
	struct ad_err e;

	ad_err_clear(&e);
	if (se->nbad > 0) {
		snprintf(why, whylen,
		    "'%s': not decomposed: %zu point%s refused, the first at "
		    "%s:%zu (%s)",
		    se->key, se->nbad, se->nbad == 1 ? "" : "s", se->bad_src,
		    se->bad_line, se->bad_why);
		return -1;
	}
	if (r->c.auto_period && (p->period = auto_period(se, why, whylen)) == 0)
		return -1;
	if (stl_params_resolve(p, se->n, &e) < 0) {
		snprintf(why, whylen, "'%s': %s", se->key, e.msg);
		return -1;
	}
	for (size_t j = 0; j < se->k; j++) {
		double *x = series_column(se, j), *c = comp + j * 4 * se->n;
		int rc = stl_decompose(x, se->n, p, c, c + se->n, c + 2 * se->n,
		    c + 3 * se->n, &e);

		free(x);
		if (rc < 0) {
			snprintf(why, whylen, "'%s': %s", se->key, e.msg);
			return -1;
		}
	}
	return 0;
}

/*
 * Decompose series which (0 .. stlrun_series_count() - 1) and write its points with the components added, then
 * drop its points.  Returns STLRUN_DONE, STLRUN_REFUSED with why (starting
 * with the key: a spoilt series, no period found, bad parameters), or -1
 * with err set when writing fails.
 */
int
stlrun_emit(struct stlrun *r, size_t which, char *why, size_t whylen,
    struct ad_err *err)
{
	struct series *se = series_at(r->set, which);
	struct stl_params p = r->c.stl;
	size_t n = se->n, k = se->k;
	double *comp = xcalloc(n * 4 * k + 1, sizeof(double));
	int rc = 0;

	if (decompose(r, se, &p, comp, why, whylen) < 0) {
		rc = STLRUN_REFUSED;
		goto out;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		const char *text = se->text.data + se->off[i];
		size_t end = i + 1 < n ? se->off[i + 1] : se->text.len;
		bool first = text[end - se->off[i] - 1] == '\0';

		buf_reset(&r->line);
		buf_add(&r->line, text, end - se->off[i] - 1);
		for (size_t j = 0; j < k; j++) {
			const double *c = comp + j * 4 * n;
			const char *pre = k > 1 ? r->c.pc->fields[j] : NULL;

			add_num(&r->line, &first, pre, "seasonal", c[i]);
			add_num(&r->line, &first, pre, "trend", c[n + i]);
			add_num(
			    &r->line, &first, pre, "remainder", c[2 * n + i]);
			if (p.robust)
				add_num(&r->line, &first, pre, "weight",
				    c[3 * n + i]);
		}
		buf_addc(&r->line, '}');
		rc = ndjson_write_text(r->out, r->line.data, r->line.len, err);
	}
out:
	free(comp);
	series_drop_points(se);
	return rc;
}

/* The number of keys seen (series, or window states held). */
size_t
stlrun_keys(const struct stlrun *r)
{
	return r->set != NULL ? series_count(r->set) : keymap_count(r->windows);
}

/* Whether window states were evicted to stay within max_keys. */
bool
stlrun_evicted(const struct stlrun *r)
{
	return r->windows != NULL && keymap_evicted(r->windows) > 0;
}

static void
add_window_bytes(const char *key, void *value, void *arg)
{
	(void)key;
	*(size_t *)arg += window_bytes(value);
}

/*
 * --metrics fill (arg: the struct stlrun): with --window the windows
 * held, their bytes, evictions; without, the whole series held for the
 * decomposition at the end (none evicted; a series decomposed and
 * written keeps only its key).
 */
void
stlrun_fill_metrics(struct metrics *m, void *arg)
{
	struct stlrun *r = arg;
	size_t bytes = 0;

	if (r->windows == NULL) {
		metrics_set_state(
		    m, series_count(r->set), series_set_bytes(r->set), 0);
		return;
	}
	keymap_foreach(r->windows, add_window_bytes, &bytes);
	metrics_set_keys(m, r->windows, bytes, keymap_evicted(r->windows));
}

/* Free r (NULL is fine); the sink stays open. */
void
stlrun_free(struct stlrun *r)
{
	if (r == NULL)
		return;
	series_set_free(r->set);
	keymap_free(r->windows);
	buf_release(&r->line);
	buf_release(&r->tmp);
	free(r);
}
