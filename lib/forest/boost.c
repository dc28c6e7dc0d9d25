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
 * ordered by G/(H+lambda) and split as ordered values (LightGBM).
 *
 * A round runs in four parallel phases: the gradients (by blocks of
 * rows), the root histograms of all its trees (by blocks of features),
 * the trees below the root (one thread per tree), and the validation
 * margins and losses (by blocks of rows, summed in row order after).
 * Every histogram takes each feature's most frequent bin, which holds
 * most rows, as the node's totals minus the feature's other bins, so
 * only the rows outside it are visited (a quarter of the KDD entries):
 * the root from a column-wise list, the children from a row-wise one.
 * Gradients and margins are stored class by class, so a tree reads its
 * rows' gradient, hessian and count from one place and threads never
 * write the same cache line; nodes keep their rows in ascending order (a
 * stable partition, on a column-major copy of the bins) so that both are
 * read in address order.  Nothing depends on the number of threads: the
 * same seed gives the same model on any number.
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
	size_t fblock;	    /* features per root_hist() job */
	const uint8_t *col; /* nfeat x nu: the bins column by column */
	const double *w;    /* nu row weights */
	struct hbin *gh;    /* KT x nu: class k's gradient, hessian, count */
	double *F; /* KT x nu margins, class-major (no false sharing) */
	struct hbin **root; /* KT root histograms of this round */
	double *rootn;	    /* totbins: the root's row counts, every round */
	/* per feature: its most frequent bin, and the rows in other bins
	 * (nzrow, nzbin from nzoff[f] to nzoff[f + 1], rows ascending) */
	uint8_t *mf, *nzbin;
	uint32_t *nzrow;
	size_t *nzoff;
	/* per row: the histogram bins it has outside the most frequent ones
	 * (rowent from rowoff[r] to rowoff[r + 1]) */
	uint32_t *rowent;
	size_t *rowoff;
	double *gg;	  /* nu x KT x 2: gradient and hessian, row by row */
	double *tot;	  /* KT x 2: their sums over all rows */
	struct tree *out; /* KT trees of this round */
	/* validation rows: bins, margins (nva x KT), class, weight, loss */
	const uint32_t *va;
	size_t nva;
	double *VF, *vw, *vterm;
	const uint8_t *vy;
	struct hbin *hist[64][FOREST_MAX_DEPTH + 2];
	uint32_t *rows[64];
	uint32_t *tmp[64];
};

/* Rows per job of the row-parallel phases. */
#define BCHUNK 8192

struct bgrow {
	struct bjob *j;
	size_t k; /* class of this tree */
	uint32_t *rows, *tmp;
	struct hbin *hist[FOREST_MAX_DEPTH + 2];
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

/* hs[o + m] = T less every other bin of the feature: see build_hist(). */
static void
fill_most(struct hbin *hs, size_t o, size_t nb, size_t m, struct hbin T)
{
	for (size_t q = 0; q < nb; q++)
		if (q != m) {
			T.g -= hs[o + q].g;
			T.h -= hs[o + q].h;
			T.n -= hs[o + q].n;
		}
	hs[o + m] = T;
}

/*
 * The histogram of rows lo..hi: each row adds to the bins it has outside
 * its features' most frequent bins (a row-wise list), and those bins get
 * the node's totals less the rest.
 */
static void
build_hist(struct bgrow *b, struct hbin *hs, size_t lo, size_t hi)
{
	const struct bjob *j = b->j;
	const struct hbin *gh = j->gh + b->k * j->pk->nu;
	struct hbin T = {0};

	memset(hs, 0, j->totbins * sizeof(*hs));
	for (size_t i = lo; i < hi; i++) {
		uint32_t r = b->rows[i];
		struct hbin s = gh[r];

		T.g += s.g;
		T.h += s.h;
		T.n += s.n;
		for (size_t e = j->rowoff[r]; e < j->rowoff[r + 1]; e++) {
			struct hbin *x = &hs[j->rowent[e]];

			x->g += s.g;
			x->h += s.h;
			x->n += s.n;
		}
	}
	for (size_t f = 0; f < j->ts->nfeat; f++)
		fill_most(hs, j->off[f], j->ts->nbins[f], j->mf[f], T);
}

/*
 * Root histograms of all KT trees for features fblock*i..  Most rows of a
 * feature fall in its most frequent bin: only the others are visited
 * (from a column-wise list), and that bin gets the totals minus the rest.
 */
static void
root_hist(size_t i, int thread, void *arg)
{
	const struct bjob *j = arg;
	size_t nf = j->ts->nfeat, KT = j->KT;
	size_t f0 = i * j->fblock;
	size_t f1 = f0 + j->fblock < nf ? f0 + j->fblock : nf;

	(void)thread;
	for (size_t f = f0; f < f1; f++) {
		size_t o = j->off[f], nb = j->ts->nbins[f], mf = j->mf[f];

		/* the counts are the same every round: only g and h are summed */
		for (size_t k = 0; k < KT; k++)
			for (size_t q = o; q < o + nb; q++)
				j->root[k][q] =
				    (struct hbin){0, 0, j->rootn[q]};
		for (size_t e = j->nzoff[f]; e < j->nzoff[f + 1]; e++) {
			const double *s = j->gg + (size_t)j->nzrow[e] * KT * 2;
			size_t q = o + j->nzbin[e];

			for (size_t k = 0; k < KT; k++) {
				j->root[k][q].g += s[2 * k];
				j->root[k][q].h += s[2 * k + 1];
			}
		}
		for (size_t k = 0; k < KT; k++) {
			struct hbin *hs = j->root[k] + o;
			double g = j->tot[2 * k], h = j->tot[2 * k + 1];

			for (size_t q = 0; q < nb; q++)
				if (q != mf) {
					g -= hs[q].g;
					h -= hs[q].h;
				}
			hs[mf].g = g;
			hs[mf].h = h;
		}
	}
}

/* Gradients and hessians of rows BCHUNK*i.. at the current margins. */
static void
grad_chunk(size_t i, int thread, void *arg)
{
	const struct bjob *j = arg;
	size_t KT = j->KT, nu = j->pk->nu;
	size_t lo = i * BCHUNK, hi = lo + BCHUNK < nu ? lo + BCHUNK : nu;

	(void)thread;
	for (size_t u = lo; u < hi; u++) {
		double m[FOREST_MAX_CLASSES], g[FOREST_MAX_CLASSES];
		double h[FOREST_MAX_CLASSES];

		for (size_t k = 0; k < KT; k++)
			m[k] = j->F[k * nu + u];
		boost_gradients(KT, m, j->pk->uy[u], j->w[u], g, h);
		for (size_t k = 0; k < KT; k++) {
			j->gh[k * nu + u].g = g[k];
			j->gh[k * nu + u].h = h[k];
			j->gg[(u * KT + k) * 2] = g[k];
			j->gg[(u * KT + k) * 2 + 1] = h[k];
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
goes_left(const struct bsplit *s, bool cat, uint8_t v)
{
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
			j->F[b->k * j->pk->nu + b->rows[i]] += v;
		return id;
	}
	bool cat = j->ts->categorical[best.feat];
	const uint8_t *col = j->col + best.feat * j->pk->nu;
	size_t a = lo, e = 0;

	/* stable: rows stay in ascending order, for the caches */
	for (size_t i = lo; i < hi; i++) {
		uint32_t r = b->rows[i];

		if (goes_left(&best, cat, col[r]))
			b->rows[a++] = r;
		else
			b->tmp[e++] = r;
	}
	memcpy(b->rows + a, b->tmp, e * sizeof(uint32_t));
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

	if (j->rows[thread] == NULL) {
		j->rows[thread] = xreallocarray(
		    NULL, j->pk->nu ? j->pk->nu : 1, sizeof(uint32_t));
		j->tmp[thread] = xreallocarray(
		    NULL, j->pk->nu ? j->pk->nu : 1, sizeof(uint32_t));
	}
	for (int l = 1; l < j->p->max_depth + 2; l++)
		if (j->hist[thread][l] == NULL)
			j->hist[thread][l] = xcalloc(
			    j->totbins ? j->totbins : 1, sizeof(struct hbin));
	b.rows = j->rows[thread];
	b.tmp = j->tmp[thread];
	b.hist[0] = j->root[k];
	for (int l = 1; l < j->p->max_depth + 2; l++)
		b.hist[l] = j->hist[thread][l];
	for (size_t i = 0; i < j->pk->nu; i++)
		b.rows[i] = (uint32_t)i;
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

/* Loss term w * -log p(y) of one row at margins m (KT values). */
static double
loss_term(size_t KT, const double *m, uint8_t y, double w)
{
	if (KT == 1) {
		double v = y == 1 ? m[0] : -m[0];

		/* -log sigmoid(v), stable for both signs */
		return w * (v > 0 ? log1p(exp(-v)) : -v + log1p(exp(v)));
	}
	double p[FOREST_MAX_CLASSES], pr;

	memcpy(p, m, KT * sizeof(double));
	forest_softmax(p, KT);
	pr = p[y] > 1e-300 ? p[y] : 1e-300;
	return -w * log(pr);
}

/* Validation rows BCHUNK*i..: add this round's trees, then the loss. */
static void
valid_chunk(size_t i, int thread, void *arg)
{
	const struct bjob *j = arg;
	size_t KT = j->KT, K = j->K, nf = j->ts->nfeat;
	size_t lo = i * BCHUNK,
	       hi = lo + BCHUNK < j->nva ? lo + BCHUNK : j->nva;

	(void)thread;
	for (size_t v = lo; v < hi; v++) {
		const uint8_t *bins = j->ts->bins + (size_t)j->va[v] * nf;
		double *m = j->VF + v * KT;

		for (size_t k = 0; k < KT; k++) {
			const float *lr = leaf_row(&j->out[k], K, bins);

			m[k] += KT == 1 ? 2.0 * lr[1] : (double)lr[k];
		}
		j->vterm[v] = loss_term(KT, m, j->vy[v], j->vw[v]);
	}
}

/* Weighted mean of loss terms, summed in row order. */
static double
mean_terms(const double *term, const double *w, size_t n)
{
	double s = 0, W = 0;

	for (size_t i = 0; i < n; i++) {
		s += term[i];
		W += w[i];
	}
	return W > 0 ? s / W : 0;
}

/* Weighted mean training loss at the class-major margins F. */
static double
train_loss(const struct bjob *j)
{
	size_t KT = j->KT, nu = j->pk->nu;
	double s = 0, W = 0;

	for (size_t u = 0; u < nu; u++) {
		double m[FOREST_MAX_CLASSES];

		for (size_t k = 0; k < KT; k++)
			m[k] = j->F[k * nu + u];
		s += loss_term(KT, m, j->pk->uy[u], j->w[u]);
		W += j->w[u];
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
	double *w, *VF, *vw, best = INFINITY;
	uint8_t *uy, *vy;
	size_t ngc, nvc, nrc;
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
	j.gh = xcalloc(pk.nu * KT + 1, sizeof(struct hbin));
	VF = xcalloc(nva * KT + 1, sizeof(double));
	vw = xcalloc(nva + 1, sizeof(double));
	vy = xcalloc(nva + 1, 1);
	for (size_t k = 0; k < KT; k++)
		for (size_t u = 0; u < pk.nu; u++) {
			j.F[k * pk.nu + u] = base[k];
			j.gh[k * pk.nu + u].n = pk.mult[u];
		}
	for (size_t i = 0; i < nva; i++) {
		memcpy(VF + i * KT, base, KT * sizeof(double));
		vy[i] = ts->y[va[i]];
		vw[i] = p->class_weight ? p->class_weight[vy[i]] : 1.0;
	}
	j.w = w;
	j.va = va;
	j.nva = nva;
	j.VF = VF;
	j.vw = vw;
	j.vy = vy;
	j.vterm = xcalloc(nva + 1, sizeof(double));
	j.off = xcalloc(ts->nfeat + 1, sizeof(size_t));
	for (size_t i = 0; i < ts->nfeat; i++) {
		j.off[i] = j.totbins;
		j.totbins += ts->nbins[i];
	}
	{
		uint8_t *col = xcalloc(pk.nu * ts->nfeat + 1, 1);

		for (size_t u = 0; u < pk.nu; u++)
			for (size_t q = 0; q < ts->nfeat; q++)
				col[q * pk.nu + u] = pk.ub[u * ts->nfeat + q];
		j.col = col;
	}
	j.rootn = xcalloc(j.totbins + 1, sizeof(double));
	for (size_t u = 0; u < pk.nu; u++)
		for (size_t q = 0; q < ts->nfeat; q++)
			j.rootn[j.off[q] + pk.ub[u * ts->nfeat + q]] +=
			    pk.mult[u];
	j.mf = xcalloc(ts->nfeat + 1, 1);
	j.nzoff = xcalloc(ts->nfeat + 1, sizeof(size_t));
	for (size_t q = 0; q < ts->nfeat; q++) {
		size_t cnt[256] = {0}, m = 0;

		/* the bin of most distinct rows: the fewest visits */
		for (size_t u = 0; u < pk.nu; u++)
			cnt[pk.ub[u * ts->nfeat + q]]++;
		for (size_t v = 1; v < 256; v++)
			if (cnt[v] > cnt[m])
				m = v;
		j.mf[q] = (uint8_t)m;
		j.nzoff[q + 1] = j.nzoff[q];
		for (size_t u = 0; u < pk.nu; u++)
			j.nzoff[q + 1] += pk.ub[u * ts->nfeat + q] != m;
	}
	j.nzrow = xcalloc(j.nzoff[ts->nfeat] + 1, sizeof(uint32_t));
	j.nzbin = xcalloc(j.nzoff[ts->nfeat] + 1, 1);
	for (size_t q = 0; q < ts->nfeat; q++) {
		size_t e = j.nzoff[q];

		for (size_t u = 0; u < pk.nu; u++) {
			uint8_t v = pk.ub[u * ts->nfeat + q];

			if (v != j.mf[q]) {
				j.nzrow[e] = (uint32_t)u;
				j.nzbin[e++] = v;
			}
		}
	}
	j.rowoff = xcalloc(pk.nu + 1, sizeof(size_t));
	j.rowent = xcalloc(j.nzoff[ts->nfeat] + 1, sizeof(uint32_t));
	for (size_t u = 0, e = 0; u < pk.nu; u++) {
		for (size_t q = 0; q < ts->nfeat; q++) {
			uint8_t v = pk.ub[u * ts->nfeat + q];

			if (v != j.mf[q])
				j.rowent[e++] = (uint32_t)(j.off[q] + v);
		}
		j.rowoff[u + 1] = e;
	}
	j.gg = xcalloc(pk.nu * KT * 2 + 1, sizeof(double));
	j.tot = xcalloc(KT * 2, sizeof(double));
	j.root = xcalloc(KT, sizeof(*j.root));
	for (size_t k = 0; k < KT; k++)
		j.root[k] = xcalloc(j.totbins + 1, sizeof(struct hbin));
	ngc = (pk.nu + BCHUNK - 1) / BCHUNK;
	nvc = (nva + BCHUNK - 1) / BCHUNK;
	/* a pass over the rows per job: as few jobs as keep threads busy */
	nrc = (size_t)(p->threads > 1 ? 2 * p->threads : 1);
	j.fblock = (ts->nfeat + nrc - 1) / nrc;
	if (j.fblock == 0)
		j.fblock = 1;
	nrc = (ts->nfeat + j.fblock - 1) / j.fblock;

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
		double vl;

		forest_run_threads(p->threads, ngc, grad_chunk, &j, NULL, NULL);
		memset(j.tot, 0, KT * 2 * sizeof(double));
		for (size_t u = 0; u < pk.nu; u++)
			for (size_t q = 0; q < KT * 2; q++)
				j.tot[q] += j.gg[u * KT * 2 + q];
		forest_run_threads(p->threads, nrc, root_hist, &j, NULL, NULL);
		j.out = &f->tree[f->ntrees];
		forest_run_threads(p->threads, KT, grow_tree, &j, NULL, NULL);
		forest_run_threads(
		    p->threads, nvc, valid_chunk, &j, NULL, NULL);
		f->ntrees += KT;
		if (p->train_loss)
			p->train_loss[r] = train_loss(&j);
		if (nva > 0) {
			vl = mean_terms(j.vterm, vw, nva);
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
		free(j.tmp[t]);
		for (int l = 0; l < FOREST_MAX_DEPTH + 2; l++)
			free(j.hist[t][l]);
	}
	for (size_t k = 0; k < KT; k++)
		free(j.root[k]);
	free(j.root);
	free(j.rootn);
	free(j.mf);
	free(j.nzoff);
	free(j.nzrow);
	free(j.nzbin);
	free(j.rowoff);
	free(j.rowent);
	free(j.gg);
	free(j.tot);
	free((void *)j.col);
	free(j.off);
	free(j.F);
	free(j.gh);
	free(j.vterm);
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
