/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/plot/overview: rows per key in order of appearance
 * (calm keys too), a bubble per window with anomalies and per firing
 * alert, area proportional to the count, colour by max, a legend of only
 * what is drawn, keys beyond the limit counted, bad records refused.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot/overview.h"
#include "tap.h"

static int
add(struct overview *ov, const char *text)
{
	json_error_t je;
	json_t *rec = json_loads(text, 0, &je);
	char why[200];
	int rc = overview_add(ov, rec, why, sizeof(why));

	json_decref(rec);
	return rc;
}

/* The radius of the i-th bubble in svg, or -1. */
static double
radius(const char *svg, int i)
{
	const char *p = svg;

	for (int k = 0; k <= i; k++)
		if ((p = strstr(p + 1, "class=\"bubble\"")) == NULL)
			return -1;
	p = strstr(p, " r=\"");
	return p ? atof(p + 4) : -1;
}

static int
count(const char *svg, const char *s)
{
	int n = 0;

	for (const char *p = svg; (p = strstr(p, s)) != NULL; p++)
		n++;
	return n;
}

int
main(void)
{
	struct overview *ov = overview_new(NULL, NULL, 2);
	struct buf svg;

	buf_init(&svg);
	ok(add(ov, "{\"report\":\"r\",\"id\":\"a\",\"start\":0,\"end\":60,"
		   "\"records\":9,\"count\":4,\"max\":10}") == 0 &&
		add(ov, "{\"report\":\"r\",\"id\":\"a\",\"start\":60,\"end\":"
			"120,\"records\":9,\"count\":1,\"max\":30}") == 0 &&
		add(ov, "{\"report\":\"r\",\"id\":\"b\",\"start\":0,\"end\":60,"
			"\"records\":9,\"count\":0,\"max\":null}") == 0,
	    "report records taken");
	ok(add(ov, "{\"alert\":\"above\",\"id\":\"c\",\"status\":\"firing\","
		   "\"ts\":30,\"count\":2,\"max\":5}") == 0,
	    "a third key beyond --max-panels 2: taken, not drawn");
	ok(add(ov, "{\"id\":\"a\",\"value\":1}") == -1 &&
		add(ov, "{\"report\":\"r\",\"id\":\"a\",\"count\":1}") == -1,
	    "a record that is neither, or without times: refused");
	ok(overview_rows(ov) == 2 && overview_bubbles(ov, 0) == 2 &&
		overview_bubbles(ov, 1) == 0,
	    "rows a and b (calm, no bubble)");
	overview_render(ov, &svg);
	buf_addc(&svg, '\0');
	ok(count(svg.data, "class=\"bubble\"") == 2, "two bubbles drawn");
	is_near(radius(svg.data, 1) / radius(svg.data, 0), sqrt(1.0 / 4), 1e-3,
	    "area proportional to the count (radius ratio sqrt(1/4))");
	ok(strstr(svg.data, "fill=\"#ffe066\"") != NULL &&
		strstr(svg.data, "fill=\"#800018\"") != NULL,
	    "colour: the smallest max yellow, the largest dark red");
	ok(strstr(svg.data, ">b</text>") != NULL &&
		strstr(svg.data, "1 records of keys not drawn") != NULL,
	    "the calm key labelled, the key beyond the limit noted");
	ok(count(svg.data, "class=\"scale\"") == 11 &&
		strstr(svg.data, "no max") == NULL,
	    "legend: the colour scale, no 'no max' entry (none drawn)");
	overview_free(ov);

	ov = overview_new("t", "k", 5);
	buf_reset(&svg);
	add(ov, "{\"alert\":\"count\",\"k\":7,\"status\":\"firing\",\"ts\":"
		"\"2026-11-21T10:00:00Z\",\"count\":3}");
	add(ov, "{\"alert\":\"count\",\"k\":7,\"status\":\"resolved\",\"ts\":"
		"\"2026-11-21T10:05:00Z\",\"count\":3}");
	overview_render(ov, &svg);
	buf_addc(&svg, '\0');
	ok(overview_bubbles(ov, 0) == 1 &&
		count(svg.data, "class=\"bubble\"") == 1 &&
		strstr(svg.data, "fill=\"#999999\"") != NULL &&
		strstr(svg.data, "no max") != NULL &&
		count(svg.data, "class=\"scale\"") == 0,
	    "a firing alert without max: grey, 'no max' legend, no scale; "
	    "resolved: nothing");
	overview_free(ov);
	overview_free(NULL);
	buf_release(&svg);
	return tap_done();
}
