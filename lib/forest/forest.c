/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Histogram-based random forest training, prediction with path
 * contributions, and the forest's binary encoding (see forest.h).
 *
 * Training speed comes from three things.  (1) Identical training rows
 * (same bins, same class: KDD99 is mostly duplicates) are merged into one
 * weighted row before any tree is grown; a bootstrap draw over the
 * original rows adds to the weight of the merged row, so the forest is
 * distributed exactly as one trained on the raw rows.  (2) A node's split
 * is found from per-bin class counts, built in one pass over its rows'
 * bins, which are contiguous bytes.  (3) With every feature tried at every
 * split, only the smaller child's histogram is built; the larger child's
 * is the parent's minus it.  Counts are integers, so results do not depend
 * on summation order: the same seed gives the same forest on any number
 * of threads (each tree has its own seeded generator).
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "base/hash.h"
#include "forest/forest.h"
#include "base/prng.h"

/* Buffers a thread reuses from tree to tree. */
struct scratch {
	uint32_t *w, *rows;
	uint32_t *hist[FOREST_MAX_DEPTH + 2];
};

struct trainjob {
	struct scratch scratch[64];
	const struct trainset *ts;
	const struct forest_params *p;
	const struct forest_packed *pk;
	struct forest *f;
	size_t *off, totbins;
};

struct grower {
	const struct trainjob *j;
	size_t nf, K;
	uint32_t *w, *rows;
	uint32_t *hist[FOREST_MAX_DEPTH + 2];
	size_t *perm;
	struct prng rng;
	struct tree *t;
	size_t sort[256];
	double key[256];
};

struct split {
	double score;
	size_t feat;
	int tbin;
	bool dleft, found;
	uint64_t set[4];
};

/* Append a zeroed node to t; returns its index. */
int32_t
forest_tree_add_node(struct tree *t)
{
	if (t->nnodes == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		t->node = xreallocarray(t->node, t->cap, sizeof(*t->node));
	}
	memset(&t->node[t->nnodes], 0, sizeof(*t->node));
	return (int32_t)t->nnodes++;
}

/* Append a zeroed category bitset; returns it, its index in *idx. */
uint64_t *
forest_tree_add_set(struct tree *t, uint32_t *idx)
{
	t->set = xreallocarray(t->set, t->nset + 1, 4 * sizeof(uint64_t));
	memset(&t->set[4 * t->nset], 0, 4 * sizeof(uint64_t));
	*idx = (uint32_t)t->nset;
	return &t->set[4 * t->nset++];
}

/* Free what t holds (t itself is embedded). */
void
forest_tree_release(struct tree *t)
{
	free(t->node);
	free(t->prob);
	free(t->set);
}

/* Free f; NULL is a no-op. */
void
forest_free(struct forest *f)
{
	if (f == NULL)
		return;
	for (size_t i = 0; f->tree != NULL && i < f->ntrees; i++)
		forest_tree_release(&f->tree[i]);
	free(f->tree);
	free(f->nbins);
	free(f->pn);
	free(f->pval);
	free(f->proot);
	free(f);
}

/*
 * Merge identical (bins, class) rows among the selected rows of ts into
 * pk (its arrays are new; the caller frees them with free()).
 */
void
forest_pack_rows(const struct trainset *ts, struct forest_packed *pk)
{
	size_t nsel = ts->rows ? ts->nsel : ts->nrows, nf = ts->nfeat;
	size_t cap = 16, rowlen = nf + 1;
	uint32_t *slot;

	while (cap < 2 * nsel)
		cap *= 2;
	slot = xcalloc(cap, sizeof(*slot));
	pk->nsel = nsel;
	pk->map = xreallocarray(NULL, nsel ? nsel : 1, sizeof(uint32_t));
	pk->ub = xreallocarray(NULL, nsel ? nsel : 1, rowlen);
	pk->uy = xreallocarray(NULL, nsel ? nsel : 1, 1);
	pk->mult = xreallocarray(NULL, nsel ? nsel : 1, sizeof(uint32_t));
	pk->nu = 0;
	for (size_t i = 0; i < nsel; i++) {
		size_t r = ts->rows ? ts->rows[i] : i;
		const uint8_t *b = ts->bins + r * nf;
		uint8_t y = ts->y[r];
		uint64_t h = hash_fnv1a_more(HASH_FNV1A_INIT ^ y, b, nf);
		size_t k;

		h ^= h >> 29;
		for (k = h & (cap - 1); slot[k] != 0; k = (k + 1) & (cap - 1)) {
			size_t u = slot[k] - 1;

			if (pk->uy[u] == y &&
			    memcmp(pk->ub + u * nf, b, nf) == 0)
				break;
		}
		if (slot[k] == 0) {
			memcpy(pk->ub + pk->nu * nf, b, nf);
			pk->uy[pk->nu] = y;
			pk->mult[pk->nu] = 0;
			slot[k] = (uint32_t)++pk->nu;
		}
		pk->map[i] = slot[k] - 1;
		pk->mult[slot[k] - 1]++;
	}
	free(slot);
}

static uint32_t *
level_hist(struct grower *g, int level)
{
	if (g->hist[level] == NULL)
		g->hist[level] =
		    xreallocarray(NULL, g->j->totbins * g->K, sizeof(uint32_t));
	return g->hist[level];
}

/* Class counts per bin of the features in feats[0..nfe) over rows. */
static void
build_hist(struct grower *g, uint32_t *h, size_t lo, size_t hi,
    const size_t *feats, size_t nfe)
{
	const struct forest_packed *pk = g->j->pk;
	const size_t *off = g->j->off;
	size_t nf = g->nf, K = g->K;

	if (nfe == nf) {
		memset(h, 0, g->j->totbins * K * sizeof(uint32_t));
		for (size_t i = lo; i < hi; i++) {
			uint32_t r = g->rows[i], w = g->w[r];
			const uint8_t *b = pk->ub + (size_t)r * nf;
			uint32_t *hk = h + pk->uy[r];

			for (size_t f = 0; f < nf; f++)
				hk[(off[f] + b[f]) * K] += w;
		}
		return;
	}
	for (size_t e = 0; e < nfe; e++)
		memset(h + off[feats[e]] * K, 0,
		    g->j->ts->nbins[feats[e]] * K * sizeof(uint32_t));
	for (size_t i = lo; i < hi; i++) {
		uint32_t r = g->rows[i], w = g->w[r];
		const uint8_t *b = pk->ub + (size_t)r * nf;
		uint32_t *hk = h + pk->uy[r];

		for (size_t e = 0; e < nfe; e++)
			hk[(off[feats[e]] + b[feats[e]]) * K] += w;
	}
}

static double
gini_part(const double *c, size_t K, double n)
{
	double s = 0;

	for (size_t k = 0; k < K; k++)
		s += c[k] * c[k];
	return s / n;
}

/*
 * Best split on feature f given its histogram hf (nbins x K), node totals
 * T (N rows): updates best when better.  Missing values (bin 0) join the
 * larger side.
 */
static void
eval_feature(struct grower *g, size_t f, const uint32_t *hf, const double *T,
    double N, int major, struct split *best)
{
	size_t K = g->K, nb = g->j->ts->nbins[f];
	double M[FOREST_MAX_CLASSES], L[FOREST_MAX_CLASSES],
	    R[FOREST_MAX_CLASSES], Nm = 0, nL = 0, minl = g->j->p->min_leaf;
	bool cat = g->j->ts->categorical[f];
	size_t nord = 0;

	for (size_t k = 0; k < K; k++) {
		M[k] = hf[k];
		Nm += M[k];
		L[k] = 0;
	}
	if (Nm == N)
		return;
	if (cat) {
		/* categories present, ordered by their share of one class */
		for (size_t b = 1; b < nb; b++) {
			double nbk = 0;

			for (size_t k = 0; k < K; k++)
				nbk += hf[b * K + k];
			if (nbk == 0)
				continue;
			g->key[b] = hf[b * K + (size_t)major] / nbk;
			size_t j = nord;
			while (j > 0 && g->key[g->sort[j - 1]] > g->key[b]) {
				g->sort[j] = g->sort[j - 1];
				j--;
			}
			g->sort[j] = b;
			nord++;
		}
		if (nord < 2)
			return;
	} else
		nord = nb - 1;
	for (size_t i = 0; i + 1 < nord; i++) {
		size_t b = cat ? g->sort[i] : i + 1;
		double add = 0, nR, lm, rm, score;
		bool dleft;

		for (size_t k = 0; k < K; k++) {
			L[k] += hf[b * K + k];
			add += hf[b * K + k];
		}
		nL += add;
		if (add == 0 && !cat)
			continue;
		if (nL == 0)
			continue;
		nR = N - Nm - nL;
		if (nR <= 0)
			break;
		dleft = nL >= nR;
		lm = nL + (dleft ? Nm : 0);
		rm = nR + (dleft ? 0 : Nm);
		if (lm < minl || rm < minl)
			continue;
		for (size_t k = 0; k < K; k++)
			R[k] = T[k] - L[k] - M[k];
		if (dleft) {
			double LL[FOREST_MAX_CLASSES];

			for (size_t k = 0; k < K; k++)
				LL[k] = L[k] + M[k];
			score = gini_part(LL, K, lm) + gini_part(R, K, rm);
		} else {
			double RR[FOREST_MAX_CLASSES];

			for (size_t k = 0; k < K; k++)
				RR[k] = R[k] + M[k];
			score = gini_part(L, K, lm) + gini_part(RR, K, rm);
		}
		if (!best->found || score > best->score) {
			best->found = true;
			best->score = score;
			best->feat = f;
			best->dleft = dleft;
			best->tbin = (int)b;
			memset(best->set, 0, sizeof(best->set));
			if (cat) {
				for (size_t q = 0; q <= i; q++)
					best->set[g->sort[q] >> 6] |=
					    1ULL << (g->sort[q] & 63);
				/* categories absent here follow the default */
				if (dleft)
					for (size_t q = 1; q < nb; q++) {
						double c = 0;

						for (size_t k = 0; k < K; k++)
							c += hf[q * K + k];
						if (c == 0)
							best->set[q >> 6] |=
							    1ULL << (q & 63);
					}
			}
		}
	}
}

static bool
goes_left(const struct split *s, const uint8_t *b)
{
	uint8_t v = b[s->feat];

	if (v == 0)
		return s->dleft;
	if (s->set[0] | s->set[1] | s->set[2] | s->set[3])
		return (s->set[v >> 6] >> (v & 63)) & 1;
	return v <= s->tbin;
}

static void
make_leaf(struct grower *g, int32_t id, const double *T, double N)
{
	struct tree *t = g->t;
	struct fnode *nd = &t->node[id];

	nd->kind = FNODE_LEAF;
	nd->aux = (uint32_t)t->nleaf;
	t->prob = xreallocarray(t->prob, (t->nleaf + 1) * g->K, sizeof(float));
	for (size_t k = 0; k < g->K; k++)
		t->prob[t->nleaf * g->K + k] = (float)(T[k] / N);
	t->nleaf++;
}

static int32_t
grow(struct grower *g, size_t lo, size_t hi, int depth, int level,
    bool have_hist)
{
	const struct trainjob *j = g->j;
	const struct forest_params *p = j->p;
	size_t K = g->K, nf = g->nf;
	int32_t id = forest_tree_add_node(g->t);
	double T[FOREST_MAX_CLASSES] = {0}, N = 0;
	struct split best = {0};
	uint32_t *h = have_hist ? g->hist[level] : NULL;
	int nonzero = 0, major = 0;
	size_t mid;

	if (h != NULL) {
		for (size_t b = 0; b < j->ts->nbins[0]; b++)
			for (size_t k = 0; k < K; k++)
				T[k] += h[b * K + k];
	} else
		for (size_t i = lo; i < hi; i++)
			T[j->pk->uy[g->rows[i]]] += g->w[g->rows[i]];
	for (size_t k = 0; k < K; k++) {
		N += T[k];
		nonzero += T[k] > 0;
		if (T[k] > T[major])
			major = (int)k;
	}
	if (K == 2)
		major = 1;
	g->t->node[id].value = (float)(1 - T[0] / N);
	if (depth >= p->max_depth || N < 2.0 * p->min_leaf || nonzero < 2 ||
	    hi - lo < 2) {
		make_leaf(g, id, T, N);
		return id;
	}
	if (h != NULL) {
		for (size_t f = 0; f < nf; f++)
			eval_feature(
			    g, f, h + j->off[f] * K, T, N, major, &best);
	} else {
		/* mtry features at random; more when none of them splits */
		size_t m = (size_t)p->mtry, done = 0;

		h = level_hist(g, level);
		for (size_t i = 0; i < nf; i++)
			g->perm[i] = i;
		while (!best.found && done < nf) {
			size_t take = done + m <= nf ? m : nf - done;

			for (size_t i = done; i < done + take; i++) {
				size_t r = i + prng_below(&g->rng, nf - i);
				size_t tmp = g->perm[i];

				g->perm[i] = g->perm[r];
				g->perm[r] = tmp;
			}
			build_hist(g, h, lo, hi, g->perm + done, take);
			for (size_t i = done; i < done + take; i++)
				eval_feature(g, g->perm[i],
				    h + j->off[g->perm[i]] * K, T, N, major,
				    &best);
			done += take;
		}
	}
	if (!best.found) {
		make_leaf(g, id, T, N);
		return id;
	}
	/* partition rows: left ones first */
	{
		size_t a = lo, b = hi;

		while (a < b) {
			if (goes_left(
				&best, j->pk->ub + (size_t)g->rows[a] * nf))
				a++;
			else {
				uint32_t tmp = g->rows[a];

				g->rows[a] = g->rows[--b];
				g->rows[b] = tmp;
			}
		}
		mid = a;
	}
	{
		struct fnode *nd = &g->t->node[id];
		bool cat = j->ts->categorical[best.feat];
		int32_t l, r;

		nd->feat = (uint16_t)best.feat;
		nd->dleft = best.dleft;
		if (cat) {
			uint32_t si;
			uint64_t *set = forest_tree_add_set(g->t, &si);

			memcpy(set, best.set, sizeof(best.set));
			nd = &g->t->node[id];
			nd->kind = FNODE_CATEGORICAL;
			nd->aux = si;
		} else {
			nd->kind = FNODE_NUMERIC;
			nd->tbin = (uint8_t)best.tbin;
			nd->thr = j->ts->edges[best.feat][best.tbin - 1];
		}
		if (p->mtry == 0 || (size_t)p->mtry >= nf) {
			/* histogram of the smaller child, the other by
			 * subtraction into this level's buffer */
			bool small_left = mid - lo <= hi - mid;
			uint32_t *hs = level_hist(g, level + 1);
			uint32_t *hp = g->hist[level];

			if (small_left)
				build_hist(g, hs, lo, mid, NULL, nf);
			else
				build_hist(g, hs, mid, hi, NULL, nf);
			for (size_t i = 0; i < j->totbins * K; i++)
				hp[i] -= hs[i];
			if (small_left) {
				l = grow(
				    g, lo, mid, depth + 1, level + 1, true);
				r = grow(g, mid, hi, depth + 1, level, true);
			} else {
				r = grow(
				    g, mid, hi, depth + 1, level + 1, true);
				l = grow(g, lo, mid, depth + 1, level, true);
			}
		} else {
			l = grow(g, lo, mid, depth + 1, level, false);
			r = grow(g, mid, hi, depth + 1, level, false);
		}
		g->t->node[id].left = l;
		g->t->node[id].right = r;
	}
	return id;
}

/*
 * A Poisson(lambda) deviate: Knuth's product of uniforms for small lambda,
 * the rounded normal approximation (error below 1%) beyond 30.
 */
static uint32_t
poisson(struct prng *r, double lambda)
{
	if (lambda < 30) {
		double l = exp(-lambda), p = prng_uniform(r);
		uint32_t k = 0;

		while (p > l) {
			p *= prng_uniform(r);
			k++;
		}
		return k;
	} else {
		double v = llround(lambda + sqrt(lambda) * prng_normal(r));

		return v < 0 ? 0 : (uint32_t)v;
	}
}

static void
train_tree(size_t ti, int thread, void *arg)
{
	struct trainjob *j = arg;
	struct scratch *sc = &j->scratch[thread];
	const struct forest_packed *pk = j->pk;
	const struct forest_params *p = j->p;
	struct grower g = {0};
	size_t m, n = 0, nsel = pk->nsel, nu = pk->nu ? pk->nu : 1;
	bool all = p->mtry == 0 || (size_t)p->mtry >= j->ts->nfeat;

	g.j = j;
	g.nf = j->ts->nfeat;
	g.K = j->ts->nclass;
	g.t = &j->f->tree[ti];
	prng_init(&g.rng, p->seed * 0x9E3779B97F4A7C15ULL + ti + 1);
	if (sc->w == NULL) {
		sc->w = xreallocarray(NULL, nu, sizeof(uint32_t));
		sc->rows = xreallocarray(NULL, nu, sizeof(uint32_t));
	}
	g.w = sc->w;
	g.rows = sc->rows;
	memcpy(g.hist, sc->hist, sizeof(g.hist));
	g.perm = xreallocarray(NULL, g.nf ? g.nf : 1, sizeof(size_t));
	if (p->replace) {
		/* Poisson bootstrap: each of the selected rows is drawn
		 * Poisson(rate) times, so a merged row of c rows gets a
		 * Poisson(c rate) weight; one pass over the merged rows.
		 * A class weight scales the rate of its rows. */
		for (size_t u = 0; u < pk->nu; u++)
			g.w[u] = poisson(&g.rng,
			    p->sample_rate * pk->mult[u] *
				(p->class_weight ? p->class_weight[pk->uy[u]]
						 : 1));
	} else {
		/* m distinct rows: Floyd's algorithm through a bitmap */
		uint8_t *seen = xcalloc(nsel ? nsel : 1, 1);

		memset(g.w, 0, nu * sizeof(uint32_t));
		m = (size_t)llround(p->sample_rate * (double)nsel);
		if (m < 1)
			m = 1;
		if (m > nsel)
			m = nsel;
		for (size_t i = nsel - m; i < nsel; i++) {
			size_t r = prng_below(&g.rng, i + 1);

			if (seen[r])
				r = i;
			seen[r] = 1;
			g.w[pk->map[r]]++;
		}
		free(seen);
	}
	for (size_t u = 0; u < pk->nu; u++)
		if (g.w[u] > 0)
			g.rows[n++] = (uint32_t)u;
	if (all)
		build_hist(&g, level_hist(&g, 0), 0, n, NULL, g.nf);
	if (n == 0) {
		double T[FOREST_MAX_CLASSES] = {0};

		T[0] = 1;
		forest_tree_add_node(g.t);
		make_leaf(&g, 0, T, 1);
	} else
		grow(&g, 0, n, 0, 0, all);
	memcpy(sc->hist, g.hist, sizeof(g.hist));
	free(g.perm);
}

struct pool {
	void (*job)(size_t i, int thread, void *arg);
	void *arg;
	size_t njobs;
	atomic_size_t next, done;
	void (*progress)(size_t done, void *arg);
	void *progress_arg;
};

struct worker {
	struct pool *pl;
	int thread;
};

static void *
pool_worker(void *arg)
{
	struct worker *wk = arg;
	struct pool *pl = wk->pl;
	size_t i;

	while ((i = atomic_fetch_add(&pl->next, 1)) < pl->njobs) {
		pl->job(i, wk->thread, pl->arg);
		atomic_fetch_add(&pl->done, 1);
	}
	return NULL;
}

/*
 * Run job(0..njobs-1) on up to threads threads (the caller's included);
 * progress(done) is called from the calling thread after each of its jobs.
 * Returns 0.
 */
int
forest_run_threads(int threads, size_t njobs, void (*job)(size_t, int, void *),
    void *arg, void (*progress)(size_t, void *), void *progress_arg)
{
	struct pool pl = {.job = job,
	    .arg = arg,
	    .njobs = njobs,
	    .progress = progress,
	    .progress_arg = progress_arg};
	pthread_t tid[64];
	struct worker wk[64];
	int nt = threads < 1 ? 1 : threads > 64 ? 64 : threads, started = 0;
	size_t i;

	atomic_init(&pl.next, 0);
	atomic_init(&pl.done, 0);
	for (int t = 1; t < nt; t++) {
		wk[started] = (struct worker){&pl, started + 1};
		if (pthread_create(
			&tid[started], NULL, pool_worker, &wk[started]) == 0)
			started++;
	}
	while ((i = atomic_fetch_add(&pl.next, 1)) < njobs) {
		job(i, 0, arg);
		atomic_fetch_add(&pl.done, 1);
		if (progress)
			progress(atomic_load(&pl.done), progress_arg);
	}
	for (int t = 0; t < started; t++)
		pthread_join(tid[t], NULL);
	if (progress)
		progress(njobs, progress_arg);
	return 0;
}

/*
 * Train a classification forest on ts with parameters p.  Returns a new
 * forest (caller frees with forest_free()).
 */
struct forest *
forest_train(const struct trainset *ts, const struct forest_params *p)
{
	struct forest *f = xcalloc(1, sizeof(*f));
	struct forest_packed pk = {0};
	struct trainjob *j = xcalloc(1, sizeof(*j));

	f->kind = FOREST_CLASSIFIER;
	f->nfeat = ts->nfeat;
	f->nclass = ts->nclass;
	f->ntrees = (size_t)p->trees;
	f->tree = xcalloc(f->ntrees ? f->ntrees : 1, sizeof(*f->tree));
	f->nbins = xcalloc(f->nfeat + 1, sizeof(*f->nbins));
	memcpy(f->nbins, ts->nbins, f->nfeat * sizeof(*f->nbins));
	j->ts = ts;
	j->p = p;
	j->pk = &pk;
	j->f = f;
	j->off = xcalloc(ts->nfeat + 1, sizeof(size_t));
	for (size_t i = 0; i < ts->nfeat; i++) {
		j->off[i] = j->totbins;
		j->totbins += ts->nbins[i];
	}
	forest_pack_rows(ts, &pk);
	forest_run_threads(
	    p->threads, f->ntrees, train_tree, j, p->progress, p->progress_arg);
	free(pk.ub);
	free(pk.uy);
	free(pk.map);
	free(pk.mult);
	free(j->off);
	for (int t = 0; t < 64; t++) {
		free(j->scratch[t].w);
		free(j->scratch[t].rows);
		for (int i = 0; i < FOREST_MAX_DEPTH + 2; i++)
			free(j->scratch[t].hist[i]);
	}
	free(j);
	forest_compile(f);
	return f;
}

/* Average path length of an unsuccessful BST search among n points. */
double
forest_c(double n)
{
	if (n <= 1)
		return 0;
	if (n == 2)
		return 1;
	return 2 * (log(n - 1) + 0.5772156649015329) - 2 * (n - 1) / n;
}

static size_t
compile_node(struct forest *f, const struct tree *t, int32_t i, size_t at)
{
	const struct fnode *nd = &t->node[i];
	struct pnode *p = &f->pn[at];
	size_t next;

	p->feat = nd->feat;
	p->kind = nd->kind;
	p->dleft = nd->dleft;
	f->pval[at] = nd->value;
	if (nd->kind == FNODE_LEAF) {
		p->u.idx = nd->aux;
		return at + 1;
	}
	if (nd->kind == FNODE_CATEGORICAL)
		p->u.idx = nd->aux;
	else
		p->u.thr = nd->thr;
	next = compile_node(f, t, nd->left, at + 1);
	f->pn[at].right = (int32_t)(next - at);
	return compile_node(f, t, nd->right, next);
}

/*
 * Lay every tree out for prediction: 16-byte nodes in one array, each
 * tree in pre-order with a node's left child right after it, so that a
 * walk reads mostly consecutive cache lines.  Called by forest_train(),
 * iforest_train() and forest_load().
 */
void
forest_compile(struct forest *f)
{
	size_t total = forest_nodes(f), at = 0;

	free(f->pn);
	free(f->pval);
	free(f->proot);
	f->pn = xcalloc(total + 1, sizeof(*f->pn));
	f->pval = xcalloc(total + 1, sizeof(*f->pval));
	f->proot = xcalloc(f->ntrees + 1, sizeof(*f->proot));
	for (size_t ti = 0; ti < f->ntrees; ti++) {
		f->proot[ti] = at;
		at = compile_node(f, &f->tree[ti], 0, at);
	}
}

/*
 * Predict one feature vector x (f->nfeat values, see featset.h).  For a
 * classifier, proba (nclass values, may be NULL) gets the mean of the
 * trees' leaf class shares and the return value is 1 - proba[0]; for an
 * isolation forest the return value is 2^(-E[h]/c(psi)).  contrib (nfeat
 * values, may be NULL) gets each feature's path contribution to that
 * score, summed over the splits on it (Saabas): the score is the mean root
 * value plus the sum of contrib.
 */
double
forest_predict(
    const struct forest *f, const double *x, double *proba, double *contrib)
{
	struct forest_acc acc;

	forest_acc_init(f, &acc, contrib);
	forest_accumulate(f, x, 0, f->ntrees, &acc, contrib);
	return forest_finish(f, &acc, proba, contrib);
}

/* Start an accumulation (and zero contrib, nfeat values, unless NULL). */
void
forest_acc_init(const struct forest *f, struct forest_acc *acc, double *contrib)
{
	memset(acc, 0, sizeof(*acc));
	if (contrib)
		memset(contrib, 0, f->nfeat * sizeof(double));
}

/*
 * Add trees t0 .. t1-1's leaves for x to acc, and their path
 * contributions to contrib (unless NULL).  Splitting the trees between
 * threads in order gives the same sums as forest_predict().
 */
void
forest_accumulate(const struct forest *f, const double *x, size_t t0, size_t t1,
    struct forest_acc *acc, double *contrib)
{
	size_t K = f->nclass;
	const struct pnode *pn = f->pn;

	for (size_t ti = t0; ti < t1 && ti < f->ntrees; ti++) {
		const struct tree *t = &f->tree[ti];
		size_t i = f->proot[ti];

		while (pn[i].kind != FNODE_LEAF) {
			const struct pnode *nd = &pn[i];
			double v = x[nd->feat];
			bool left;
			size_t next;

			if (nd->kind == FNODE_NUMERIC)
				left =
				    v <= nd->u.thr || (isnan(v) && nd->dleft);
			else if (isnan(v) || v < 0)
				left = nd->dleft;
			else {
				size_t nb = f->nbins[nd->feat];
				size_t b =
				    (size_t)v + 1 < nb ? (size_t)v + 1 : nb - 1;

				left = (t->set[4 * nd->u.idx + (b >> 6)] >>
					   (b & 63)) &
				       1;
			}
			next = left ? i + 1 : i + (size_t)nd->right;
			if (contrib)
				contrib[nd->feat] += f->pval[next] - f->pval[i];
			i = next;
		}
		if (f->kind == FOREST_ISOLATION)
			acc->eh += f->pval[i];
		else {
			const float *lp = t->prob + pn[i].u.idx * K;

			for (size_t k = 0; k < K; k++)
				acc->p[k] += lp[k];
		}
	}
}

/*
 * Turn a complete accumulation into the score (see forest_predict()),
 * proba (unless NULL) and contrib (unless NULL) in place.
 */
double
forest_finish(const struct forest *f, struct forest_acc *acc, double *proba,
    double *contrib)
{
	size_t K = f->nclass;
	double score;

	if (f->kind == FOREST_ISOLATION) {
		double eh = acc->eh / (double)f->ntrees;

		score = pow(2, -eh / f->cpsi);
		if (contrib) /* linearised: d score / d h = -score ln2 / c */
			for (size_t i = 0; i < f->nfeat; i++)
				contrib[i] *= -score * M_LN2 / f->cpsi /
					      (double)f->ntrees;
		return score;
	}
	if (f->kind == FOREST_BOOST) {
		forest_softmax(acc->p, K);
		score = 1 - acc->p[0];
		if (proba)
			memcpy(proba, acc->p, K * sizeof(double));
		if (contrib) /* node values are anomaly log-odds: linearised */
			for (size_t i = 0; i < f->nfeat; i++)
				contrib[i] *= score * (1 - score);
		return score;
	}
	for (size_t k = 0; k < K; k++)
		acc->p[k] /= (double)f->ntrees;
	if (proba)
		memcpy(proba, acc->p, K * sizeof(double));
	if (contrib)
		for (size_t i = 0; i < f->nfeat; i++)
			contrib[i] /= (double)f->ntrees;
	return 1 - acc->p[0];
}

/*
 * Replace the K margins in p by their softmax (class probabilities),
 * computed from the largest so that no exponential overflows.
 */
void
forest_softmax(double *p, size_t K)
{
	double mx = p[0], s = 0;

	for (size_t k = 1; k < K; k++)
		if (p[k] > mx)
			mx = p[k];
	for (size_t k = 0; k < K; k++)
		s += p[k] = exp(p[k] - mx);
	for (size_t k = 0; k < K; k++)
		p[k] /= s;
}

/*
 * Predict a classifier on one row of bins (the binning it was trained
 * with), for cross-validation.  Same results as forest_predict() on the
 * raw values.
 */
double
forest_predict_bins(const struct forest *f, const uint8_t *bins, double *proba)
{
	double p[FOREST_MAX_CLASSES] = {0};
	size_t K = f->nclass;

	for (size_t ti = 0; ti < f->ntrees; ti++) {
		const struct tree *t = &f->tree[ti];
		const struct fnode *nd = t->node;

		while (nd->kind != FNODE_LEAF) {
			uint8_t b = bins[nd->feat];
			bool left;

			if (b == 0)
				left = nd->dleft;
			else if (nd->kind == FNODE_NUMERIC)
				left = b <= nd->tbin;
			else
				left = (t->set[4 * nd->aux + (b >> 6)] >>
					   (b & 63)) &
				       1;
			nd = &t->node[left ? nd->left : nd->right];
		}
		for (size_t k = 0; k < K; k++)
			p[k] += t->prob[(size_t)nd->aux * K + k];
	}
	if (f->kind == FOREST_BOOST)
		forest_softmax(p, K);
	else
		for (size_t k = 0; k < K; k++)
			p[k] /= (double)f->ntrees;
	if (proba)
		memcpy(proba, p, K * sizeof(double));
	return 1 - p[0];
}

/* Total nodes over all trees. */
size_t
forest_nodes(const struct forest *f)
{
	size_t n = 0;

	for (size_t i = 0; i < f->ntrees; i++)
		n += f->tree[i].nnodes;
	return n;
}

static int
node_depth(const struct tree *t, int32_t i)
{
	const struct fnode *nd = &t->node[i];
	int l, r;

	if (nd->kind == FNODE_LEAF)
		return 0;
	l = node_depth(t, nd->left);
	r = node_depth(t, nd->right);
	return 1 + (l > r ? l : r);
}

/* Deepest tree's depth (a lone leaf has depth 0). */
int
forest_depth(const struct forest *f)
{
	int d = 0;

	for (size_t i = 0; i < f->ntrees; i++) {
		int td = node_depth(&f->tree[i], 0);

		if (td > d)
			d = td;
	}
	return d;
}

/* Append f's encoding to a model payload. */
void
forest_save(const struct forest *f, struct buf *b)
{
	wire_put_u8(b, (uint8_t)f->kind);
	wire_put_u64(b, f->nfeat);
	wire_put_u64(b, f->nclass);
	wire_put_u64(b, f->psi);
	for (size_t i = 0; i < f->nfeat; i++)
		wire_put_u32(b, f->nbins[i]);
	wire_put_u64(b, f->ntrees);
	for (size_t ti = 0; ti < f->ntrees; ti++) {
		const struct tree *t = &f->tree[ti];

		wire_put_u64(b, t->nnodes);
		for (size_t i = 0; i < t->nnodes; i++) {
			const struct fnode *nd = &t->node[i];

			wire_put_f64(b, nd->thr);
			wire_put_f64(b, nd->value);
			wire_put_u32(b, (uint32_t)nd->left);
			wire_put_u32(b, (uint32_t)nd->right);
			wire_put_u32(b, nd->aux);
			wire_put_u32(b, nd->feat);
			wire_put_u8(b, nd->kind);
			wire_put_u8(b, nd->dleft);
			wire_put_u8(b, nd->tbin);
		}
		wire_put_u64(b, t->nleaf);
		for (size_t i = 0; i < t->nleaf * f->nclass; i++)
			wire_put_f64(b, t->prob[i]);
		wire_put_u64(b, t->nset);
		for (size_t i = 0; i < 4 * t->nset; i++)
			wire_put_u64(b, t->set[i]);
	}
}

/*
 * Whether t's links form a tree forest_compile() and forest_predict() can
 * walk: children come after their parent (no cycles), every node but the
 * root is one node's child exactly once (sharing would make
 * forest_compile() lay out more nodes than there are), no split is deeper
 * than training makes them (compile_node() recurses), and every index a
 * node holds is in range.
 */
static bool
tree_valid(const struct forest *f, const struct tree *t)
{
	uint8_t *depth; /* 0: nobody's child (yet) */
	bool ok = true;

	if (t->nnodes == 0)
		return false;
	depth = xcalloc(t->nnodes, 1);
	depth[0] = 1;
	for (size_t i = 0; i < t->nnodes && ok; i++) {
		const struct fnode *nd = &t->node[i];

		if (depth[i] == 0) {
			ok = false;
			break;
		}
		switch (nd->kind) {
		case FNODE_LEAF:
			ok = f->kind == FOREST_ISOLATION || nd->aux < t->nleaf;
			break;
		case FNODE_CATEGORICAL:
			if (nd->aux >= t->nset) {
				ok = false;
				break;
			}
			/* FALLTHROUGH */
		case FNODE_NUMERIC:
			ok = nd->feat < f->nfeat && nd->left > (int32_t)i &&
			     nd->right > (int32_t)i &&
			     (size_t)nd->left < t->nnodes &&
			     (size_t)nd->right < t->nnodes &&
			     nd->left != nd->right && !depth[nd->left] &&
			     !depth[nd->right] && depth[i] <= FOREST_MAX_DEPTH;
			if (ok)
				depth[nd->left] = depth[nd->right] =
				    depth[i] + 1;
			break;
		default:
			ok = false;
		}
	}
	free(depth);
	return ok;
}

/*
 * Read a forest written by forest_save() for nfeat features.  Returns a
 * new forest, or NULL with w->bad set when the encoding is inconsistent.
 */
struct forest *
forest_load(struct wire *w, size_t nfeat)
{
	struct forest *f = xcalloc(1, sizeof(*f));

	f->kind = wire_u8(w);
	f->nfeat = wire_u64(w);
	f->nclass = wire_u64(w);
	f->psi = wire_u64(w);
	if (w->bad || f->nfeat != nfeat || f->nfeat > 65535 ||
	    (f->kind != FOREST_CLASSIFIER && f->kind != FOREST_ISOLATION &&
		f->kind != FOREST_BOOST) ||
	    f->nclass < 1 || f->nclass > FOREST_MAX_CLASSES ||
	    (f->kind == FOREST_ISOLATION && f->psi < 2))
		goto bad;
	f->cpsi = forest_c((double)f->psi);
	f->nbins = xcalloc(f->nfeat + 1, sizeof(*f->nbins));
	for (size_t i = 0; i < f->nfeat; i++) {
		uint32_t nb = wire_u32(w);

		if (nb < 2 || nb > 256)
			goto bad;
		f->nbins[i] = (uint16_t)nb;
	}
	f->ntrees = wire_count(w, 24);
	if (w->bad || f->ntrees == 0)
		goto bad;
	f->tree = xcalloc(f->ntrees, sizeof(*f->tree));
	for (size_t ti = 0; ti < f->ntrees; ti++) {
		struct tree *t = &f->tree[ti];

		t->nnodes = t->cap = wire_count(w, 35);
		if (w->bad)
			goto bad;
		t->node = xcalloc(t->nnodes ? t->nnodes : 1, sizeof(*t->node));
		for (size_t i = 0; i < t->nnodes; i++) {
			struct fnode *nd = &t->node[i];

			nd->thr = wire_f64(w);
			nd->value = (float)wire_f64(w);
			nd->left = (int32_t)wire_u32(w);
			nd->right = (int32_t)wire_u32(w);
			nd->aux = wire_u32(w);
			nd->feat = (uint16_t)wire_u32(w);
			nd->kind = wire_u8(w);
			nd->dleft = wire_u8(w) != 0;
			nd->tbin = wire_u8(w);
		}
		t->nleaf = wire_count(w, 8 * f->nclass);
		if (w->bad)
			goto bad;
		t->prob = xcalloc(t->nleaf * f->nclass + 1, sizeof(float));
		for (size_t i = 0; i < t->nleaf * f->nclass; i++)
			t->prob[i] = (float)wire_f64(w);
		t->nset = wire_count(w, 32);
		if (w->bad)
			goto bad;
		t->set = xcalloc(4 * t->nset + 1, sizeof(uint64_t));
		for (size_t i = 0; i < 4 * t->nset; i++)
			t->set[i] = wire_u64(w);
		if (w->bad || !tree_valid(f, t))
			goto bad;
	}
	forest_compile(f);
	return f;
bad:
	w->bad = true;
	forest_free(f);
	return NULL;
}
