/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Standalone SVG charts for NDJSON data: time-series panels (value line,
 * forecast and STL trend overlays, anomalous points, shaded alert
 * intervals, time axis), a score histogram with the threshold marked,
 * and curves in the unit square (ROC, precision-recall).
 * The caller collects the data; this module only draws.
 */
#ifndef SVGPLOT_H
#define SVGPLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

struct svgplot_point {
	int64_t t;				 /* ms since the epoch */
	double value, forecast, trend, seasonal; /* NAN when absent */
	bool anomalous;
};

struct svgplot_interval {
	int64_t from, to; /* ms */
	bool open;	  /* still firing at the end of the data */
};

struct svgplot_panel {
	char *title;
	struct svgplot_point *pts;
	size_t npts, cap;
	struct svgplot_interval *alerts;
	size_t nalerts, alerts_cap;
};

struct svgplot_hist {
	const char *title;
	double threshold;
	size_t nbins;
	size_t *normal, *other; /* counts per bin, [0, 1] split evenly */
	bool labelled;		/* other holds attacks, normal the rest */
};

/* An x-y curve in the unit square, with its chance line (x0,y0)-(x1,y1). */
struct svgplot_curve {
	const char *title, *xlabel, *ylabel;
	const double *x, *y;
	size_t n;
	double x0, y0, x1, y1;
};

void svgplot_panel_add(struct svgplot_panel *p, const struct svgplot_point *pt);
void svgplot_panel_add_alert(
    struct svgplot_panel *p, int64_t from, int64_t to, bool open);
void svgplot_panel_release(struct svgplot_panel *p);
void svgplot_series(struct buf *out, const char *title,
    struct svgplot_panel *panels, size_t npanels, const char *note);
void svgplot_series_as(struct buf *out, const char *title,
    struct svgplot_panel *panels, size_t npanels, const char *note,
    const char *mark, const char *shade);
void svgplot_curves(struct buf *out, const char *title,
    const struct svgplot_curve *c, size_t n);
void svgplot_histogram(struct buf *out, const struct svgplot_hist *h);
void svgplot_text(struct buf *b, const char *s);
void svgplot_time_label(char *out, size_t n, int64_t ms, int64_t span);
void svgplot_nice_ticks(
    double lo, double hi, int want, double *first, double *step);

#endif
