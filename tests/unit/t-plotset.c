/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/plot/plotset: crafted records into panels (keys,
 * times, values, overlays, anomaly marks, the panel limit), alert records
 * into shaded intervals, scores into histogram bins, and the reasons a
 * record is refused.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot/plotset.h"
#include "tap.h"

static int
add(struct plotset *ps, const char *text, char *why, size_t whylen)
{
	json_t *rec = json_loads(text, 0, NULL);
	int rc;

	why[0] = '\0';
	rc = plotset_add(ps, rec, why, whylen);
	json_decref(rec);
	return rc;
}

static void
alert(struct plotset *ps, const char *text)
{
	json_t *rec = json_loads(text, 0, NULL);

	plotset_add_alert(ps, rec);
	json_decref(rec);
}

static void
test_panels(void)
{
	struct plotset_conf c;
	struct plotset *ps;
	const struct svgplot_panel *p;
	char why[200];
	struct buf svg;

	plotset_conf_init(&c);
	c.max_panels = 3;
	c.title = "demo";
	ps = plotset_new(&c);
	ok(add(ps,
	       "{\"id\":\"cpu\",\"ts\":60,\"value\":1.5,\"forecast\":2,"
	       "\"trend\":1}",
	       why, sizeof(why)) == 0,
	    "a point with overlays is taken");
	ok(add(ps,
	       "{\"id\":\"cpu\",\"ts\":\"1970-01-01T00:02:00Z\","
	       "\"value\":null,\"anomaly\":true}",
	       why, sizeof(why)) == 0,
	    "a null value is a gap, taken");
	ok(add(ps, "{\"id\":7,\"ts\":60,\"value\":3,\"mismatch\":true}", why,
	       sizeof(why)) == 0,
	    "a numeric key is taken");
	ok(add(ps, "{\"ts\":60,\"value\":4}", why, sizeof(why)) == 0,
	    "a record without a key is taken");
	ok(add(ps, "{\"id\":\"cpu\",\"value\":1}", why, sizeof(why)) == -1,
	    "no time: refused");
	is_str(why, "field 'ts': missing", "... reason");
	ok(add(ps, "{\"id\":\"cpu\",\"ts\":60,\"value\":\"hi\"}", why,
	       sizeof(why)) == -1,
	    "a string value: refused");
	is_str(why, "field 'value': expected a number", "... reason");
	ok(add(ps, "{\"id\":\"cpu\",\"ts\":\"soon\",\"value\":1}", why,
	       sizeof(why)) == -1 &&
		strstr(why, "'soon' is not a time") != NULL,
	    "a bad time: refused, with the time's reason");
	ok(add(ps, "{\"id\":\"mem\",\"ts\":60,\"value\":1}", why,
	       sizeof(why)) == 0 &&
		add(ps, "{\"id\":\"mem\",\"ts\":120,\"value\":1}", why,
		    sizeof(why)) == 0,
	    "points of a key beyond --max-panels are taken ...");
	ok(plotset_panel_count(ps) == 3 && plotset_skipped_keys(ps) == 1,
	    "... but not drawn, and the key counted once");
	p = plotset_panel(ps, 0);
	is_str(p->title, "cpu", "panels come in order of first appearance");
	ok(p->npts == 2 && p->pts[0].t == 60000 && p->pts[0].value == 1.5 &&
		p->pts[0].forecast == 2 && p->pts[0].trend == 1 &&
		isnan(p->pts[0].seasonal) && !p->pts[0].anomalous,
	    "point 1: time in ms, value and overlays");
	ok(p->npts == 2 && p->pts[1].t == 120000 && isnan(p->pts[1].value) &&
		p->pts[1].anomalous,
	    "point 2: ISO time, gap, anomalous");
	is_str(plotset_panel(ps, 1)->title, "7", "a numeric key as JSON");
	ok(plotset_panel(ps, 1)->pts[0].anomalous, "mismatch marks a point");
	is_str(plotset_panel(ps, 2)->title, "(all)", "no key: (all)");
	ok(plotset_hist(ps) == NULL, "no histogram in the panel form");
	buf_init(&svg);
	plotset_render(ps, &svg);
	buf_add(&svg, "", 1);
	ok(strstr(svg.data, "<svg") != NULL, "renders an SVG document");
	ok(strstr(svg.data, ">demo<") != NULL &&
		strstr(svg.data, "1 more keys not shown") != NULL,
	    "with the title and the note on keys left out");
	buf_release(&svg);
	plotset_free(ps);
}

static void
test_alerts(void)
{
	struct plotset_conf c;
	struct plotset *ps;
	const struct svgplot_panel *p;
	char why[200];

	plotset_conf_init(&c);
	ps = plotset_new(&c);
	add(ps, "{\"id\":\"web\",\"ts\":100,\"value\":1}", why, sizeof(why));
	alert(ps, "{\"id\":\"web\",\"status\":\"firing\",\"since\":90,"
		  "\"ts\":120}");
	alert(ps, "{\"id\":\"db\",\"status\":\"firing\",\"ts\":120}");
	p = plotset_panel(ps, 0);
	ok(p->nalerts == 1 && p->alerts[0].from == 90000 &&
		p->alerts[0].to == INT64_MAX && p->alerts[0].open,
	    "firing opens an interval at since");
	ok(plotset_panel_count(ps) == 1, "an alert makes no panel of its own");
	alert(ps, "{\"id\":\"web\",\"status\":\"resolved\",\"ts\":300}");
	ok(p->nalerts == 1 && p->alerts[0].to == 300000 && !p->alerts[0].open,
	    "resolved closes it at ts");
	alert(ps, "{\"id\":\"web\",\"status\":\"resolved\",\"ts\":400}");
	ok(p->alerts[0].to == 300000, "a second resolved changes nothing");
	alert(ps, "{\"id\":\"web\",\"status\":\"firing\",\"ts\":500}");
	ok(p->nalerts == 2 && p->alerts[1].from == 500000,
	    "firing without since opens at ts");
	alert(ps, "{\"id\":\"web\",\"status\":\"firing\",\"ts\":\"x\"}");
	alert(ps, "{\"id\":\"web\",\"ts\":600}");
	ok(p->nalerts == 2, "no readable ts or no status: ignored");
	plotset_free(ps);
}

static void
test_histogram(void)
{
	struct plotset_conf c;
	struct plotset *ps;
	const struct svgplot_hist *h;
	char why[200];

	plotset_conf_init(&c);
	c.histogram = true;
	c.bins = 10;
	c.threshold = 0.7;
	ps = plotset_new(&c);
	h = plotset_hist(ps);
	ok(h != NULL && h->nbins == 10 && h->threshold == 0.7 &&
		strcmp(h->title, "score histogram") == 0,
	    "an empty histogram of 10 bins");
	add(ps, "{\"score\":0.05,\"label\":\"normal.\"}", why, sizeof(why));
	add(ps, "{\"score\":0.15}", why, sizeof(why));
	add(ps, "{\"score\":-3}", why, sizeof(why));
	add(ps, "{\"score\":0.95,\"label\":\"smurf.\"}", why, sizeof(why));
	add(ps, "{\"score\":1,\"label\":\"neptune.\"}", why, sizeof(why));
	ok(h->normal[0] == 2 && h->normal[1] == 1 && h->other[9] == 2,
	    "scores in their bins, below 0 and 1 at the ends");
	ok(h->labelled, "labelled once a label is seen");
	ok(add(ps, "{\"value\":0.5}", why, sizeof(why)) == -1,
	    "no score: refused");
	is_str(why, "field 'score': expected a number", "... reason");
	plotset_free(ps);
	c.field = "p";
	c.normal = "ok";
	ps = plotset_new(&c);
	h = plotset_hist(ps);
	add(ps, "{\"p\":0.55,\"label\":\"ok\"}", why, sizeof(why));
	add(ps, "{\"p\":0.55,\"label\":\"normal.\"}", why, sizeof(why));
	ok(h->normal[5] == 1 && h->other[5] == 1,
	    "--field and --normal are used");
	plotset_free(ps);
}

int
main(void)
{
	test_panels();
	test_alerts();
	test_histogram();
	return tap_done();
}
