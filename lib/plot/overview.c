/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The overview picture (see overview.h).  Rows keep the order in which
 * their keys first appear; keys beyond max_rows are counted and named in
 * a note.  Bubble radius is sqrt(count / largest count) times the row's
 * half height, so that area, not radius, is proportional to the count;
 * colour runs from yellow (smallest max drawn) to dark red (largest) on
 * a linear scale, grey for a record without a max.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ad.h"
#include "base/timefmt.h"
#include "plot/overview.h"
#include "plot/svgplot.h"

#define WIDTH 900
#define LEFT 140
#define RIGHT 150
#define ROW 36

struct row {
	char *key;
	struct overview_bubble *b;
	size_t n, cap;
};

struct overview {
	char *title, *id;
	size_t max_rows, skipped;
	struct row *rows;
	size_t nrows;
};

/*
 * An overview titled title (NULL: a default) keyed by id_field (NULL:
 * "id"), drawing at most max_rows keys.  New; caller frees with
 * overview_free().
 */
struct overview *
overview_new(const char *title, const char *id_field, size_t max_rows)
{
	struct overview *ov = xcalloc(1, sizeof(*ov));

	ov->title = xstrdup(title ? title : "anomalies per key and window");
	ov->id = xstrdup(id_field ? id_field : "id");
	ov->max_rows = max_rows ? max_rows : 12;
	ov->rows = xcalloc(ov->max_rows, sizeof(*ov->rows));
	return ov;
}

static struct row *
row_for(struct overview *ov, const char *key)
{
	for (size_t i = 0; i < ov->nrows; i++)
		if (strcmp(ov->rows[i].key, key) == 0)
			return &ov->rows[i];
	if (ov->nrows == ov->max_rows)
		return NULL;
	ov->rows[ov->nrows].key = xstrdup(key);
	return &ov->rows[ov->nrows++];
}

/*
 * Take a report record ("report", "start", "end", "count", "max") or a
 * firing alert ("alert", "status", "ts", "count", "max"); rec is
 * borrowed.  Returns 0 (a window without anomalies, a resolved alert or
 * a key beyond max_rows is taken and draws nothing; the key of a calm
 * window has its row), or -1 with why set
 * for a record that is neither or lacks its times or count.
 */
int
overview_add(struct overview *ov, json_t *rec, char *why, size_t whylen)
{
	json_t *idv = json_object_get(rec, ov->id);
	json_t *cv = json_object_get(rec, "count");
	json_t *mv = json_object_get(rec, "max");
	struct overview_bubble b;
	struct time_form form;
	char key[256];
	struct row *r;

	if (!json_is_number(cv)) {
		snprintf(why, whylen,
		    "no numeric 'count': not a report or "
		    "alert record");
		return -1;
	}
	if (json_object_get(rec, "report") != NULL) {
		int64_t s, e;

		if (timefmt_parse(json_object_get(rec, "start"), &s, &form, why,
			whylen) < 0 ||
		    timefmt_parse(json_object_get(rec, "end"), &e, &form, why,
			whylen) < 0)
			return -1;
		b.t = s + (e - s) / 2;
	} else if (json_object_get(rec, "alert") != NULL) {
		const char *st =
		    json_string_value(json_object_get(rec, "status"));

		if (timefmt_parse(json_object_get(rec, "ts"), &b.t, &form, why,
			whylen) < 0)
			return -1;
		if (st != NULL && strcmp(st, "firing") != 0)
			return 0;
	} else {
		snprintf(why, whylen, "neither a report nor an alert record");
		return -1;
	}
	b.count = json_number_value(cv);
	b.max = json_is_number(mv) ? json_number_value(mv) : NAN;
	if (json_is_string(idv))
		snprintf(key, sizeof(key), "%s", json_string_value(idv));
	else if (json_is_integer(idv))
		snprintf(key, sizeof(key), "%lld",
		    (long long)json_integer_value(idv));
	else
		snprintf(key, sizeof(key), "(no %s)", ov->id);
	if ((r = row_for(ov, key)) == NULL) {
		ov->skipped++;
		return 0;
	}
	if (!(b.count > 0))
		return 0; /* a calm window: the key has its row */
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 16;
		r->b = xreallocarray(r->b, r->cap, sizeof(*r->b));
	}
	r->b[r->n++] = b;
	return 0;
}

/* Keys drawn. */
size_t
overview_rows(const struct overview *ov)
{
	return ov->nrows;
}

/* Bubbles of row i. */
size_t
overview_bubbles(const struct overview *ov, size_t i)
{
	return i < ov->nrows ? ov->rows[i].n : 0;
}

/* Yellow (u = 0) to dark red (u = 1). */
static void
colour(char *out, size_t n, double u)
{
	static const double stop[3][3] = {
	    {255, 224, 102}, {240, 96, 32}, {128, 0, 24}};
	double k = u <= 0 ? 0 : u >= 1 ? 2 : 2 * u;
	int i = k >= 2 ? 1 : (int)k;
	double f = k - i;
	int rgb[3];

	for (int c = 0; c < 3; c++)
		rgb[c] =
		    (int)lround(stop[i][c] + (stop[i + 1][c] - stop[i][c]) * f);
	snprintf(out, n, "#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
}

/*
 * Draw the picture as a standalone SVG into svg: rows, bubbles, the time
 * axis, and a legend of what is drawn (bubble sizes; the colour scale if
 * any bubble has a max; grey if any has none).
 */
void
overview_render(const struct overview *ov, struct buf *svg)
{
	int64_t tmin = INT64_MAX, tmax = INT64_MIN;
	double cmax = 0, mlo = HUGE_VAL, mhi = -HUGE_VAL,
	       w = WIDTH - LEFT - RIGHT;
	bool nomax = false, any = false;
	size_t nr = ov->nrows ? ov->nrows : 1;
	double top = 50, height = top + (double)nr * ROW + 60;

	if (height < top + 260)
		height = top + 260; /* the legend */
	char fill[16], lab[64];

	for (size_t i = 0; i < ov->nrows; i++)
		for (size_t j = 0; j < ov->rows[i].n; j++) {
			const struct overview_bubble *b = &ov->rows[i].b[j];

			any = true;
			tmin = b->t < tmin ? b->t : tmin;
			tmax = b->t > tmax ? b->t : tmax;
			cmax = b->count > cmax ? b->count : cmax;
			if (isnan(b->max))
				nomax = true;
			else {
				mlo = b->max < mlo ? b->max : mlo;
				mhi = b->max > mhi ? b->max : mhi;
			}
		}
	if (!any)
		tmin = tmax = 0;
	if (tmax == tmin) {
		tmin -= 30000;
		tmax += 30000;
	}
	/* Room for the bubbles at both ends. */
	{
		int64_t pad = (tmax - tmin) / 40;

		tmin -= pad;
		tmax += pad;
	}
	buf_addf(svg,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	    "height=\"%.0f\" viewBox=\"0 0 %d %.0f\" "
	    "font-family=\"sans-serif\">\n"
	    "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
	    "<text class=\"heading\" x=\"%d\" y=\"24\" font-size=\"15\" "
	    "font-weight=\"bold\">",
	    WIDTH, height, WIDTH, height, LEFT);
	svgplot_text(svg, ov->title);
	buf_adds(svg, "</text>\n");
	for (size_t i = 0; i < ov->nrows; i++) {
		const struct row *r = &ov->rows[i];
		double y = top + ((double)i + 0.5) * ROW;

		buf_addf(svg,
		    "<line class=\"row\" x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"#ddd\"/>\n"
		    "<text class=\"key\" x=\"%d\" y=\"%.1f\" "
		    "text-anchor=\"end\" font-size=\"12\">",
		    LEFT, y, LEFT + w, y, LEFT - 8, y + 4);
		svgplot_text(svg, r->key);
		buf_adds(svg, "</text>\n");
		for (size_t j = 0; j < r->n; j++) {
			const struct overview_bubble *b = &r->b[j];
			double x = LEFT + w * (double)(b->t - tmin) /
					      (double)(tmax - tmin);
			double rad = (ROW / 2.0 - 2) * sqrt(b->count / cmax);

			if (isnan(b->max))
				snprintf(fill, sizeof(fill), "#999999");
			else
				colour(fill, sizeof(fill),
				    mhi > mlo ? (b->max - mlo) / (mhi - mlo)
					      : 1);
			buf_addf(svg,
			    "<circle class=\"bubble\" cx=\"%.1f\" cy=\"%.1f\" "
			    "r=\"%.2f\" fill=\"%s\" fill-opacity=\"0.8\" "
			    "stroke=\"#333\" stroke-width=\"0.5\">"
			    "<title>",
			    x, y, rad, fill);
			svgplot_text(svg, r->key);
			buf_addf(svg, ": %g anomalous", b->count);
			if (!isnan(b->max))
				buf_addf(svg, ", max %g", b->max);
			buf_adds(svg, "</title></circle>\n");
		}
	}
	/* Time axis. */
	{
		double yb = top + (double)nr * ROW;

		buf_addf(svg,
		    "<line class=\"axis\" x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"#333\"/>\n",
		    LEFT, yb, LEFT + w, yb);
		for (int k = 0; k <= 5; k++) {
			int64_t t = tmin + (tmax - tmin) * k / 5;
			double x = LEFT + w * k / 5.0;

			svgplot_time_label(lab, sizeof(lab), t, tmax - tmin);
			buf_addf(svg,
			    "<text class=\"xtick\" x=\"%.1f\" y=\"%.1f\" "
			    "text-anchor=\"middle\" font-size=\"11\">%s"
			    "</text>\n",
			    x, yb + 16, lab);
		}
		buf_addf(svg,
		    "<text class=\"note\" x=\"%d\" y=\"%.1f\" "
		    "font-size=\"11\" fill=\"#555\">time (UTC)",
		    LEFT, yb + 34);
		if (ov->skipped > 0)
			buf_addf(svg,
			    "; %zu records of keys not drawn "
			    "(more than %zu keys)",
			    ov->skipped, ov->max_rows);
		if (!any)
			buf_adds(svg, "; no anomalies");
		buf_adds(svg, "</text>\n");
	}
	/* Legend: only what was drawn. */
	if (any) {
		double lx = LEFT + w + 30, ly = top + 10;

		buf_addf(svg,
		    "<g class=\"legend\" font-size=\"11\">\n"
		    "<text x=\"%.1f\" y=\"%.1f\">anomalies</text>\n",
		    lx, ly);
		for (int k = 0; k < 2; k++) {
			double c = k == 0 ? cmax : ceil(cmax / 4);
			double rad = (ROW / 2.0 - 2) * sqrt(c / cmax);

			if (k == 1 && c >= cmax)
				break;
			ly += 2 * (ROW / 2.0) + 4;
			buf_addf(svg,
			    "<circle class=\"size\" cx=\"%.1f\" cy=\"%.1f\" "
			    "r=\"%.2f\" fill=\"none\" stroke=\"#333\"/>\n"
			    "<text x=\"%.1f\" y=\"%.1f\">%g</text>\n",
			    lx + ROW / 2.0, ly - ROW / 2.0, rad, lx + ROW + 6,
			    ly - ROW / 2.0 + 4, c);
		}
		if (mhi >= mlo) {
			ly += 24;
			buf_addf(svg,
			    "<text x=\"%.1f\" y=\"%.1f\">max</text>\n", lx, ly);
			for (int k = 0; k <= 10; k++) {
				colour(fill, sizeof(fill), k / 10.0);
				buf_addf(svg,
				    "<rect class=\"scale\" x=\"%.1f\" "
				    "y=\"%.1f\" width=\"14\" height=\"6\" "
				    "fill=\"%s\"/>\n",
				    lx, ly + 6 + (10 - k) * 6.0, fill);
			}
			buf_addf(svg, "<text x=\"%.1f\" y=\"%.1f\">%g</text>\n",
			    lx + 20, ly + 12, mhi);
			if (mlo < mhi) /* one value: one label */
				buf_addf(svg,
				    "<text x=\"%.1f\" y=\"%.1f\">%g</text>\n",
				    lx + 20, ly + 72, mlo);
			ly += 80;
		}
		if (nomax) {
			ly += 18;
			buf_addf(svg,
			    "<circle class=\"nomax\" cx=\"%.1f\" cy=\"%.1f\" "
			    "r=\"6\" fill=\"#999999\"/>\n"
			    "<text x=\"%.1f\" y=\"%.1f\">no max</text>\n",
			    lx + 7, ly - 4, lx + 20, ly);
		}
		buf_adds(svg, "</g>\n");
	}
	buf_adds(svg, "</svg>\n");
}

/* Free ov; NULL is a no-op. */
void
overview_free(struct overview *ov)
{
	if (ov == NULL)
		return;
	for (size_t i = 0; i < ov->nrows; i++) {
		free(ov->rows[i].key);
		free(ov->rows[i].b);
	}
	free(ov->rows);
	free(ov->title);
	free(ov->id);
	free(ov);
}
