/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * SVG rendering.  Coordinates are computed per panel from the data range
 * with "nice" tick steps (1, 2, 5 x 10^k), times are labelled in UTC at a
 * granularity that suits the span, and long series are drawn as a
 * min/max envelope per pixel column so a month of minutes stays a small
 * file.  Text is XML-escaped; the output is a complete SVG document.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/ad.h"
#include "plot/svgplot.h"

#define WIDTH 1000
#define PANEL_H 200
#define LEFT 70
#define RIGHT 20
#define TOP 30
#define GAP 40
#define AXIS_MAX_TICKS 50 /* nice ticks give about 10; a bound all the same */

/* Append p to the panel (copied). */
void
svgplot_panel_add(struct svgplot_panel *p, const struct svgplot_point *pt)
{
	if (p->npts == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 256;
		p->pts = xreallocarray(p->pts, p->cap, sizeof(*p->pts));
	}
	p->pts[p->npts++] = *pt;
}

/* Add an alert interval [from, to] to the panel. */
void
svgplot_panel_add_alert(
    struct svgplot_panel *p, int64_t from, int64_t to, bool open)
{
	if (p->nalerts == p->alerts_cap) {
		p->alerts_cap = p->alerts_cap ? p->alerts_cap * 2 : 8;
		p->alerts =
		    xreallocarray(p->alerts, p->alerts_cap, sizeof(*p->alerts));
	}
	p->alerts[p->nalerts].from = from;
	p->alerts[p->nalerts].to = to;
	p->alerts[p->nalerts].open = open;
	p->nalerts++;
}

/* Free what the panel owns. */
void
svgplot_panel_release(struct svgplot_panel *p)
{
	free(p->title);
	free(p->pts);
	free(p->alerts);
	memset(p, 0, sizeof(*p));
}

static void
add_text(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '<':
			buf_adds(b, "&lt;");
			break;
		case '>':
			buf_adds(b, "&gt;");
			break;
		case '&':
			buf_adds(b, "&amp;");
			break;
		case '"':
			buf_adds(b, "&quot;");
			break;
		default:
			if ((unsigned char)*s >= 0x20 || *s == '\t')
				buf_addc(b, *s);
		}
	}
}

/* Append s to b escaped for SVG text and attributes. */
void
svgplot_text(struct buf *b, const char *s)
{
	add_text(b, s);
}

/*
 * Choose about want ticks over [lo, hi]: *step is 1, 2 or 5 times a power
 * of ten, *first the first multiple of it at or above lo.
 */
void
svgplot_nice_ticks(double lo, double hi, int want, double *first, double *step)
{
	/* Halves, so that the span of -DBL_MAX and DBL_MAX is finite. */
	double half = hi / 2 - lo / 2, raw, mag, f;

	if (!(half > 0))
		half = fabs(lo) > 0 ? fabs(lo) / 2 : 0.5;
	raw = half / (want > 1 ? want : 1) * 2;
	mag = pow(10, floor(log10(raw)));
	f = raw / mag;
	*step = (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
	*first = ceil(lo / *step) * *step;
}

/* The mean Gregorian year (400 years are 146097 days), in ms. */
#define YEAR_MS 31556952000.0

static void
time_label(char *out, size_t n, int64_t ms, double span, bool years)
{
	time_t s = (time_t)(ms / 1000);
	struct tm tm;

	/*
	 * Year ticks are placed a whole number of mean years from the epoch
	 * (a day or two off the new year) and labelled with that number,
	 * which also holds beyond the reach of gmtime().
	 */
	if (years) {
		snprintf(out, n, "%.0f", 1970 + round((double)ms / YEAR_MS));
		return;
	}
	if (gmtime_r(&s, &tm) == NULL) {
		snprintf(out, n, "%lld", (long long)ms);
		return;
	}
	if (span <= 2 * 3600000LL)
		strftime(out, n, "%H:%M:%S", &tm);
	else if (span <= 3 * 86400000LL)
		strftime(out, n, "%H:%M", &tm);
	else
		strftime(out, n, "%m-%d %H:%M", &tm);
}

/*
 * A time tick's label for ms in out (n bytes): seconds, minutes, or the
 * date too, as the span of the axis calls for (UTC).
 */
void
svgplot_time_label(char *out, size_t n, int64_t ms, int64_t span)
{
	time_label(out, n, ms, (double)span, (double)span > 8 * YEAR_MS / 12);
}

static const int64_t time_steps[] = {1000, 5000, 15000, 60000, 300000, 900000,
    3600000, 3 * 3600000LL, 6 * 3600000LL, 12 * 3600000LL, 86400000LL,
    2 * 86400000LL, 7 * 86400000LL, 30 * 86400000LL};

struct frame {
	double x0, y0, w, h; /* plot area */
	int64_t tmin, tmax;
	double vmin, vmax;
};

/*
 * Coordinates in double: a difference of two times may not fit int64,
 * and one of two values (halved) may not fit a double.
 */
static double
fx(const struct frame *f, double t)
{
	return f->x0 + (t - (double)f->tmin) /
			   ((double)f->tmax - (double)f->tmin) * f->w;
}

static double
fy(const struct frame *f, double v)
{
	return f->y0 + f->h -
	       (v / 2 - f->vmin / 2) / (f->vmax / 2 - f->vmin / 2) * f->h;
}

/*
 * Widen the value range of f to draw: by 5% on each side, or, where the
 * values are too close to tell apart in print (one ulp, or 1e17 and
 * 1e17 + 1), to +-1 around them or +-1e-6 of their size, whichever is
 * more; never beyond the largest double.
 */
static void
value_range(struct frame *f, bool any)
{
	double lo = any ? f->vmin : 0, hi = any ? f->vmax : 0;
	double mag = fmax(fabs(lo), fabs(hi)), half = hi / 2 - lo / 2;

	if (half <= fmax(mag * 1e-13, 1e-300)) {
		double mid = lo / 2 + hi / 2, w = fmax(1, mag * 1e-6);

		lo = mid - w;
		hi = mid + w;
	} else {
		lo -= half * 0.1;
		hi += half * 0.1;
	}
	f->vmin = fmax(lo, -DBL_MAX);
	f->vmax = fmin(hi, DBL_MAX);
}

static void
axes(struct buf *b, const struct frame *f)
{
	double first, step, span = (double)f->tmax - (double)f->tmin;
	double tstep = (double)time_steps[0];
	bool years = false;
	char label[40];

	buf_addf(b,
	    "<rect class=\"frame\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
	    "height=\"%.1f\" fill=\"none\" stroke=\"#999\"/>\n",
	    f->x0, f->y0, f->w, f->h);
	svgplot_nice_ticks(f->vmin, f->vmax, 5, &first, &step);
	/*
	 * Count the ticks rather than add step to v: where step is below
	 * the spacing of doubles at v, v += step never gets anywhere.
	 */
	for (int i = 0; i <= AXIS_MAX_TICKS; i++) {
		/* (in halves: i * step may overflow where v does not) */
		double v = (first / 2 + i * (step / 2)) * 2, y = fy(f, v);

		if (!isfinite(v) || v > f->vmax + step * 1e-9)
			break;

		buf_addf(b,
		    "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"#eee\"/>"
		    "<text class=\"ytick\" x=\"%.1f\" y=\"%.1f\" "
		    "text-anchor=\"end\" font-size=\"11\">%g</text>\n",
		    f->x0, f->x0 + f->w, y, y, f->x0 - 6, y + 4,
		    fabs(v) < step * 1e-9 ? 0.0 : v);
	}
	for (size_t i = 0; i < sizeof(time_steps) / sizeof(time_steps[0]);
	     i++) {
		tstep = (double)time_steps[i];
		if (span / tstep <= 8)
			break;
	}
	/* Longer than 8 months: 1, 2 or 5 times a power of ten years. */
	for (double y = 1; span / tstep > 8; y *= 10) {
		years = true;
		tstep = y * YEAR_MS;
		if (span / tstep > 8)
			tstep = 2 * y * YEAR_MS;
		if (span / tstep > 8)
			tstep = 5 * y * YEAR_MS;
	}
	first = ceil((double)f->tmin / tstep) * tstep;
	if (years) /* at round years: 2000, 3000, not 1970 + 1000 k */
		first = (ceil((1970 + (double)f->tmin / YEAR_MS) /
			      (tstep / YEAR_MS)) *
				(tstep / YEAR_MS) -
			    1970) *
			YEAR_MS;
	for (int i = 0; i <= AXIS_MAX_TICKS; i++) {
		double t = first + i * tstep, x = fx(f, t);

		/* 0x1p63: INT64_MAX rounded up, out of the range of int64 */
		if (t > (double)f->tmax || t >= 0x1p63)
			break;
		time_label(label, sizeof(label), (int64_t)t, span, years);
		buf_addf(b,
		    "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"#eee\"/>"
		    "<text class=\"xtick\" x=\"%.1f\" y=\"%.1f\" "
		    "text-anchor=\"middle\" font-size=\"11\">%s</text>\n",
		    x, x, f->y0, f->y0 + f->h, x, f->y0 + f->h + 14, label);
	}
}

/* Draw one series as a polyline, as a per-pixel min/max envelope. */
static void
line(struct buf *b, const struct frame *f, const struct svgplot_panel *p,
    size_t offset, const char *cls, const char *style)
{
	bool open = false;
	double lastx = -1, lo = 0, hi = 0;

	for (size_t i = 0; i <= p->npts; i++) {
		double v =
		    i < p->npts
			? *(const double *)((const char *)&p->pts[i] + offset)
			: NAN;
		double x = i < p->npts ? floor(fx(f, p->pts[i].t)) : -2;

		if (open && (x != lastx || isnan(v))) {
			buf_addf(b, "%.1f,%.1f ", lastx, fy(f, lo));
			if (hi != lo)
				buf_addf(b, "%.1f,%.1f ", lastx, fy(f, hi));
		}
		if (isnan(v)) {
			if (open)
				buf_adds(b, "\"/>\n");
			open = false;
			continue;
		}
		if (!open) {
			buf_addf(b,
			    "<polyline class=\"%s\" fill=\"none\" %s "
			    "points=\"",
			    cls, style);
			open = true;
			lo = hi = v;
		} else if (x != lastx) {
			lo = hi = v;
		} else {
			lo = fmin(lo, v);
			hi = fmax(hi, v);
		}
		lastx = x;
	}
}

static void
panel(struct buf *b, const struct svgplot_panel *p, double y0)
{
	struct frame f = {LEFT, y0, WIDTH - LEFT - RIGHT, PANEL_H, 0, 0, 0, 0};
	bool any = false;

	for (size_t i = 0; i < p->npts; i++) {
		const struct svgplot_point *q = &p->pts[i];
		const double vs[] = {q->value, q->forecast, q->trend};

		if (i == 0 || q->t < f.tmin)
			f.tmin = q->t;
		if (i == 0 || q->t > f.tmax)
			f.tmax = q->t;
		for (int k = 0; k < 3; k++) {
			if (isnan(vs[k]))
				continue;
			if (!any || vs[k] < f.vmin)
				f.vmin = vs[k];
			if (!any || vs[k] > f.vmax)
				f.vmax = vs[k];
			any = true;
		}
	}
	if (f.tmax == f.tmin && f.tmin > INT64_MAX - 1000)
		f.tmin -= 1000;
	else if (f.tmax == f.tmin)
		f.tmax = f.tmin + 1000;
	value_range(&f, any);
	buf_addf(b,
	    "<g class=\"panel\">\n<text class=\"title\" x=\"%d\" "
	    "y=\"%.1f\" font-size=\"13\" font-weight=\"bold\">",
	    LEFT, y0 - 8);
	add_text(b, p->title);
	buf_adds(b, "</text>\n");
	for (size_t i = 0; i < p->nalerts; i++) {
		double x1 = fx(&f,
		    p->alerts[i].from < f.tmin ? f.tmin : p->alerts[i].from);
		double x2 =
		    fx(&f, p->alerts[i].to > f.tmax ? f.tmax : p->alerts[i].to);

		buf_addf(b,
		    "<rect class=\"alert\" x=\"%.1f\" y=\"%.1f\" "
		    "width=\"%.1f\" "
		    "height=\"%d\" fill=\"#f4a3a3\" fill-opacity=\"0.35\"/>\n",
		    x1, y0, fmax(2, x2 - x1), PANEL_H);
	}
	axes(b, &f);
	line(b, &f, p, offsetof(struct svgplot_point, value), "value",
	    "stroke=\"#1f77b4\" stroke-width=\"1.2\"");
	line(b, &f, p, offsetof(struct svgplot_point, trend), "trend",
	    "stroke=\"#2ca02c\" stroke-width=\"1.5\"");
	line(b, &f, p, offsetof(struct svgplot_point, forecast), "forecast",
	    "stroke=\"#ff7f0e\" stroke-width=\"1\" stroke-dasharray=\"4 3\"");
	for (size_t i = 0; i < p->npts; i++)
		if (p->pts[i].anomalous && !isnan(p->pts[i].value))
			buf_addf(b,
			    "<circle class=\"anomaly\" cx=\"%.1f\" cy=\"%.1f\" "
			    "r=\"3.5\" fill=\"none\" stroke=\"#d62728\" "
			    "stroke-width=\"1.5\"/>\n",
			    fx(&f, p->pts[i].t), fy(&f, p->pts[i].value));
	buf_adds(b, "</g>\n");
}

static void
legend(struct buf *b, double y, const char *mark, const char *shade)
{
	static const struct {
		const char *name, *color, *dash;
	} items[] = {{"value", "#1f77b4", ""}, {"trend (STL)", "#2ca02c", ""},
	    {"forecast", "#ff7f0e", "4 3"}};
	double x = LEFT;

	for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
		buf_addf(b,
		    "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.0f\" y2=\"%.0f\" "
		    "stroke=\"%s\" stroke-dasharray=\"%s\" stroke-width=\"2\"/>"
		    "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\">%s</text>\n",
		    x, x + 20, y, y, items[i].color, items[i].dash, x + 24,
		    y + 4, items[i].name);
		x += 120;
	}
	buf_addf(b,
	    "<circle cx=\"%.0f\" cy=\"%.0f\" r=\"3.5\" fill=\"none\" "
	    "stroke=\"#d62728\"/><text x=\"%.0f\" y=\"%.0f\" "
	    "font-size=\"11\">",
	    x + 10, y, x + 24, y + 4);
	add_text(b, mark);
	buf_addf(b,
	    "</text>\n"
	    "<rect x=\"%.0f\" y=\"%.0f\" width=\"20\" height=\"10\" "
	    "fill=\"#f4a3a3\" fill-opacity=\"0.5\"/><text x=\"%.0f\" "
	    "y=\"%.0f\" font-size=\"11\">",
	    x + 110, y - 5, x + 134, y + 4);
	add_text(b, shade);
	buf_adds(b, "</text>\n");
}

/*
 * Append a complete SVG document with one panel per element of panels,
 * a title, a legend, and an optional note (e.g. "3 more keys not shown").
 */
void
svgplot_series(struct buf *out, const char *title, struct svgplot_panel *panels,
    size_t npanels, const char *note)
{
	svgplot_series_as(
	    out, title, panels, npanels, note, "anomaly", "alert");
}

/*
 * svgplot_series() with the legend naming the marked points mark and
 * the shaded intervals shade (ad-eval: detections and anomaly windows).
 */
void
svgplot_series_as(struct buf *out, const char *title,
    struct svgplot_panel *panels, size_t npanels, const char *note,
    const char *mark, const char *shade)
{
	double height = TOP + 30 + (double)npanels * (PANEL_H + GAP + 20) + 30;

	buf_addf(out,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	    "height=\"%.0f\" viewBox=\"0 0 %d %.0f\" "
	    "font-family=\"sans-serif\">\n"
	    "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
	    "<text class=\"heading\" x=\"%d\" y=\"20\" font-size=\"15\" "
	    "font-weight=\"bold\">",
	    WIDTH, height, WIDTH, height, LEFT);
	add_text(out, title);
	buf_adds(out, "</text>\n");
	legend(out, TOP + 10, mark, shade);
	for (size_t i = 0; i < npanels; i++)
		panel(out, &panels[i],
		    TOP + 50 + (double)i * (PANEL_H + GAP + 20));
	if (note != NULL) {
		buf_addf(out,
		    "<text class=\"note\" x=\"%d\" y=\"%.0f\" "
		    "font-size=\"11\">",
		    LEFT, height - 10);
		add_text(out, note);
		buf_adds(out, "</text>\n");
	}
	buf_adds(out, "</svg>");
}

#define CURVE_SIDE 380

/* One curve's square: frame, ticks every 0.2, chance line, polyline. */
static void
curve(struct buf *b, const struct svgplot_curve *c, double x0, double y0)
{
	struct frame f = {x0, y0, CURVE_SIDE, CURVE_SIDE, 0, 1, 0, 1};
	double lastx = -1, lasty = -1;

	buf_addf(b,
	    "<g class=\"curve\">\n<text class=\"title\" x=\"%.1f\" "
	    "y=\"%.1f\" font-size=\"13\" font-weight=\"bold\">",
	    x0, y0 - 8);
	add_text(b, c->title);
	buf_addf(b,
	    "</text>\n<rect class=\"frame\" x=\"%.1f\" y=\"%.1f\" "
	    "width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>\n",
	    x0, y0, CURVE_SIDE, CURVE_SIDE);
	for (int k = 0; k <= 5; k++) {
		double v = k / 5.0, x = x0 + v * CURVE_SIDE, y = fy(&f, v);

		buf_addf(b,
		    "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" "
		    "y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>"
		    "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" "
		    "y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>"
		    "<text class=\"xtick\" x=\"%.1f\" y=\"%.1f\" "
		    "text-anchor=\"middle\" font-size=\"11\">%.1f</text>"
		    "<text class=\"ytick\" x=\"%.1f\" y=\"%.1f\" "
		    "text-anchor=\"end\" font-size=\"11\">%.1f</text>\n",
		    x, x, y0, y0 + CURVE_SIDE, x0, x0 + CURVE_SIDE, y, y, x,
		    y0 + CURVE_SIDE + 14, v, x0 - 6, y + 4, v);
	}
	buf_addf(b,
	    "<line class=\"chance\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
	    "y2=\"%.1f\" stroke=\"#999\" stroke-dasharray=\"5 4\"/>\n",
	    x0 + c->x0 * CURVE_SIDE, fy(&f, c->y0), x0 + c->x1 * CURVE_SIDE,
	    fy(&f, c->y1));
	buf_addf(b,
	    "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" "
	    "text-anchor=\"middle\">",
	    x0 + CURVE_SIDE / 2.0, y0 + CURVE_SIDE + 32);
	add_text(b, c->xlabel);
	buf_addf(b,
	    "</text>\n<text font-size=\"12\" text-anchor=\"middle\" "
	    "transform=\"translate(%.1f %.1f) rotate(-90)\">",
	    x0 - 40, y0 + CURVE_SIDE / 2.0);
	add_text(b, c->ylabel);
	buf_adds(b, "</text>\n");
	if (c->n > 0) {
		buf_adds(b, "<polyline class=\"line\" fill=\"none\" "
			    "stroke=\"#1f77b4\" stroke-width=\"1.5\" "
			    "points=\"");
		/* a point per tenth of a pixel at most: millions stay small */
		for (size_t i = 0; i < c->n; i++) {
			double x = round((x0 + c->x[i] * CURVE_SIDE) * 10) / 10;
			double y = round(fy(&f, c->y[i]) * 10) / 10;

			if (x == lastx && y == lasty && i + 1 < c->n)
				continue;
			buf_addf(b, "%.1f,%.1f ", x, y);
			lastx = x;
			lasty = y;
		}
		buf_adds(b, "\"/>\n");
	}
	buf_adds(b, "</g>\n");
}

/*
 * Append a complete SVG document: the n curves side by side, each in
 * the unit square with its chance line, under title.
 */
void
svgplot_curves(
    struct buf *out, const char *title, const struct svgplot_curve *c, size_t n)
{
	double width = LEFT + (double)n * (CURVE_SIDE + LEFT) + RIGHT;
	double height = TOP + 40 + CURVE_SIDE + 60;

	buf_addf(out,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
	    "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
	    "font-family=\"sans-serif\">\n"
	    "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
	    "<text class=\"heading\" x=\"%d\" y=\"20\" font-size=\"15\" "
	    "font-weight=\"bold\">",
	    width, height, width, height, LEFT);
	add_text(out, title);
	buf_adds(out, "</text>\n");
	for (size_t i = 0; i < n; i++)
		curve(out, &c[i], LEFT + (double)i * (CURVE_SIDE + LEFT),
		    TOP + 40);
	buf_adds(out, "</svg>");
}

/*
 * Append a complete SVG document: a histogram of scores in [0, 1], with
 * attacks and normal records stacked when labelled, and the threshold as
 * a vertical line.
 */
void
svgplot_histogram(struct buf *out, const struct svgplot_hist *h)
{
	struct frame f = {
	    LEFT, TOP + 40, WIDTH - LEFT - RIGHT, 300, 0, 1, 0, 0};
	double bw = f.w / (double)h->nbins, first, step;
	size_t maxc = 1;

	for (size_t i = 0; i < h->nbins; i++)
		if (h->normal[i] + h->other[i] > maxc)
			maxc = h->normal[i] + h->other[i];
	buf_addf(out,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	    "height=\"420\" viewBox=\"0 0 %d 420\" "
	    "font-family=\"sans-serif\">\n"
	    "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
	    "<text class=\"heading\" x=\"%d\" y=\"20\" font-size=\"15\" "
	    "font-weight=\"bold\">",
	    WIDTH, WIDTH, LEFT);
	add_text(out, h->title);
	buf_adds(out, "</text>\n");
	/* Counts span orders of magnitude: a log scale shows both ends. */
	f.vmax = log10((double)maxc + 1);
	for (size_t i = 0; i < h->nbins; i++) {
		double x = f.x0 + (double)i * bw;
		double hn = log10((double)h->normal[i] + 1);
		double ht = log10((double)(h->normal[i] + h->other[i]) + 1);

		if (h->normal[i] > 0)
			buf_addf(out,
			    "<rect class=\"bar normal\" x=\"%.1f\" y=\"%.1f\" "
			    "width=\"%.1f\" height=\"%.1f\" "
			    "fill=\"#1f77b4\"/>\n",
			    x + 0.5, fy(&f, hn), bw - 1,
			    f.y0 + f.h - fy(&f, hn));
		if (h->other[i] > 0)
			buf_addf(out,
			    "<rect class=\"bar attack\" x=\"%.1f\" y=\"%.1f\" "
			    "width=\"%.1f\" height=\"%.1f\" "
			    "fill=\"#d62728\"/>\n",
			    x + 0.5, fy(&f, ht), bw - 1,
			    fy(&f, hn) - fy(&f, ht));
	}
	buf_addf(out,
	    "<rect class=\"frame\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
	    "height=\"%.1f\" fill=\"none\" stroke=\"#999\"/>\n",
	    f.x0, f.y0, f.w, f.h);
	for (int k = 0; k <= 10; k++) {
		double x = f.x0 + f.w * k / 10.0;

		buf_addf(out,
		    "<text class=\"xtick\" x=\"%.1f\" y=\"%.1f\" "
		    "text-anchor=\"middle\" font-size=\"11\">%.1f</text>\n",
		    x, f.y0 + f.h + 14, k / 10.0);
	}
	svgplot_nice_ticks(0, f.vmax, 4, &first, &step);
	if (step < 1)
		step = 1;
	for (double e = 0; e <= f.vmax; e += step)
		buf_addf(out,
		    "<text class=\"ytick\" x=\"%.1f\" y=\"%.1f\" "
		    "text-anchor=\"end\" font-size=\"11\">%.0f</text>\n",
		    f.x0 - 6, fy(&f, e) + 4, pow(10, e));
	buf_addf(out,
	    "<line class=\"threshold\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" "
	    "y2=\"%.1f\" stroke=\"black\" stroke-dasharray=\"6 3\"/>"
	    "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\">threshold "
	    "%g</text>\n",
	    f.x0 + f.w * h->threshold, f.x0 + f.w * h->threshold, f.y0 - 5,
	    f.y0 + f.h, f.x0 + f.w * h->threshold + 4, f.y0 + 10, h->threshold);
	buf_addf(out,
	    "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" "
	    "text-anchor=\"middle\">score</text>\n"
	    "<text x=\"%d\" y=\"%.1f\" font-size=\"11\">records per bin "
	    "(log scale)%s</text>\n</svg>",
	    f.x0 + f.w / 2, f.y0 + f.h + 32, LEFT, f.y0 - 8,
	    h->labelled ? ": blue normal, red attack" : "");
}
