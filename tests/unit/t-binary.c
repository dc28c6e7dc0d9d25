/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/eval/binary: six records by hand, and on random
 * scores with heavy ties the AUC against the pairwise count (ties half,
 * Mann-Whitney), the average precision against its definition evaluated
 * threshold by threshold, and the best F1 against a scan of every
 * threshold; one class only; the curve's counts.
 */
#include <stdlib.h>

#include "base/prng.h"
#include "eval/binary.h"
#include "tap.h"

static void
six(void)
{
	double s[] = {0.9, 0.8, 0.8, 0.5, 0.3, 0.1};
	bool p[] = {1, 0, 1, 0, 1, 0};
	struct binary *b = binary_new();
	struct binary_result r;
	const struct binary_curve *c;
	size_t nc;

	for (int i = 0; i < 6; i++)
		binary_add(b, s[i], p[i]);
	binary_eval(b, 0.5, true, &r);
	is_near(r.auc, 6.5 / 9, 1e-15, "six: AUC 6.5/9");
	is_near(r.pr_auc, 1.0 / 3 + 2.0 / 9 + 1.0 / 5, 1e-15, "six: AP");
	ok(r.at.tp == 2 && r.at.fp == 2 && r.at.fn == 1 && r.at.tn == 1,
	    "six: counts at 0.5");
	ok(r.best.threshold == 0.3 && r.best.f1 == 0.75, "six: best F1");
	c = binary_curve(b, &nc);
	ok(nc == 5 && c[1].score == 0.8 && c[1].tp == 2 && c[1].fp == 1,
	    "six: five distinct scores, the tie taken together");
	binary_free(b);
}

static int
desc(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x < y) - (x > y);
}

static void
random_ties(int trial, struct prng *g)
{
	size_t n = 50 + prng_below(g, 500), npos = 0;
	double *s = malloc(n * sizeof(*s)), *u = malloc(n * sizeof(*u));
	bool *p = malloc(n * sizeof(*p));
	struct binary *b = binary_new();
	struct binary_result r;
	double pairs = 0, ap = 0, best = -1, prev_r = 0;
	size_t levels = 1 + prng_below(g, 30);

	for (size_t i = 0; i < n; i++) {
		p[i] = prng_uniform(g) < 0.3;
		s[i] = (double)prng_below(g, levels) / (double)levels +
		       (p[i] ? 0.1 : 0);
		u[i] = s[i];
		npos += p[i];
		binary_add(b, s[i], p[i]);
	}
	binary_eval(b, 0.5, false, &r);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			if (p[i] && !p[j])
				pairs += s[i] > s[j]	? 1
					 : s[i] == s[j] ? 0.5
							: 0;
	/* thresholds high to low: every distinct score */
	qsort(u, n, sizeof(*u), desc);
	for (size_t k = 0; k < n; k++) {
		size_t tp = 0, fp = 0;
		double t = u[k];

		if (k > 0 && u[k] == u[k - 1])
			continue;

		for (size_t i = 0; i < n; i++)
			if (s[i] >= t) {
				tp += p[i];
				fp += !p[i];
			}
		if (tp + fp > 0 && npos > 0) {
			double rec = (double)tp / (double)npos;

			ap += (rec - prev_r) * (double)tp / (double)(tp + fp);
			prev_r = rec;
		}
		if (npos > 0 && 2.0 * tp / (double)(tp + fp + npos) > best)
			best = 2.0 * tp / (double)(tp + fp + npos);
	}
	if (npos > 0 && npos < n) {
		is_near(r.auc, pairs / ((double)npos * (double)(n - npos)),
		    1e-12, "trial %d: AUC = pairwise count", trial);
		is_near(
		    r.pr_auc, ap, 1e-12, "trial %d: AP = definition", trial);
		is_near(r.best.f1, best, 1e-12, "trial %d: best F1", trial);
	}
	free(s);
	free(u);
	free(p);
	binary_free(b);
}

int
main(void)
{
	struct prng g;
	struct binary *b;
	struct binary_result r;

	six();
	prng_init(&g, 11);
	for (int t = 0; t < 20; t++)
		random_ties(t, &g);
	b = binary_new();
	binary_add(b, 0.4, true);
	binary_add(b, 0.6, true);
	binary_eval(b, 0.5, false, &r);
	ok(isnan(r.auc) && r.pr_auc == 1 && r.at.tp == 1 && r.at.fn == 1,
	    "positives only: no AUC, AP 1");
	binary_free(b);
	b = binary_new();
	binary_eval(b, 0.5, false, &r);
	ok(isnan(r.auc) && isnan(r.pr_auc) && r.n == 0, "no record");
	binary_free(b);
	return tap_done();
}
