/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/iforest: psi and the depth limit ceil(log2 psi),
 * scores in (0, 1] with 2^(-E h / c(psi)), exactly 0.5 for identical
 * rows (no split: h = c(psi)), outliers above inliers for numeric and
 * categorical features, training on a subset of rows, and determinism
 * across seeds and thread counts.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/prng.h"
#include "forest/iforest.h"
#include "tap.h"

static struct featset *fs;

/* A binned data set of n rows of (x, c): x = xs[i], c category ci[i]. */
static struct dataset *
make(const double *xs, const int *ci, size_t n)
{
	struct dataset *ds;

	fs = featset_new();
	featset_add(fs, "x", 1, FEATURE_NUMERIC);
	featset_add(fs, "c", 1, FEATURE_CATEGORICAL);
	featset_cat_add(&fs->f[1], "tcp", 3);
	featset_cat_add(&fs->f[1], "udp", 3);
	featset_cat_add(&fs->f[1], "icmp", 4);
	ds = dataset_new(fs);
	for (size_t i = 0; i < n; i++) {
		double x[2] = {xs[i], ci ? ci[i] : 0};

		dataset_add(ds, x, 0);
	}
	dataset_bin(ds, 255, 1);
	return ds;
}

static double
score(const struct forest *f, double x, double c)
{
	double v[2] = {x, c};

	return forest_predict(f, v, NULL, NULL);
}

int
main(void)
{
	static double xs[2000];
	static int ci[2000];
	struct iforest_params p = {
	    .trees = 100, .psi = 256, .seed = 1, .threads = 1};
	struct dataset *ds;
	struct forest *f, *g;
	struct prng rng;
	double in, out, lo = 1, hi = 0;
	int all;
	uint32_t rows[1000];

	/* Identical rows: no split, every score exactly 0.5. */
	for (size_t i = 0; i < 1000; i++)
		xs[i] = 3;
	ds = make(xs, NULL, 1000);
	f = iforest_train(ds, NULL, 0, &p);
	ok(f->kind == FOREST_ISOLATION && f->ntrees == 100 && f->psi == 256,
	    "100 trees, psi 256");
	is_near(f->cpsi, 2 * (log(255) + 0.5772156649015329) - 2 * 255.0 / 256,
	    1e-12, "c(256) = 2 H(255) - 2 * 255/256");
	ok(forest_depth(f) == 0, "identical rows: trees are single leaves");
	is_near(score(f, 3, 0), 0.5, 1e-6, "identical rows: score 0.5");
	is_near(score(f, 1e9, 2), 0.5, 1e-6,
	    "and 0.5 for anything (nothing was ever split)");
	forest_free(f);
	dataset_free(ds);
	featset_free(fs);

	/* Uniform data with 99% tcp. */
	prng_init(&rng, 2);
	for (size_t i = 0; i < 2000; i++) {
		xs[i] = prng_uniform(&rng) * 1000;
		ci[i] = i % 100 == 0 ? 2 : 0;
	}
	ds = make(xs, ci, 2000);
	f = iforest_train(ds, NULL, 0, &p);
	ok(forest_depth(f) <= 8 && forest_depth(f) >= 6,
	    "depth at most ceil(log2 256) = 8 (got %d)", forest_depth(f));
	all = 1;
	for (int i = 0; i < 200; i++) {
		double s = score(f, prng_uniform(&rng) * 3000 - 1000,
		    (double)prng_below(&rng, 3));

		if (!(s > 0 && s <= 1))
			all = 0;
		lo = fmin(lo, s);
		hi = fmax(hi, s);
	}
	ok(all, "scores in (0, 1] (%.3f..%.3f)", lo, hi);
	in = score(f, 500, 0);
	out = score(f, 5000, 0);
	ok(out > 0.6 && in < 0.5 && out > in,
	    "x 5000 (%.3f) far above x 500 (%.3f)", out, in);
	{
		/* binning renumbered the categories: tcp 0, icmp 1, udp 2 */
		double icmp = (double)featset_cat_find(&fs->f[1], "icmp", 4);
		double udp = (double)featset_cat_find(&fs->f[1], "udp", 3);

		ok(icmp == 1 && udp == 2, "categories renumbered by frequency");
		ok(score(f, 500, icmp) > in + 0.05,
		    "the rare category icmp scores higher (%.3f)",
		    score(f, 500, icmp));
		ok(fabs(score(f, 500, udp) - in) < 0.02,
		    "udp, never seen, follows the majority (%.3f)",
		    score(f, 500, udp));
	}
	ok(score(f, 500, NAN) > 0 && score(f, NAN, NAN) > 0,
	    "missing values: still a score");
	ok(score(f, 500, FEATSET_UNKNOWN) >= in - 0.05,
	    "an unknown category: a score (%.3f)",
	    score(f, 500, FEATSET_UNKNOWN));

	/* Determinism. */
	g = iforest_train(ds, NULL, 0, &p);
	ok(score(g, 123, 0) == score(f, 123, 0) &&
		score(g, 5000, 2) == score(f, 5000, 2),
	    "same seed: same scores");
	forest_free(g);
	p.threads = 4;
	g = iforest_train(ds, NULL, 0, &p);
	ok(score(g, 123, 0) == score(f, 123, 0) &&
		score(g, 777, 1) == score(f, 777, 1),
	    "4 threads: same scores");
	forest_free(g);
	p.threads = 1;
	p.seed = 2;
	g = iforest_train(ds, NULL, 0, &p);
	ok(score(g, 123, 0) != score(f, 123, 0), "another seed: other trees");
	forest_free(g);
	forest_free(f);

	/* A subset of rows: only x < 500 (the even-indexed low half). */
	{
		size_t n = 0;

		for (size_t i = 0; i < 2000 && n < 1000; i++)
			if (xs[i] < 500)
				rows[n++] = (uint32_t)i;
		p.seed = 1;
		f = iforest_train(ds, rows, n, &p);
		ok(score(f, 900, 0) > score(f, 250, 0) + 0.1,
		    "trained on x < 500: 900 (%.3f) is an outlier, 250 "
		    "(%.3f) not",
		    score(f, 900, 0), score(f, 250, 0));
		forest_free(f);
		p.psi = 64;
		f = iforest_train(ds, rows, 10, &p);
		ok(f->psi == 10 && forest_depth(f) <= 4,
		    "10 rows: psi 10, depth <= ceil(log2 10) = 4");
		forest_free(f);
		f = iforest_train(ds, rows, 1, &p);
		ok(f->psi == 2, "one row: psi at least 2");
		forest_free(f);
	}
	dataset_free(ds);
	featset_free(fs);
	return tap_done();
}
