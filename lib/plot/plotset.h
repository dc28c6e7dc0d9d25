/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * ad-plot's picture before it is drawn: NDJSON records gathered into
 * either time-series panels, one per key (value, forecast, STL trend and
 * seasonal, anomaly marks), with the intervals of alert records shaded,
 * or a histogram of a score in [0, 1], split by a label field into
 * normal records and the rest.  plot/svgplot draws the result.
 */
#ifndef PLOTSET_H
#define PLOTSET_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "plot/svgplot.h"

struct plotset_conf {
	bool histogram;	   /* a histogram instead of panels */
	const char *id;	   /* key field, one panel per key */
	const char *time;  /* time field of a panel's points */
	const char *field; /* value, or score of the histogram; NULL: default */
	const char *label; /* histogram: the label field ... */
	const char *normal; /* ... and its value for normal records */
	const char *title;  /* NULL: "adpipe" or "score histogram" */
	double threshold;   /* histogram: where the line is drawn */
	size_t bins;	    /* histogram bins */
	size_t max_panels;  /* keys drawn at most; the others are counted */
};

struct plotset;

void plotset_conf_init(struct plotset_conf *conf);
struct plotset *plotset_new(const struct plotset_conf *conf);
void plotset_free(struct plotset *ps);
int plotset_add(struct plotset *ps, json_t *rec, char *why, size_t whylen);
void plotset_add_alert(struct plotset *ps, json_t *rec);
void plotset_render(const struct plotset *ps, struct buf *svg);
size_t plotset_panel_count(const struct plotset *ps);
const struct svgplot_panel *plotset_panel(const struct plotset *ps, size_t i);
size_t plotset_skipped_keys(const struct plotset *ps);
const struct svgplot_hist *plotset_hist(const struct plotset *ps);

#endif
