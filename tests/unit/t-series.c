/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/series: keys in order of first appearance, points
 * appended with their values, times and record text, times that repeat
 * or go back refused with the reason, has_time when some points lack a
 * time, bad marks (the first reason kept), columns, many keys and points.
 */
#include <stdio.h>
#include <stdlib.h>

#include "series/point.h"
#include "series/series.h"
#include "tap.h"

static struct point
pt(int64_t t, bool has_time, double a, double b, const char *text)
{
	struct point p = {0};

	p.text = text;
	p.textlen = strlen(text);
	p.empty = strcmp(text, "{") == 0;
	p.t_ms = t;
	p.has_time = has_time;
	p.v[0] = a;
	p.v[1] = b;
	return p;
}

int
main(void)
{
	struct series_set *set = series_set_new(2, true);
	struct series *a, *b, *c;
	struct point p;
	char why[256], key[32];
	double *col;
	int all;
	size_t b0;

	ok(series_count(set) == 0, "new set: empty");
	a = series_get(set, "cpu", true);
	b = series_get(set, "", false);
	ok(series_count(set) == 2 && series_get(set, "cpu", true) == a &&
		series_at(set, 0) == a && series_at(set, 1) == b,
	    "two keys, found again, in order of first appearance");
	ok(strcmp(a->key, "cpu") == 0 && a->has_id && !b->has_id && a->k == 2 &&
		a->n == 0,
	    "key, has_id and k kept");

	p = pt(1000, true, 1.5, -2, "{\"id\":\"cpu\",\"ts\":1000");
	ok(series_add(a, &p, true, why, sizeof(why)) == 0, "first point");
	p = pt(2000, true, 2.5, -3, "{");
	ok(series_add(a, &p, true, why, sizeof(why)) == 0, "second point");
	ok(a->n == 2 && a->has_time && a->t[0] == 1000 && a->t[1] == 2000 &&
		a->v[0] == 1.5 && a->v[1] == -2 && a->v[2] == 2.5 &&
		a->v[3] == -3,
	    "values point-major, times kept");
	ok(memcmp(a->text.data + a->off[0], "{\"id\":\"cpu\",\"ts\":1000\1",
	       22) == 0 &&
		memcmp(a->text.data + a->off[1], "{\0", 2) == 0,
	    "record text kept, \\1 after a record, \\0 after {}");
	p = pt(2000, true, 0, 0, "x");
	ok(series_add(a, &p, true, why, sizeof(why)) == -1 &&
		strcmp(why, "time repeats the previous point's of 'cpu' "
			    "(sort the input, e.g. with ad-clean "
			    "--series)") == 0 &&
		a->n == 2,
	    "repeated time refused with the reason");
	p = pt(1500, true, 0, 0, "x");
	ok(series_add(a, &p, true, why, sizeof(why)) == -1 &&
		strstr(why, "time is before the previous point's of 'cpu'") ==
		    why,
	    "earlier time refused");
	p = pt(-5, false, 9, 9, "x");
	ok(series_add(a, &p, true, why, sizeof(why)) == 0 && !a->has_time &&
		a->n == 3,
	    "a point without time: accepted, the series has no time any more");
	col = series_column(a, 1);
	ok(col[0] == -2 && col[1] == -3 && col[2] == 9, "column 1");
	free(col);
	col = series_column(b, 0);
	ok(col != NULL && b->n == 0, "column of an empty series");
	free(col);

	series_mark_bad(a, "in.ndjson", 7, "field 'v' is null");
	series_mark_bad(a, "other", 9, "second");
	ok(a->nbad == 2 && strcmp(a->bad_src, "in.ndjson") == 0 &&
		a->bad_line == 7 &&
		strcmp(a->bad_why, "field 'v' is null") == 0,
	    "bad marks counted, the first kept");

	/* Without text, many keys, many points. */
	series_set_free(set);
	set = series_set_new(1, false);
	for (int i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "k%d", i % 100);
		c = series_get(set, key, true);
		p = pt(i, true, i, 0, "{");
		series_add(c, &p, false, why, sizeof(why));
	}
	all = series_count(set) == 100;
	for (size_t i = 0; all && i < 100; i++) {
		c = series_at(set, i);
		snprintf(key, sizeof(key), "k%zu", i);
		if (strcmp(c->key, key) != 0 || c->n != 10 || c->off != NULL ||
		    c->v[9] != (double)(900 + i) ||
		    c->t[3] != (int64_t)(300 + i))
			all = 0;
	}
	ok(all, "100 keys x 10 points: order, values, no text");
	c = series_get(set, "long", true);
	for (int i = 0; i < 100000; i++) {
		p = pt(i, true, -i, 0, "{");
		series_add(c, &p, false, why, sizeof(why));
	}
	ok(c->n == 100000 && c->v[99999] == -99999 && c->t[50000] == 50000,
	    "100000 points in one series");
	b0 = series_set_bytes(set);
	series_drop_points(c);
	ok(c->v == NULL && c->t == NULL, "drop frees the points");
	/* a value and a time per point, room for 131072 (doubling from 4) */
	ok(b0 - series_set_bytes(set) == (size_t)131072 * 2 * 8,
	    "bytes: the dropped points' arrays less");
	series_set_free(set);
	series_set_free(NULL);
	return tap_done();
}
