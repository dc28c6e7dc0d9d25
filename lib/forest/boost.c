/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Gradient-boosted trees on binned features (see boost.h).
 *
 * As in forest.c, identical training rows (same bins, same class) are
 * merged first into one row weighted by its multiplicity: they always
 * share a margin, so they share their gradients too.  A node's split is
 * found from per-bin sums of gradient, hessian and row count, built in
 * one pass over its rows; only the smaller child's histogram is built,
 * the larger's is the parent's minus it.  The gain of a split is
 * G_L^2/(H_L+lambda) + G_R^2/(H_R+lambda) - G^2/(H+lambda) and a leaf's
 * value is -lr G/(H+lambda) (XGBoost's, without its gamma).  Missing
 * values (bin 0) try both sides and keep the better; categories are
 * ordered by G/(H+lambda) and split as ordered values (LightGBM).  Each
 * tree is grown by one thread in a fixed order, so the same seed gives
 * the same model on any number of threads.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/prng.h"
#include "forest/boost.h"

struct hbin {
	double g, h, n;
};

struct bjob {
	const struct trainset *ts;
	const struct boost_params *p;
	const struct forest_packed *pk;
	size_t KT, K, totbins, *off;
	const double *g, *h; /* nu x KT */
	double *F;	     /* nu x KT margins */
	struct tree *out;    /* KT trees of this round */
	struct hbin *hist[64][FOREST_MAX_DEPTH + 2];
	uint32_t *rows[64];
};

struct bgrow {
	struct bjob *j;
	size_t k; /* class of this tree */
	uint32_t *rows;
	struct hbin **hist;
	struct tree *t;
	size_t sort[256];
	double key[256];
};

struct bsplit {
	double gain;
	size_t feat;
	int tbin;
	bool dleft, found;
	uint64_t set[4];
};

/*
 * Gradient g and hessian h (KT values each) of the loss at margin (KT
 * values) for a row of class y with weight w.  KT = 1: logistic loss,
 * margin the log-odds of class 1; KT > 1: softmax cross-entropy, with the
 * diagonal hessian p(1-p).
 */
void
boost_gradients(
    size_t KT, const double *margin, size_t y, double w, double *g, double *h)
{
	if (KT == 1) {
		double p = 1 / (1 + exp(-margin[0]));

		g[0] = w * (p - (y == 1));
		h[0] = w * p * (1 - p);
		return;
	}
	double p[FOREST_MAX_CLASSES];

	memcpy(p, margin, KT * sizeof(double));
	forest_softmax(p, KT);
	for (size_t k = 0; k < KT; k++) {
		g[k] = w * (p[k] - (k == y));
		h[k] = w * p[k] * (1 - p[k]);
	}
}

/* The value of a leaf whose rows' gradients sum to G and hessians to H. */
double
boost_leaf(double G, double H, double lambda, double lr)
{
	return H + lambda > 0 ? -lr * G / (H + lambda) : 0;
}

static double
score_part(double G, double H, double lambda)
{
	return H + lambda > 0 ? G * G / (H + lambda) : 0;
}

static void
build_hist(struct bgrow *b, struct hbin *hs, size_t lo, size_t hi)
{
	const struct bjob *j = b->j;
	size_t nf = j->ts->nfeat, KT = j->KT;

	memset(hs, 0, j->totbins * sizeof(*hs));
	for (size_t i = lo; i < hi; i++) {
		uint32_t r = b->rows[i];
		const uint8_t *bins = j->pk->ub + (size_t)r * nf;
		double g = j->g[r * KT + b->k], h = j->h[r * KT + b->k];
		double n = j->pk->mult[r];

		for (size_t f = 0; f < nf; f++) {
			struct hbin *x = &hs[j->off[f] + bins[f]];

			x->g += g;
			x->h += h;
			x->n += n;
		}
	}
}

/* One candidate: left holds L (without the missing M) and maybe M. */
static void
consider(struct bgrow *b, size_t f, const struct hbin *L, const struct hbin *M,
    const struct hbin *T, int tbin, size_t ncat, struct bsplit *best)
{
	double lam = b->j->p->lambda, minl = b->j->p->min_leaf;

	for (int side = 0; side < 2; side++) {
		bool dleft = side == 0;
		double gl = L->g + (dleft ? M->g : 0);
		double hl = L->h + (dleft ? M->h : 0);
		double nl = L->n + (dleft ? M->n : 0), gain;

		if (M->n == 0 && side == 1)
			break; /* no missing here: default to the larger */
		if (M->n == 0)
			dleft = L->n >= T->n - L->n;
		if (nl < minl || T->n - nl < minl)
			continue;
		gain = score_part(gl, hl, lam) +
		       score_part(T->g - gl, T->h - hl, lam) -
		       score_part(T->g, T->h, lam);
		if (gain > 1e-12 && (!best->found || gain > best->gain)) {
			best->found = true;
			best->gain = gain;
			best->feat = f;
			best->tbin = tbin;
			best->dleft = dleft;
			memset(best->set, 0, sizeof(best->set));
			for (size_t q = 0; q < ncat; q++)
				best->set[b->sort[q] >> 6] |=
				    1ULL << (b->sort[q] & 63);
		}
	}
}

static void
eval_feature(struct bgrow *b, size_t f, const struct hbin *hf,
    const struct hbin *T, struct bsplit *best)
{
	size_t nb = b->j->ts->nbins[f], nord = 0;
	bool cat = b->j->ts->categorical[f];
	struct hbin L = {0};
	double lam = b->j->p->lambda;
	struct bsplit mine = *best;

	if (hf[0].n == T->n)
		return;
	if (cat) {
		for (size_t q = 1; q < nb; q++) {
			if (hf[q].n == 0)
				continue;
			b->key[q] = hf[q].g / (hf[q].h + lam);
			size_t i = nord;
			while (i > 0 && b->key[b->sort[i - 1]] > b->key[q]) {
				b->sort[i] = b->sort[i - 1];
				i--;
			}
			b->sort[i] = q;
			nord++;
		}
	} else
		nord = nb - 1;
	for (size_t i = 0; i + 1 < nord; i++) {
		size_t q = cat ? b->sort[i] : i + 1;

		L.g += hf[q].g;
		L.h += hf[q].h;
		L.n += hf[q].n;
		if ((hf[q].n == 0 && !cat) || L.n == 0)
			continue;
		if (T->n - hf[0].n - L.n <= 0)
			break;
		consider(b, f, &L, &hf[0], T, (int)q, cat ? i + 1 : 0, &mine);
	}
	if (mine.found && (!best->found || mine.gain > best->gain)) {
		*best = mine;
		/* categories absent here follow the default side */
		if (cat && best->dleft)
			for (size_t q = 1; q < nb; q++)
				if (hf[q].n == 0)
					best->set[q >> 6] |= 1ULL << (q & 63);
	}
}

static bool
goes_left(const struct bsplit *s, bool cat, const uint8_t *bins)
{
	uint8_t v = bins[s->feat];

	if (v == 0)
		return s->dleft;
	if (cat)
		return (s->set[v >> 6] >> (v & 63)) & 1;
	return v <= s->tbin;
}

/* Leaf margins row for class k's tree: see boost.h. */
static void
set_leaf(struct bgrow *b, int32_t id, double v)
{
	struct tree *t = b->t;
	size_t K = b->j->K;
	float *row;

	t->node[id].kind = FNODE_LEAF;
	t->node[id].aux = (uint32_t)t->nleaf;
	t->prob = xreallocarray(t->prob, (t->nleaf + 1) * K, sizeof(float));
	row = t->prob + t->nleaf * K;
	memset(row, 0, K * sizeof(float));
	if (b->j->KT == 1) {
		row[0] = (float)(-v / 2);
		row[1] = (float)(v / 2);
	} else
		row[b->k] = (float)v;
	t->nleaf++;
}

static int32_t
grow(struct bgrow *b, size_t lo, size_t hi, int depth, int level)
{
	struct bjob *j = b->j;
	const struct boost_params *p = j->p;
	size_t nf = j->ts->nfeat, KT = j->KT, mid;
	int32_t id = forest_tree_add_node(b->t);
	struct hbin *h = b->hist[level], T = {0};
	struct bsplit best = {0};
	double v;

	for (size_t q = 0; q < j->ts->nbins[0]; q++) {
		T.g += h[q].g;
		T.h += h[q].h;
		T.n += h[q].n;
	}
	v = boost_leaf(T.g, T.h, p->lambda, p->learning_rate);
	/* node value: this tree's push on the anomaly log-odds */
	b->t->node[id].value = (float)(KT > 1 && b->k == 0 ? -v : v);
	if (depth < p->max_depth && T.n >= 2.0 * p->min_leaf && hi - lo >= 2)
		for (size_t f = 0; f < nf; f++)
			eval_feature(b, f, h + j->off[f], &T, &best);
	if (!best.found) {
		set_leaf(b, id, v);
		for (size_t i = lo; i < hi; i++)
			j->F[(size_t)b->rows[i] * KT + b->k] += v;
		return id;
	}
	bool cat = j->ts->categorical[best.feat];
	size_t a = lo, e = hi;

	while (a < e) {
		if (goes_left(&best, cat, j->pk->ub + (size_t)b->rows[a] * nf))
			a++;
		else {
			uint32_t tmp = b->rows[a];

			b->rows[a] = b->rows[--e];
			b->rows[e] = tmp;
		}
	}
	mid = a;
	struct fnode *nd = &b->t->node[id];

	nd->feat = (uint16_t)best.feat;
	nd->dleft = best.dleft;
	if (cat) {
		uint32_t si;
		uint64_t *set = forest_tree_add_set(b->t, &si);

		memcpy(set, best.set, sizeof(best.set));
		nd = &b->t->node[id];
		nd->kind = FNODE_CATEGORICAL;
		nd->aux = si;
	} else {
		nd->kind = FNODE_NUMERIC;
		nd->tbin = (uint8_t)best.tbin;
		nd->thr = j->ts->edges[best.feat][best.tbin - 1];
	}
	bool small_left = mid - lo <= hi - mid;
	struct hbin *hs = b->hist[level + 1];
	int32_t l, r;

	build_hist(b, hs, small_left ? lo : mid, small_left ? mid : hi);
	for (size_t i = 0; i < j->totbins; i++) {
		h[i].g -= hs[i].g;
		h[i].h -= hs[i].h;
		h[i].n -= hs[i].n;
	}
	if (small_left) {
		l = grow(b, lo, mid, depth + 1, level + 1);
		r = grow(b, mid, hi, depth + 1, level);
	} else {
		r = grow(b, mid, hi, depth + 1, level + 1);
		l = grow(b, lo, mid, depth + 1, level);
	}
	b->t->node[id].left = l;
	b->t->node[id].right = r;
	return id;
}

static void
grow_tree(size_t k, int thread, void *arg)
{
	struct bjob *j = arg;
	struct bgrow b = {.j = j, .k = k, .t = &j->out[k]};

	if (j->rows[thread] == NULL)
		j->rows[thread] = xreallocarray(
		    NULL, j->pk->nu ? j->pk->nu : 1, sizeof(uint32_t));
	for (int l = 0; l < j->p->max_depth + 2; l++)
		if (j->hist[thread][l] == NULL)
			j->hist[thread][l] = xcalloc(
			    j->totbins ? j->totbins : 1, sizeof(struct hbin));
	b.rows = j->rows[thread];
	b.hist = j->hist[thread];
	for (size_t i = 0; i < j->pk->nu; i++)
		b.rows[i] = (uint32_t)i;
	build_hist(&b, b.hist[0], 0, j->pk->nu);
	grow(&b, 0, j->pk->nu, 0, 0);
}

/* Leaf row of tree t for a row of bins (training binning). */
static const float *
leaf_row(const struct tree *t, size_t K, const uint8_t *bins)
{
	const struct fnode *nd = t->node;

	while (nd->kind != FNODE_LEAF) {
		uint8_t v = bins[nd->feat];
		bool left;

		if (v == 0)
			left = nd->dleft;
		else if (nd->kind == FNODE_NUMERIC)
			left = v <= nd->tbin;
		else
			left = (t->set[4 * nd->aux + (v >> 6)] >> (v & 63)) & 1;
		nd = &t->node[left ? nd->left : nd->right];
	}
	return t->prob + (size_t)nd->aux * K;
}

/* Weighted mean loss of margins F (n x KT) for classes y. */
static double
mean_loss(
    size_t KT, const double *F, size_t n, const uint8_t *y, const double *w)
{
	double s = 0, W = 0;

	for (size_t i = 0; i < n; i++) {
		double p[FOREST_MAX_CLASSES], pr;

		if (KT == 1) {
			double m = y[i] == 1 ? F[i] : -F[i];

			/* -log sigmoid(m), stable for both signs */
			s += w[i] *
			     (m > 0 ? log1p(exp(-m)) : -m + log1p(exp(m)));
		} else {
			memcpy(p, F + i * KT, KT * sizeof(double));
			forest_softmax(p, KT);
			pr = p[y[i]] > 1e-300 ? p[y[i]] : 1e-300;
			s -= w[i] * log(pr);
		}
		W += w[i];
	}
	return W > 0 ? s / W : 0;
}

/*
 * Train boosted trees on ts (nclass >= 2) with parameters p.  Returns a
 * new forest of kind FOREST_BOOST (caller frees with forest_free()); sets
 * p->rounds_done and p->rounds_kept (the rounds up to the best validation
 * loss when early stopping, else all), and fills p->train_loss and
 * p->valid_loss when given.
 */
struct forest *
boost_train(const struct trainset *ts, struct boost_params *p)
{
	size_t K = ts->nclass, KT = K == 2 ? 1 : K;
	size_t nsel = ts->rows ? ts->nsel : ts->nrows, ntr = 0, nva = 0;
	uint32_t *tr = xcalloc(nsel + 1, sizeof(*tr));
	uint32_t *va = xcalloc(nsel + 1, sizeof(*va));
	struct trainset tts = *ts;
	struct forest_packed pk = {0};
	struct bjob j = {.ts = ts, .p = p, .pk = &pk, .KT = KT, .K = K};
	struct forest *f = xcalloc(1, sizeof(*f));
	double prior[FOREST_MAX_CLASSES] = {0}, W = 0, base[FOREST_MAX_CLASSES];
	double *w, *g, *h, *VF, *vw, best = INFINITY;
	uint8_t *uy, *vy;
	int best_round = -1, r;

	/* hold out a seeded share of the rows for early stopping */
	{
		bool *hold = xcalloc(nsel + 1, sizeof(bool));
		size_t want = p->early_stop > 0
				  ? (size_t)(p->valid_fraction * (double)nsel)
				  : 0;
		uint32_t *perm = xcalloc(nsel + 1, sizeof(*perm));
		struct prng rng;

		prng_init(&rng, p->seed ^ 0x626f6f7374ULL);
		for (size_t i = 0; i < nsel; i++)
			perm[i] = (uint32_t)i;
		for (size_t i = 0; i < want && i < nsel; i++) {
			size_t q = i + prng_below(&rng, nsel - i);
			uint32_t tmp = perm[i];

			perm[i] = perm[q];
			perm[q] = tmp;
			hold[perm[i]] = true;
		}
		for (size_t i = 0; i < nsel; i++) {
			uint32_t row = ts->rows ? ts->rows[i] : (uint32_t)i;

			if (hold[i])
				va[nva++] = row;
			else
				tr[ntr++] = row;
		}
		free(perm);
		free(hold);
	}
	tts.rows = tr;
	tts.nsel = ntr;
	forest_pack_rows(&tts, &pk);
	w = xcalloc(pk.nu + 1, sizeof(double));
	uy = pk.uy;
	for (size_t u = 0; u < pk.nu; u++) {
		w[u] = pk.mult[u] *
		       (p->class_weight ? p->class_weight[uy[u]] : 1.0);
		prior[uy[u]] += w[u];
		W += w[u];
	}
	for (size_t k = 0; k < K; k++) {
		double q = W > 0 ? prior[k] / W : 1.0 / (double)K;

		base[k] = log(q > 1e-6 ? q : 1e-6);
	}
	if (KT == 1)
		base[0] = base[1] - base[0];
	j.F = xcalloc(pk.nu * KT + 1, sizeof(double));
	g = xcalloc(pk.nu * KT + 1, sizeof(double));
	h = xcalloc(pk.nu * KT + 1, sizeof(double));
	VF = xcalloc(nva * KT + 1, sizeof(double));
	vw = xcalloc(nva + 1, sizeof(double));
	vy = xcalloc(nva + 1, 1);
	for (size_t u = 0; u < pk.nu; u++)
		memcpy(j.F + u * KT, base, KT * sizeof(double));
	for (size_t i = 0; i < nva; i++) {
		memcpy(VF + i * KT, base, KT * sizeof(double));
		vy[i] = ts->y[va[i]];
		vw[i] = p->class_weight ? p->class_weight[vy[i]] : 1.0;
	}
	j.g = g;
	j.h = h;
	j.off = xcalloc(ts->nfeat + 1, sizeof(size_t));
	for (size_t i = 0; i < ts->nfeat; i++) {
		j.off[i] = j.totbins;
		j.totbins += ts->nbins[i];
	}

	/* tree 0: the prior, one leaf */
	f->kind = FOREST_BOOST;
	f->nfeat = ts->nfeat;
	f->nclass = K;
	f->nbins = xcalloc(f->nfeat + 1, sizeof(*f->nbins));
	memcpy(f->nbins, ts->nbins, f->nfeat * sizeof(*f->nbins));
	f->tree = xcalloc(1 + (size_t)p->rounds * KT, sizeof(*f->tree));
	{
		struct tree *t0 = &f->tree[0];

		forest_tree_add_node(t0);
		t0->node[0].kind = FNODE_LEAF;
		t0->prob = xcalloc(K, sizeof(float));
		for (size_t k = 0; k < K; k++)
			t0->prob[k] =
			    (float)(KT == 1 ? (k ? base[0] / 2 : -base[0] / 2)
					    : base[k]);
		t0->nleaf = 1;
		f->ntrees = 1;
	}
	for (r = 0; r < p->rounds; r++) {
		double tl, vl = 0;

		for (size_t u = 0; u < pk.nu; u++)
			boost_gradients(KT, j.F + u * KT, uy[u], w[u],
			    g + u * KT, h + u * KT);
		j.out = &f->tree[f->ntrees];
		forest_run_threads(p->threads, KT, grow_tree, &j, NULL, NULL);
		for (size_t i = 0; i < nva; i++) {
			const uint8_t *bins =
			    ts->bins + (size_t)va[i] * ts->nfeat;

			for (size_t k = 0; k < KT; k++) {
				const float *lr = leaf_row(&j.out[k], K, bins);

				VF[i * KT + k] +=
				    KT == 1 ? 2.0 * lr[1] : (double)lr[k];
			}
		}
		f->ntrees += KT;
		tl = mean_loss(KT, j.F, pk.nu, uy, w);
		if (p->train_loss)
			p->train_loss[r] = tl;
		if (nva > 0) {
			vl = mean_loss(KT, VF, nva, vy, vw);
			if (p->valid_loss)
				p->valid_loss[r] = vl;
			if (vl < best) {
				best = vl;
				best_round = r;
			} else if (r - best_round >= p->early_stop)
				break;
		}
		if (p->progress)
			p->progress((size_t)r + 1, p->progress_arg);
	}
	p->rounds_done = r < p->rounds ? r + 1 : p->rounds;
	p->rounds_kept = nva > 0 ? best_round + 1 : p->rounds_done;
	while (f->ntrees > 1 + (size_t)p->rounds_kept * KT)
		forest_tree_release(&f->tree[--f->ntrees]);
	for (int t = 0; t < 64; t++) {
		free(j.rows[t]);
		for (int l = 0; l < FOREST_MAX_DEPTH + 2; l++)
			free(j.hist[t][l]);
	}
	free(j.off);
	free(j.F);
	free(g);
	free(h);
	free(w);
	free(VF);
	free(vw);
	free(vy);
	free(pk.ub);
	free(pk.uy);
	free(pk.map);
	free(pk.mult);
	free(tr);
	free(va);
	forest_compile(f);
	return f;
}
