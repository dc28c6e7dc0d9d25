/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for boosted trees (forest/boost.c): gradients and hessians of
 * the logistic and softmax losses, a hand-computed one-split round, the
 * training loss falling round by round, early stopping at the best
 * validation round, and the same model on one and two threads.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/prng.h"
#include "forest/boost.h"
#include "forest/forest.h"
#include "tap.h"

static void
test_gradients(void)
{
	double m[3] = {0, 0, 0}, g[3], h[3];

	boost_gradients(1, m, 1, 2, g, h);
	is_near(g[0], -1, 1e-12, "logistic gradient 2 (sigmoid(0) - 1)");
	is_near(h[0], 0.5, 1e-12, "logistic hessian 2 * 1/4");
	m[0] = log(3); /* p = 3/4 */
	boost_gradients(1, m, 0, 1, g, h);
	is_near(g[0], 0.75, 1e-12, "logistic gradient at p 3/4, y 0");
	is_near(h[0], 0.1875, 1e-12, "logistic hessian 3/16");
	m[0] = 0;
	boost_gradients(3, m, 0, 1, g, h);
	is_near(g[0], -2.0 / 3, 1e-12, "softmax gradient of the true class");
	is_near(g[1], 1.0 / 3, 1e-12, "softmax gradient of another class");
	is_near(h[2], 2.0 / 9, 1e-12, "softmax hessian p(1-p)");
	is_near(boost_leaf(1, 0.5, 1, 0.1), -1.0 / 15, 1e-12,
	    "leaf -lr G/(H+lambda)");
}

/* Four rows x = 1..4, classes 0 0 1 1, one numeric feature. */
static void
test_one_split(void)
{
	uint8_t bins[4] = {1, 2, 3, 4}, y[4] = {0, 0, 1, 1};
	uint16_t nbins[1] = {5};
	bool cat[1] = {false};
	double e[3] = {1, 2, 3};
	const double *edges[1] = {e};
	struct trainset ts = {.nrows = 4,
	    .nfeat = 1,
	    .nclass = 2,
	    .bins = bins,
	    .y = y,
	    .nbins = nbins,
	    .categorical = cat,
	    .edges = edges};
	struct boost_params p = {.rounds = 1,
	    .max_depth = 1,
	    .min_leaf = 1,
	    .learning_rate = 0.1,
	    .lambda = 1,
	    .threads = 1};
	struct forest *f = boost_train(&ts, &p);
	double proba[2], x;
	uint8_t b;

	/*
	 * Prior 1/2: margin 0, g = p - y = +-1/2, h = 1/4.  Best split x <= 2
	 * (gain 1/1.5 + 1/1.5); left leaf -0.1 * 1 / (0.5 + 1) = -1/15, right
	 * +1/15.
	 */
	ok(f->ntrees == 2, "prior tree and one round (%zu)", f->ntrees);
	ok(f->tree[1].nnodes == 3, "one split");
	ok(f->tree[1].node[0].kind == FNODE_NUMERIC &&
		f->tree[1].node[0].thr == 2,
	    "split at x <= 2 (%g)", f->tree[1].node[0].thr);
	b = 1;
	forest_predict_bins(f, &b, proba);
	is_near(proba[1], 1 / (1 + exp(1.0 / 15)), 1e-6,
	    "P(1) left = sigmoid(-1/15)");
	x = 3.5;
	is_near(forest_predict(f, &x, proba, NULL), 1 / (1 + exp(-1.0 / 15)),
	    1e-6, "score right = sigmoid(1/15) from raw values");
	x = NAN;
	forest_predict(f, &x, proba, NULL);
	ok(fabs(proba[0] + proba[1] - 1) < 1e-9, "missing value predicts");
	forest_free(f);
}

struct synth {
	uint8_t *bins, *y;
	uint16_t nbins[3];
	bool cat[3];
	double e[3][254];
	const double *edges[3];
	struct trainset ts;
};

/* n rows, 3 features of 20 bins; class from feature 0 and 1 plus noise. */
static void
synth_make(struct synth *s, size_t n, size_t K, double noise, uint64_t seed)
{
	struct prng r;

	prng_init(&r, seed);
	s->bins = xcalloc(n * 3, 1);
	s->y = xcalloc(n, 1);
	for (int f = 0; f < 3; f++) {
		s->nbins[f] = 21;
		s->cat[f] = f == 2;
		for (int i = 0; i < 19; i++)
			s->e[f][i] = i + 1;
		s->edges[f] = s->e[f];
	}
	for (size_t i = 0; i < n; i++) {
		uint8_t *b = s->bins + i * 3;

		for (int f = 0; f < 3; f++)
			b[f] = (uint8_t)(1 + prng_below(&r, 20));
		s->y[i] = (uint8_t)((b[0] + 2 * (b[1] > 10)) % K);
		if (prng_uniform(&r) < noise)
			s->y[i] = (uint8_t)prng_below(&r, K);
	}
	s->ts = (struct trainset){.nrows = n,
	    .nfeat = 3,
	    .nclass = K,
	    .bins = s->bins,
	    .y = s->y,
	    .nbins = s->nbins,
	    .categorical = s->cat,
	    .edges = s->edges};
}

static void
test_loss_falls(size_t K)
{
	struct synth s;
	double tl[40];
	struct boost_params p = {.rounds = 40,
	    .max_depth = 3,
	    .min_leaf = 1,
	    .learning_rate = 0.3,
	    .lambda = 1,
	    .threads = 2,
	    .train_loss = tl};
	struct forest *f;
	bool down = true;

	synth_make(&s, 600, K, 0.2, 7);
	f = boost_train(&s.ts, &p);
	for (int r = 1; r < 40; r++)
		if (!(tl[r] <= tl[r - 1] + 1e-12))
			down = false;
	ok(down, "%zu classes: training loss falls every round (%.4f -> %.4f)",
	    K, tl[0], tl[39]);
	ok(f->ntrees == 1 + 40 * (K == 2 ? 1 : K), "%zu trees", f->ntrees);
	forest_free(f);
	free(s.bins);
	free(s.y);
}

static void
test_early_stop(void)
{
	struct synth s;
	double tl[200], vl[200];
	struct boost_params p = {.rounds = 200,
	    .max_depth = 6,
	    .min_leaf = 1,
	    .learning_rate = 0.5,
	    .lambda = 0,
	    .early_stop = 5,
	    .valid_fraction = 0.3,
	    .seed = 3,
	    .threads = 1,
	    .train_loss = tl,
	    .valid_loss = vl};
	struct forest *f;
	int best = 0;

	/* labels mostly noise: deep trees at rate 0.5 soon overfit */
	synth_make(&s, 400, 2, 0.8, 11);
	f = boost_train(&s.ts, &p);
	for (int r = 1; r < p.rounds_done; r++)
		if (vl[r] < vl[best])
			best = r;
	ok(p.rounds_done < 200, "stopped early (%d rounds)", p.rounds_done);
	ok(p.rounds_kept == best + 1, "kept the best validation round (%d, %d)",
	    p.rounds_kept, best + 1);
	ok(p.rounds_done == p.rounds_kept + 5, "stopped 5 rounds after it");
	ok(f->ntrees == 1 + (size_t)p.rounds_kept, "model truncated to it");
	forest_free(f);
	free(s.bins);
	free(s.y);
}

static void
test_threads(void)
{
	struct synth s;
	struct boost_params p = {.rounds = 10,
	    .max_depth = 4,
	    .min_leaf = 2,
	    .learning_rate = 0.2,
	    .lambda = 1,
	    .early_stop = 3,
	    .valid_fraction = 0.2,
	    .seed = 5,
	    .threads = 1};
	struct forest *a, *b;
	struct buf ba, bb;

	synth_make(&s, 500, 4, 0.1, 13);
	a = boost_train(&s.ts, &p);
	p.threads = 2;
	b = boost_train(&s.ts, &p);
	buf_init(&ba);
	buf_init(&bb);
	forest_save(a, &ba);
	forest_save(b, &bb);
	ok(ba.len == bb.len && memcmp(ba.data, bb.data, ba.len) == 0,
	    "same model on 1 and 2 threads");
	buf_release(&ba);
	buf_release(&bb);
	forest_free(a);
	forest_free(b);
	free(s.bins);
	free(s.y);
}

int
main(void)
{
	test_gradients();
	test_one_split();
	test_loss_falls(2);
	test_loss_falls(3);
	test_early_stop();
	test_threads();
	return tap_done();
}
