/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Per-key series store: a keymap (unbounded) from key to index, and the
 * series in an array in order of first appearance.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ad.h"
#include "base/keymap.h"
#include "series/series.h"

struct series_set {
	size_t k;
	bool keep_text;
	struct keymap *index;
	struct series **all;
	size_t n, cap;
};

/* A new empty set of series with k values per point; free with
 * series_set_free().  keep_text: remember each record's text. */
struct series_set *
series_set_new(size_t k, bool keep_text)
{
	struct series_set *s = xcalloc(1, sizeof(*s));

	s->k = k;
	s->keep_text = keep_text;
	s->index = keymap_new(0, NULL, NULL);
	return s;
}

static void
series_free(struct series *se)
{
	free(se->key);
	free(se->v);
	free(se->t);
	free(se->off);
	buf_release(&se->text);
	free(se);
}

/*
 * Bytes the set holds: its index (a keymap, keys included), its array,
 * and each series with its key, values, times, offsets and record text
 * as allocated.
 */
size_t
series_set_bytes(const struct series_set *s)
{
	size_t n =
	    sizeof(*s) + keymap_bytes(s->index) + s->cap * sizeof(*s->all);

	for (size_t i = 0; i < s->n; i++) {
		const struct series *se = s->all[i];

		n += sizeof(*se) + strlen(se->key) + 1 +
		     se->cap * se->k * sizeof(*se->v) + se->text.cap;
		if (se->t != NULL)
			n += se->cap * sizeof(*se->t);
		if (se->off != NULL)
			n += se->cap * sizeof(*se->off);
	}
	return n;
}

/* Free the set and every series in it; NULL is a no-op. */
void
series_set_free(struct series_set *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++)
		series_free(s->all[i]);
	free(s->all);
	keymap_free(s->index);
	free(s);
}

/* The series of key, created empty if new (borrowed from the set). */
struct series *
series_get(struct series_set *s, const char *key, bool has_id)
{
	struct series *se = keymap_get(s->index, key);

	if (se != NULL)
		return se;
	se = xcalloc(1, sizeof(*se));
	se->key = xstrdup(key);
	se->has_id = has_id;
	se->k = s->k;
	buf_init(&se->text);
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 16;
		s->all = xreallocarray(s->all, s->cap, sizeof(*s->all));
	}
	s->all[s->n++] = se;
	keymap_put(s->index, key, se);
	return se;
}

/*
 * Append point p to its series.  Returns 0, or -1 with why when p's time
 * is not after the previous point's (the series then has a gap).
 */
int
series_add(struct series *se, const struct point *p, bool keep_text, char *why,
    size_t whylen)
{
	if (p->has_time && se->n > 0 && se->has_time &&
	    p->t_ms <= se->t[se->n - 1]) {
		snprintf(why, whylen,
		    "time %s the previous point's of '%s' (sort the input, "
		    "e.g. with ad-clean --series)",
		    p->t_ms == se->t[se->n - 1] ? "repeats" : "is before",
		    se->key);
		return -1;
	}
	if (se->n == se->cap) {
		se->cap =
		    se->cap ? 2 * se->cap : 4; /* most keys may be short */
		se->v = xreallocarray(se->v, se->cap * se->k, sizeof(double));
		se->t = xreallocarray(se->t, se->cap, sizeof(int64_t));
		if (keep_text)
			se->off =
			    xreallocarray(se->off, se->cap, sizeof(size_t));
	}
	if (se->n == 0)
		se->has_time = p->has_time;
	else if (!p->has_time)
		se->has_time = false;
	memcpy(se->v + se->n * se->k, p->v, se->k * sizeof(double));
	se->t[se->n] = p->t_ms;
	if (keep_text) {
		se->off[se->n] = se->text.len;
		buf_add(&se->text, p->text, p->textlen);
		buf_addc(&se->text, p->empty ? '\0' : '\1');
	}
	se->n++;
	return 0;
}

/* Remember that a point of se was refused (the first reason is kept). */
void
series_mark_bad(
    struct series *se, const char *src, size_t line, const char *why)
{
	if (se->nbad++ == 0) {
		snprintf(se->bad_src, sizeof(se->bad_src), "%s", src);
		se->bad_line = line;
		snprintf(se->bad_why, sizeof(se->bad_why), "%s", why);
	}
}

/* Number of series. */
size_t
series_count(const struct series_set *s)
{
	return s->n;
}

/* The i-th series in order of first appearance (borrowed). */
struct series *
series_at(struct series_set *s, size_t i)
{
	return s->all[i];
}

/* Forget a series' points (after writing them) to return memory early. */
void
series_drop_points(struct series *se)
{
	free(se->v);
	free(se->t);
	free(se->off);
	buf_release(&se->text);
	se->v = NULL;
	se->t = NULL;
	se->off = NULL;
	se->cap = 0;
}

/* Column j of the values as a new array of n doubles (caller frees). */
double *
series_column(const struct series *se, size_t j)
{
	double *c = xcalloc(se->n ? se->n : 1, sizeof(double));

	for (size_t i = 0; i < se->n; i++)
		c[i] = se->v[i * se->k + j];
	return c;
}
