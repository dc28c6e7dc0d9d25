/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Panels are kept in arrival order of their keys, found through a key
 * map whose values are the panel number + 1, or SKIPPED for a key beyond
 * max_panels, so that a skipped key is counted once.  An alert record
 * opens an interval at its "since" (or "ts") when firing and closes the
 * panel's last open interval at its "ts" otherwise.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ad.h"
#include "base/keymap.h"
#include "base/timefmt.h"
#include "io/ndjson.h"
#include "plot/plotset.h"
#include "record/idkey.h"

#define SKIPPED SIZE_MAX

struct plotset {
	struct plotset_conf c;
	struct svgplot_panel *panels;
	size_t npanels, skipped_keys;
	struct keymap *index; /* key -> panel number + 1, or SKIPPED */
	struct svgplot_hist hist;
	struct buf key;
};

/* ad-plot's defaults; field stays NULL: value, or score for histograms. */
void
plotset_conf_init(struct plotset_conf *conf)
{
	memset(conf, 0, sizeof(*conf));
	conf->id = "id";
	conf->time = "ts";
	conf->label = "label";
	conf->normal = "normal.";
	conf->threshold = 0.5;
	conf->bins = 50;
	conf->max_panels = 12;
}

/*
 * An empty picture for conf (copied; its strings are borrowed and must
 * outlive the set).  Free with plotset_free().
 */
struct plotset *
plotset_new(const struct plotset_conf *conf)
{
	struct plotset *ps = xcalloc(1, sizeof(*ps));

	ps->c = *conf;
	if (ps->c.field == NULL)
		ps->c.field = ps->c.histogram ? "score" : "value";
	ps->index = keymap_new(0, NULL, NULL);
	buf_init(&ps->key);
	if (ps->c.histogram) {
		ps->hist.nbins = ps->c.bins;
		ps->hist.normal = xcalloc(ps->hist.nbins, sizeof(size_t));
		ps->hist.other = xcalloc(ps->hist.nbins, sizeof(size_t));
		ps->hist.threshold = ps->c.threshold;
		ps->hist.title = ps->c.title ? ps->c.title : "score histogram";
	}
	return ps;
}

/* Free ps and everything it gathered; NULL is allowed. */
void
plotset_free(struct plotset *ps)
{
	if (ps == NULL)
		return;
	for (size_t i = 0; i < ps->npanels; i++)
		svgplot_panel_release(&ps->panels[i]);
	free(ps->panels);
	keymap_free(ps->index);
	free(ps->hist.normal);
	free(ps->hist.other);
	buf_release(&ps->key);
	free(ps);
}

static double
number_or_nan(json_t *rec, const char *name)
{
	json_t *v = json_object_get(rec, name);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* Key text of a record: a string as is, anything else as JSON. */
static const char *
key_of(json_t *rec, const char *field, struct buf *key)
{
	json_t *v = json_object_get(rec, field);

	buf_reset(key);
	if (v != NULL)
		idkey_text(key, v);
	else
		buf_adds(key, "(all)");
	return key->data;
}

static struct svgplot_panel *
panel_for(struct plotset *ps, const char *key, bool create)
{
	size_t i = (size_t)(uintptr_t)keymap_get(ps->index, key);

	if (i == SKIPPED)
		return NULL;
	if (i > 0)
		return &ps->panels[i - 1];
	if (!create)
		return NULL;
	if (ps->npanels >= ps->c.max_panels) {
		ps->skipped_keys++;
		keymap_put(ps->index, key, (void *)(uintptr_t)SKIPPED);
		return NULL;
	}
	ps->panels =
	    xreallocarray(ps->panels, ps->npanels + 1, sizeof(*ps->panels));
	memset(&ps->panels[ps->npanels], 0, sizeof(*ps->panels));
	ps->panels[ps->npanels].title = xstrdup(key);
	keymap_put(ps->index, key, (void *)(uintptr_t)(++ps->npanels));
	return &ps->panels[ps->npanels - 1];
}

/* A point of the key's panel; -1 with the reason in why. */
static int
add_point(struct plotset *ps, json_t *rec, char *why, size_t whylen)
{
	struct svgplot_point pt;
	struct time_form form;
	json_t *tv = json_object_get(rec, ps->c.time);
	json_t *v = json_object_get(rec, ps->c.field);
	struct svgplot_panel *p;

	if (tv == NULL) {
		snprintf(why, whylen, "field '%s': missing", ps->c.time);
		return -1;
	}
	if (timefmt_parse(tv, &pt.t, &form, why, whylen) < 0)
		return -1;
	pt.value = json_is_number(v) ? json_number_value(v) : NAN;
	if (isnan(pt.value) && v != NULL && !json_is_null(v)) {
		snprintf(
		    why, whylen, "field '%s': expected a number", ps->c.field);
		return -1;
	}
	pt.forecast = number_or_nan(rec, "forecast");
	pt.trend = number_or_nan(rec, "trend");
	pt.seasonal = number_or_nan(rec, "seasonal");
	pt.anomalous = json_is_true(json_object_get(rec, "anomaly")) ||
		       json_is_true(json_object_get(rec, "mismatch"));
	p = panel_for(ps, key_of(rec, ps->c.id, &ps->key), true);
	if (p != NULL)
		svgplot_panel_add(p, &pt);
	return 0;
}

/* Count the score of rec in its bin, by its label. */
static int
add_score(struct plotset *ps, json_t *rec, char *why, size_t whylen)
{
	struct svgplot_hist *h = &ps->hist;
	double v = number_or_nan(rec, ps->c.field);
	json_t *label = json_object_get(rec, ps->c.label);
	size_t bin;

	if (isnan(v)) {
		snprintf(
		    why, whylen, "field '%s': expected a number", ps->c.field);
		return -1;
	}
	bin = (size_t)(fmin(fmax(v, 0), 1) * (double)h->nbins);
	if (bin >= h->nbins)
		bin = h->nbins - 1;
	if (json_is_string(label)) {
		h->labelled = true;
		if (strcmp(json_string_value(label), ps->c.normal) != 0) {
			h->other[bin]++;
			return 0;
		}
	}
	h->normal[bin]++;
	return 0;
}

/*
 * Add one record (borrowed): a point of its key's panel (a key beyond
 * max_panels is counted, not drawn), or a score of the histogram.
 * Returns 0, or -1 when the record cannot be plotted, with the reason
 * in why (a missing or bad time, a value that is not a number).
 */
int
plotset_add(struct plotset *ps, json_t *rec, char *why, size_t whylen)
{
	if (ps->c.histogram)
		return add_score(ps, rec, why, whylen);
	return add_point(ps, rec, why, whylen);
}

/*
 * Shade what an alert record (borrowed; "id", "status", "ts", "since")
 * says, on the panel of its key if there is one: "firing" opens an
 * interval at "since" (else "ts"), another status closes the panel's open
 * interval at "ts".  Records without a panel or a readable time are
 * ignored, as are all of them for a histogram.
 */
void
plotset_add_alert(struct plotset *ps, json_t *rec)
{
	json_t *st = json_object_get(rec, "status");
	struct svgplot_panel *p;
	struct time_form form;
	int64_t since, ts;
	char why[200];

	if (ps->c.histogram)
		return;
	p = panel_for(ps, key_of(rec, "id", &ps->key), false);
	if (p == NULL || !json_is_string(st) ||
	    timefmt_parse(
		json_object_get(rec, "ts"), &ts, &form, why, sizeof(why)) < 0)
		return;
	if (timefmt_parse(json_object_get(rec, "since"), &since, &form, why,
		sizeof(why)) < 0)
		since = ts;
	if (strcmp(json_string_value(st), "firing") == 0)
		svgplot_panel_add_alert(p, since, INT64_MAX, true);
	else if (p->nalerts > 0 && p->alerts[p->nalerts - 1].open) {
		p->alerts[p->nalerts - 1].to = ts;
		p->alerts[p->nalerts - 1].open = false;
	}
}

/* Draw the picture as a standalone SVG document, appended to svg. */
void
plotset_render(const struct plotset *ps, struct buf *svg)
{
	char note[100];

	if (ps->c.histogram) {
		svgplot_histogram(svg, &ps->hist);
		return;
	}
	snprintf(
	    note, sizeof(note), "%zu more keys not shown", ps->skipped_keys);
	svgplot_series(svg, ps->c.title ? ps->c.title : "adpipe", ps->panels,
	    ps->npanels, ps->skipped_keys ? note : NULL);
}

/* The number of panels, one per key drawn. */
size_t
plotset_panel_count(const struct plotset *ps)
{
	return ps->npanels;
}

/* Panel i (< plotset_panel_count()), borrowed until the next add. */
const struct svgplot_panel *
plotset_panel(const struct plotset *ps, size_t i)
{
	return &ps->panels[i];
}

/* Keys not drawn, beyond max_panels. */
size_t
plotset_skipped_keys(const struct plotset *ps)
{
	return ps->skipped_keys;
}

/* The histogram (borrowed), or NULL when the set draws panels. */
const struct svgplot_hist *
plotset_hist(const struct plotset *ps)
{
	return ps->c.histogram ? &ps->hist : NULL;
}
