/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/plot/evalplot: a series panel with its window
 * shaded and only the scored detections circled, and the two curves of
 * six labelled records with their AUCs in the titles.
 */
#include <stdlib.h>
#include <string.h>

#include "plot/evalplot.h"
#include "tap.h"

static size_t
count(const char *s, const char *needle)
{
	size_t n = 0;

	for (const char *p = s; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

int
main(void)
{
	struct windows ws;
	struct window *w = malloc(sizeof(*w));
	struct nab *nb;
	struct binary *b = binary_new();
	struct binary_result r;
	struct buf svg;
	double s[] = {0.9, 0.8, 0.8, 0.5, 0.3, 0.1};

	memset(&ws, 0, sizeof(ws));
	*w = (struct window){600000, 840000, 1};
	ws.keys = calloc(1, sizeof(*ws.keys));
	ws.keys[0] = (struct windows_key){strdup("k/1.csv"), 7, w, 1, 1};
	ws.n = 1;
	nb = nab_new(&ws);
	/* 20 rows; 0 and 1 in probation (3 rows) score 1 but do not count */
	for (int i = 0; i < 20; i++)
		nab_add(nb, 0, i * 60000, i < 2 || i == 12 || i == 17 ? 1 : 0);
	nab_finish(nb);
	buf_init(&svg);
	evalplot_series(&svg, nb, 0.5);
	ok(count(svg.data, "class=\"panel\"") == 1 &&
		count(svg.data, "class=\"alert\"") == 1,
	    "one panel, its window shaded");
	ok(count(svg.data, "class=\"anomaly\"") == 2,
	    "two detections: none in the probation period");
	ok(strstr(svg.data, ">k/1.csv<") != NULL &&
		strstr(svg.data, "detections at 0.5") != NULL,
	    "key and threshold named");
	for (int i = 0; i < 6; i++)
		binary_add(b, s[i], i % 2 == 0);
	binary_eval(b, 0.5, true, &r);
	buf_reset(&svg);
	evalplot_curves(&svg, b, &r);
	ok(count(svg.data, "class=\"curve\"") == 2 &&
		count(svg.data, "class=\"line\"") == 2,
	    "two curves");
	ok(strstr(svg.data, "ROC (AUC 0.7222)") != NULL &&
		strstr(svg.data, "(AP 0.7556)") != NULL,
	    "AUCs in the titles");
	buf_release(&svg);
	binary_free(b);
	nab_free(nb);
	windows_release(&ws);
	return tap_done();
}
