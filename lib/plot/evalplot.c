/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * ad-eval's pictures, drawn by svgplot from the evaluations of lib/eval:
 * the series with their anomaly windows and detections, and the ROC and
 * precision-recall curves.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/ad.h"
#include "plot/evalplot.h"
#include "plot/svgplot.h"

/*
 * Append an SVG document to svg: each key's scores of nb (the first
 * EVALPLOT_MAX_KEYS), its windows shaded, its detections at threshold t
 * circled (none in the probation period).
 */
void
evalplot_series(struct buf *svg, const struct nab *nb, double t)
{
	size_t nk = nab_nkeys(nb);
	size_t np = nk < EVALPLOT_MAX_KEYS ? nk : EVALPLOT_MAX_KEYS;
	struct svgplot_panel *panels = xcalloc(np ? np : 1, sizeof(*panels));
	char title[120], note[80];

	for (size_t i = 0; i < np; i++) {
		const struct windows_key *wk = nab_key_windows(nb, i);
		const struct nab_row *rows;
		size_t n;

		rows = nab_key_rows(nb, i, &n);
		panels[i].title = xstrdup(wk->key);
		for (size_t k = 0; k < n; k++) {
			/* probation rows are never detections */
			struct svgplot_point pt = {rows[k].t, rows[k].x, NAN,
			    NAN, NAN,
			    k >= nab_key_probation(nb, i) && rows[k].x >= t};

			svgplot_panel_add(&panels[i], &pt);
		}
		for (size_t w = 0; w < wk->n; w++)
			svgplot_panel_add_alert(
			    &panels[i], wk->w[w].from, wk->w[w].to, false);
	}
	snprintf(title, sizeof(title),
	    "scores, anomaly windows and detections at %g (NAB standard)", t);
	snprintf(note, sizeof(note), "%zu more keys not shown", nk - np);
	svgplot_series_as(svg, title, panels, np, nk > np ? note : NULL,
	    "detection", "anomaly window");
	for (size_t i = 0; i < np; i++)
		svgplot_panel_release(&panels[i]);
	free(panels);
}

/*
 * Append an SVG document to svg: the ROC and precision-recall curves of
 * b through every distinct score (binary_eval() must have kept them),
 * with br's AUCs in the titles.
 */
void
evalplot_curves(
    struct buf *svg, const struct binary *b, const struct binary_result *br)
{
	size_t n, m = 0;
	const struct binary_curve *c = binary_curve(b, &n);
	double *x = xcalloc(2 * (n + 1), sizeof(*x));
	double *y = xcalloc(2 * (n + 1), sizeof(*y));
	double np = (double)br->positives, nn = (double)(br->n - br->positives);
	char rt[60], pt[60];
	struct svgplot_curve cv[2] = {
	    {rt, "false positive rate", "true positive rate", x, y, 0, 0, 0, 1,
		1},
	    {pt, "recall", "precision", x + n + 1, y + n + 1, 0, 0,
		np / (np + nn), 1, np / (np + nn)},
	};

	if (np > 0 && nn > 0) {
		/* from (0, 0) and (0, 1), as scikit-learn's curves start */
		x[0] = 0, y[0] = 0, x[n + 1] = 0, y[n + 1] = 1;
		for (size_t i = 0; i < n; i++, m++) {
			x[i + 1] = (double)c[i].fp / nn;
			y[i + 1] = (double)c[i].tp / np;
			x[n + 2 + i] = (double)c[i].tp / np;
			y[n + 2 + i] =
			    (double)c[i].tp / (double)(c[i].tp + c[i].fp);
		}
		cv[0].n = cv[1].n = m + 1;
	}
	snprintf(rt, sizeof(rt), "ROC (AUC %.4f)", br->auc);
	snprintf(pt, sizeof(pt), "precision-recall (AP %.4f)", br->pr_auc);
	svgplot_curves(svg, "ad-eval", cv, 2);
	free(x);
	free(y);
}
