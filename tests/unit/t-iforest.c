/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/iforest: psi and the depth limit ceil(log2 psi),
 * scores in (0, 1] with 2^(-E h / c(psi)), exactly 0.5 for identical
 * rows (no split: h = c(psi)), outliers above inliers for numeric and
 * categorical features, training on a subset of rows, and determinism
 * across seeds and thread counts.  Pooled-gain splits: the split of most
 * pooled gain on crafted values, thresholds in the gap between two
 * clusters; adjusted depth: its steps by hand, the node values of a
 * two-row tree, an outlier scored higher than by depth; --max-depth.
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

/* Pooled-gain splits, adjusted depth and the depth limit. */
static void
variants(void)
{
	static const double two[] = {0, 1, 2, 3, 10, 11, 12},
			    flat[] = {4, 4, 4}, lone[] = {0, 0, 0, 10},
			    pair[] = {1, 2}, trio[] = {0, 5, 6};
	struct iforest_params p = {
	    .trees = 50, .psi = 256, .seed = 1, .threads = 1};
	static double xs[400];
	struct dataset *ds;
	struct forest *f, *g;
	bool all = true;

	ok(iforest_pooled_split(two, 7) == 4,
	    "pooled gain: 0 1 2 3 | 10 11 12 (got %zu)",
	    iforest_pooled_split(two, 7));
	ok(iforest_pooled_split(lone, 4) == 3, "pooled gain: 0 0 0 | 10");
	ok(iforest_pooled_split(pair, 2) == 1, "pooled gain: 1 | 2");
	/* 0 | 5 6: 2 * 0.5 = 1; 0 5 | 6: 2 * 2.5 = 5 */
	ok(iforest_pooled_split(trio, 3) == 1, "pooled gain: 0 | 5 6");
	ok(iforest_pooled_split(flat, 3) == 0,
	    "pooled gain: equal values, none");

	/* two clusters, 0..9.9 and 100..109.9: every root in the gap */
	for (size_t i = 0; i < 400; i++)
		xs[i] = (i < 200 ? 0 : 100) + (double)(i % 100) / 10;
	ds = make(xs, NULL, 400);
	p.split = IFOREST_SPLIT_POOLED;
	f = iforest_train(ds, NULL, 0, &p);
	for (size_t t = 0; t < f->ntrees; t++) {
		const struct fnode *r = &f->tree[t].node[0];

		if (r->kind != FNODE_NUMERIC || r->feat != 0 ||
		    !(r->thr >= 9.9 && r->thr < 100))
			all = false;
	}
	ok(all, "pooled gain: every root threshold in the gap 9.9 .. 100");
	p.split = IFOREST_SPLIT_RANDOM;
	g = iforest_train(ds, NULL, 0, &p);
	all = true;
	for (size_t t = 0; t < g->ntrees; t++)
		if (g->tree[t].node[0].kind == FNODE_NUMERIC &&
		    !(g->tree[t].node[0].thr >= 9.9 &&
			g->tree[t].node[0].thr < 100))
			all = false;
	ok(!all, "random splits: some root threshold inside a cluster");
	forest_free(f);
	forest_free(g);

	/* the depth limit */
	p.max_depth = 2;
	f = iforest_train(ds, NULL, 0, &p);
	ok(forest_depth(f) == 2, "max_depth 2: depth 2 (got %d)",
	    forest_depth(f));
	forest_free(f);
	p.max_depth = 0;
	dataset_free(ds);
	featset_free(fs);

	/* adjusted steps: p = (ns / n) / frac, 2 / (1 + 1 / 2p) */
	is_near(iforest_adj_step(50, 100, 0.5), 4.0 / 3, 1e-12,
	    "adjusted step: half the rows, half the range: 4/3");
	is_near(iforest_adj_step(1, 100, 0.5), 2 / (1 + 25.0), 1e-12,
	    "1 row of 100 in half the range: p 0.02, 2/26");
	is_near(iforest_adj_step(99, 100, 0.01), 2 / (1 + 1 / 198.0), 1e-12,
	    "99 rows in 1%% of the range: p 99, 2/(1 + 1/198)");
	ok(iforest_adj_step(1, 2, 0) < 2 && iforest_adj_step(1, 2, 0) > 1.99,
	    "a side of no range: just under 2");

	/*
	 * Two rows, 0 and 10, one tree of depth 1: the threshold t splits
	 * them; the share of the range left is f = t / 10, so the left leaf
	 * holds 2 / (1 + f) and the right one 2 / (2 - f), each + c(1) = 0.
	 */
	xs[0] = 0;
	xs[1] = 10;
	ds = make(xs, NULL, 2);
	p.trees = 5;
	p.scoring = IFOREST_ADJ_DEPTH;
	f = iforest_train(ds, NULL, 0, &p);
	all = true;
	for (size_t t = 0; t < f->ntrees; t++) {
		const struct tree *tr = &f->tree[t];
		double fl = tr->node[0].thr / 10;

		if (tr->nnodes != 3 ||
		    fabs(tr->node[tr->node[0].left].value - 2 / (1 + fl)) >
			1e-6 ||
		    fabs(tr->node[tr->node[0].right].value - 2 / (2 - fl)) >
			1e-6 ||
		    tr->node[0].value != (float)forest_c(2))
			all = false;
	}
	ok(all, "adjusted depth: leaves 2/(1 + f) and 2/(2 - f), root c(2)");
	forest_free(f);
	dataset_free(ds);
	featset_free(fs);

	/*
	 * A sparse row in the training sample: 399 rows in 0 .. 99.75 and
	 * one at 1000.  The split that isolates it sends 1 row of n into
	 * most of the range: a step near 0; the dense side gets steps above
	 * 1.  So the inliers score lower than by depth and the sparse row
	 * stands further above them.  A value beyond the training range
	 * follows the side whose steps the training rows set (still above
	 * the inliers).
	 */
	for (size_t i = 0; i < 399; i++)
		xs[i] = (double)i / 4;
	xs[399] = 1000;
	ds = make(xs, NULL, 400);
	p.trees = 100;
	f = iforest_train(ds, NULL, 0, &p);
	p.scoring = IFOREST_DEPTH;
	g = iforest_train(ds, NULL, 0, &p);
	ok(score(f, 1000, 0) - score(f, 50, 0) >
		score(g, 1000, 0) - score(g, 50, 0) + 0.03,
	    "adjusted depth: the sparse row 1000 %.3f above the inlier 50 "
	    "(depth %.3f)",
	    score(f, 1000, 0) - score(f, 50, 0),
	    score(g, 1000, 0) - score(g, 50, 0));
	ok(score(f, 50, 0) < score(g, 50, 0) - 0.03,
	    "and an inlier 50 lower: %.3f (depth %.3f)", score(f, 50, 0),
	    score(g, 50, 0));
	ok(score(f, 5000, 0) > score(f, 50, 0) + 0.1,
	    "beyond the range, 5000: %.3f, above the inlier",
	    score(f, 5000, 0));
	forest_free(f);
	forest_free(g);
	dataset_free(ds);
	featset_free(fs);
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
	variants();
	return tap_done();
}
