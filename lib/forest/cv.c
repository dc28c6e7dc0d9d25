/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Cross-validation helpers (see cv.h).  AUC sorts the scores once and
 * sums the ranks of the positives, giving tied scores their mean rank, so
 * it equals scikit-learn's roc_auc_score.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/ad.h"
#include "forest/cv.h"

/*
 * Assign each of n rows to one of k folds so that every class is spread
 * evenly over the folds (rows of a class shuffled with seed, then dealt
 * out in turn).
 */
void
cv_folds(const uint8_t *y, size_t n, size_t nclass, int k, uint64_t seed,
    uint8_t *fold)
{
	struct prng rng;
	size_t *idx = xcalloc(n ? n : 1, sizeof(*idx));
	size_t deal = 0;

	prng_init(&rng, seed ^ 0xC0FFEEULL);
	for (size_t c = 0; c < nclass; c++) {
		size_t m = 0;

		for (size_t i = 0; i < n; i++)
			if (y[i] == c)
				idx[m++] = i;
		for (size_t i = m; i > 1; i--) {
			size_t j = prng_below(&rng, i), t = idx[i - 1];

			idx[i - 1] = idx[j];
			idx[j] = t;
		}
		/* continue dealing where the previous class stopped */
		for (size_t i = 0; i < m; i++)
			fold[idx[i]] = (uint8_t)(deal++ % (size_t)k);
	}
	free(idx);
}

struct gsize {
	size_t rows, order;
	uint32_t g;
};

static int
cmp_gsize(const void *a, const void *b)
{
	const struct gsize *x = a, *y = b;

	if (x->rows != y->rows)
		return x->rows > y->rows ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/*
 * Assign each of n rows to one of k folds so that no group (group[i] <
 * ngroups) has rows in two folds: the folds test on groups that training
 * never saw.  Rows of class 0 (normal) are not grouped but dealt out
 * evenly, as cv_folds() does, so that every fold trains and tests on
 * normal records.  Groups go, largest first (ties in an order shuffled
 * with seed), to the fold with the fewest grouped rows so far.  With
 * fewer groups than folds some folds test on normal rows only.
 */
void
cv_group_folds(const uint8_t *y, const uint32_t *group, size_t ngroups,
    size_t n, int k, uint64_t seed, uint8_t *fold)
{
	struct gsize *gs = xcalloc(ngroups ? ngroups : 1, sizeof(*gs));
	size_t *load = xcalloc((size_t)k, sizeof(*load));
	uint8_t *gfold = xcalloc(ngroups ? ngroups : 1, 1);
	struct prng rng;

	/* class 0 exactly as stratified folds deal it */
	cv_folds(y, n, 1, k, seed, fold);
	prng_init(&rng, seed ^ 0x6E0F01D5ULL);
	for (size_t g = 0; g < ngroups; g++) {
		gs[g].g = (uint32_t)g;
		gs[g].order = g;
	}
	for (size_t i = ngroups; i > 1; i--) {
		size_t j = prng_below(&rng, i), t = gs[i - 1].order;

		gs[i - 1].order = gs[j].order;
		gs[j].order = t;
	}
	for (size_t i = 0; i < n; i++)
		if (y[i] != 0)
			gs[group[i]].rows++;
	qsort(gs, ngroups, sizeof(*gs), cmp_gsize);
	for (size_t i = 0; i < ngroups; i++) {
		size_t best = 0;

		for (size_t f = 1; f < (size_t)k; f++)
			if (load[f] < load[best])
				best = f;
		gfold[gs[i].g] = (uint8_t)best;
		load[best] += gs[i].rows;
	}
	for (size_t i = 0; i < n; i++)
		if (y[i] != 0)
			fold[i] = gfold[group[i]];
	free(gs);
	free(load);
	free(gfold);
}

struct scored {
	double s;
	uint8_t pos;
};

static int
cmp_scored(const void *a, const void *b)
{
	double x = ((const struct scored *)a)->s,
	       y = ((const struct scored *)b)->s;

	return x < y ? -1 : x > y;
}

/* ROC AUC of score against pos (1 = positive); NaN with one class only. */
double
cv_auc(const double *score, const uint8_t *pos, size_t n)
{
	struct scored *v = xcalloc(n ? n : 1, sizeof(*v));
	double npos = 0, rank_sum = 0;
	size_t i = 0;

	for (size_t j = 0; j < n; j++) {
		v[j].s = score[j];
		v[j].pos = pos[j] != 0;
		npos += v[j].pos;
	}
	qsort(v, n, sizeof(*v), cmp_scored);
	while (i < n) {
		size_t j = i;
		double p = 0, r;

		while (j < n && v[j].s == v[i].s)
			p += v[j++].pos;
		r = (double)(i + 1 + j) / 2; /* mean rank of the tie */
		rank_sum += p * r;
		i = j;
	}
	free(v);
	if (npos == 0 || npos == (double)n)
		return NAN;
	return (rank_sum - npos * (npos + 1) / 2) / (npos * ((double)n - npos));
}

/* AUC and the threshold metrics of a binary score. */
void
cv_binary(const double *score, const uint8_t *pos, size_t n, double threshold,
    struct cv_metrics *m)
{
	double tp = 0, fp = 0, fn = 0, tn = 0;

	for (size_t i = 0; i < n; i++) {
		bool p = score[i] >= threshold;

		if (p && pos[i])
			tp++;
		else if (p)
			fp++;
		else if (pos[i])
			fn++;
		else
			tn++;
	}
	m->auc = cv_auc(score, pos, n);
	m->accuracy = n ? (tp + tn) / (double)n : NAN;
	m->precision = tp + fp > 0 ? tp / (tp + fp) : 0;
	m->recall = tp + fn > 0 ? tp / (tp + fn) : 0;
	m->f1 = m->precision + m->recall > 0
		    ? 2 * m->precision * m->recall / (m->precision + m->recall)
		    : 0;
}

static json_t *
num(double v)
{
	return isnan(v) ? json_null() : json_real(round(v * 1e6) / 1e6);
}

/* {"auc":..,"accuracy":..,"precision":..,"recall":..,"f1":..} (new). */
json_t *
cv_metrics_json(const struct cv_metrics *m)
{
	json_t *o = json_object();

	json_object_set_new(o, "auc", num(m->auc));
	json_object_set_new(o, "accuracy", num(m->accuracy));
	json_object_set_new(o, "precision", num(m->precision));
	json_object_set_new(o, "recall", num(m->recall));
	json_object_set_new(o, "f1", num(m->f1));
	return o;
}

/* {"mean":{...},"sd":{...}} over n fold results (sample sd; new). */
json_t *
cv_summary_json(const struct cv_metrics *m, size_t n)
{
	struct cv_metrics mean = {0}, sd = {0};
	const size_t nf = sizeof(mean) / sizeof(double);
	json_t *o = json_object();

	for (size_t i = 0; i < n; i++)
		for (size_t f = 0; f < nf; f++)
			((double *)&mean)[f] += ((const double *)&m[i])[f] / n;
	for (size_t i = 0; i < n; i++)
		for (size_t f = 0; f < nf; f++) {
			double d =
			    ((const double *)&m[i])[f] - ((double *)&mean)[f];

			((double *)&sd)[f] += d * d;
		}
	for (size_t f = 0; f < nf; f++)
		((double *)&sd)[f] =
		    n > 1 ? sqrt(((double *)&sd)[f] / (n - 1)) : 0;
	json_object_set_new(o, "mean", cv_metrics_json(&mean));
	json_object_set_new(o, "sd", cv_metrics_json(&sd));
	return o;
}
