/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The scores of the positive and of the negative records are kept apart
 * and each sorted, highest first (eval/rank); one merge over the two then
 * meets every distinct score once, with the counts of true and false
 * positives at or above it: a group of ties taken together, as
 * scikit-learn's _binary_clf_curve does.  The ROC trapezoid, the
 * average-precision step and the F1 there follow from the counts.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "base/ad.h"
#include "eval/binary.h"
#include "eval/rank.h"

struct scores {
	double *x;
	size_t n, cap;
};

struct binary {
	struct scores pos, neg;
	bool sorted;
	struct binary_curve *curve; /* when asked for */
	size_t ncurve, curve_cap;
};

/* An empty evaluation; caller frees with binary_free(). */
struct binary *
binary_new(void)
{
	return xcalloc(1, sizeof(struct binary));
}

/* Add a record: its score (finite) and whether it is positive. */
void
binary_add(struct binary *b, double score, bool positive)
{
	struct scores *s = positive ? &b->pos : &b->neg;

	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 4096;
		s->x = xreallocarray(s->x, s->cap, sizeof(*s->x));
	}
	s->x[s->n++] = score;
	b->sorted = false;
}

static void
point(struct binary_point *p, double t, size_t tp, size_t fp, size_t npos,
    size_t n)
{
	p->threshold = t;
	p->tp = tp;
	p->fp = fp;
	p->fn = npos - tp;
	p->tn = n - npos - fp;
	/* scikit-learn's zero_division default: 0 */
	p->precision = tp + fp > 0 ? (double)tp / (double)(tp + fp) : 0;
	p->recall = npos > 0 ? (double)tp / (double)npos : 0;
	p->f1 = 2 * tp + fp + p->fn > 0
		    ? 2.0 * (double)tp / (double)(2 * tp + fp + p->fn)
		    : 0;
	p->accuracy = n > 0 ? (double)(tp + p->tn) / (double)n : 0;
}

static void
curve_add(struct binary *b, double x, size_t tp, size_t fp)
{
	if (b->ncurve == b->curve_cap) {
		b->curve_cap = b->curve_cap ? 2 * b->curve_cap : 256;
		b->curve =
		    xreallocarray(b->curve, b->curve_cap, sizeof(*b->curve));
	}
	b->curve[b->ncurve++] = (struct binary_curve){x, tp, fp};
}

/*
 * Evaluate: AUC, PR AUC, the point at threshold (scores >= threshold are
 * called positive), and the best F1 over every distinct score (the
 * highest such score among equal F1s).  With curve, also keep each
 * distinct score's counts for binary_curve().  The records stay.
 */
void
binary_eval(
    struct binary *b, double threshold, bool curve, struct binary_result *r)
{
	size_t npos = b->pos.n, nneg = b->neg.n, n = npos + nneg;
	size_t tp = 0, fp = 0, tp_at = 0, fp_at = 0;
	double area = 0, ap = 0, best_f1 = -1;

	if (!b->sorted) {
		rank_sort_desc(b->pos.x, npos);
		rank_sort_desc(b->neg.x, nneg);
		b->sorted = true;
	}
	b->ncurve = 0;
	r->n = n;
	r->positives = npos;
	point(&r->best, INFINITY, 0, 0, npos, n);
	while (tp < npos || fp < nneg) {
		double x = tp == npos			 ? b->neg.x[fp]
			   : fp == nneg			 ? b->pos.x[tp]
			   : b->pos.x[tp] > b->neg.x[fp] ? b->pos.x[tp]
							 : b->neg.x[fp];
		size_t tp0 = tp, fp0 = fp;
		double f1;

		while (tp < npos && b->pos.x[tp] == x)
			tp++;
		while (fp < nneg && b->neg.x[fp] == x)
			fp++;
		/* trapezoid: width fp - fp0, mean height (tp0 + tp) / 2 */
		area += (double)(fp - fp0) * (double)(tp0 + tp);
		ap += (double)(tp - tp0) * ((double)tp / (double)(tp + fp));
		f1 = 2.0 * (double)tp / (double)(tp + fp + npos);
		if (f1 > best_f1) {
			best_f1 = f1;
			point(&r->best, x, tp, fp, npos, n);
		}
		if (x >= threshold) {
			tp_at = tp;
			fp_at = fp;
		}
		if (curve)
			curve_add(b, x, tp, fp);
	}
	r->auc = npos > 0 && nneg > 0
		     ? area / (2.0 * (double)npos * (double)nneg)
		     : NAN;
	r->pr_auc = npos > 0 ? ap / (double)npos : NAN;
	point(&r->at, threshold, tp_at, fp_at, npos, n);
}

/*
 * The counts at each distinct score, highest first, of the last
 * binary_eval() asked for them (borrowed until the next); *n is set.
 */
const struct binary_curve *
binary_curve(const struct binary *b, size_t *n)
{
	*n = b->ncurve;
	return b->curve;
}

/* Free b (NULL is fine). */
void
binary_free(struct binary *b)
{
	if (b == NULL)
		return;
	free(b->pos.x);
	free(b->neg.x);
	free(b->curve);
	free(b);
}
