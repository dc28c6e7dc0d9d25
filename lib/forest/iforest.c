/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Isolation forest training (see iforest.h) over the raw columns of a
 * data set (categorical features through their bins).  Each node stores
 * depth + c(n) as its value, so that prediction can attribute the path
 * length, split by split, to features (forest_predict()).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "forest/iforest.h"
#include "base/prng.h"

struct ijob {
	const struct dataset *ds;
	const uint32_t *rows;
	size_t nsel;
	const struct iforest_params *p;
	struct forest *f;
	int limit;
};

struct igrow {
	const struct ijob *j;
	struct tree *t;
	struct prng rng;
	size_t *perm;
	double *sv; /* a node's values of one feature, sorted */
};

static double
colval(const struct dataset *ds, size_t f, size_t r)
{
	return ds->col[f][r];
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * The split of the m sorted values v of most pooled gain, sd - (nl sd_l +
 * nr sd_r) / m (standard deviations of all, of the nl left and of the nr
 * right values): the number of values going left, 1 .. m-1, always between
 * two different values; 0 when all are equal.  Ties go to the first.
 */
size_t
iforest_pooled_split(const double *v, size_t m)
{
	double s = 0, ss = 0, tot = 0, totss = 0, best = INFINITY;
	size_t at = 0;

	if (m < 2)
		return 0;
	for (size_t i = 0; i < m; i++) { /* centred: no cancellation */
		double d = v[i] - v[0];

		tot += d;
		totss += d * d;
	}
	for (size_t i = 0; i + 1 < m; i++) {
		double d = v[i] - v[0], nl = (double)(i + 1),
		       nr = (double)(m - i - 1), vl, vr, cost;

		s += d;
		ss += d * d;
		if (!(v[i] < v[i + 1]))
			continue;
		vl = (ss - s * s / nl) / nl;
		vr = ((totss - ss) - (tot - s) * (tot - s) / nr) / nr;
		cost = nl * sqrt(vl > 0 ? vl : 0) + nr * sqrt(vr > 0 ? vr : 0);
		if (cost < best) {
			best = cost;
			at = i + 1;
		}
	}
	return at;
}

/*
 * The adjusted depth a split adds to the side that holds ns of the node's
 * n rows and the share frac of its range (or of its categories):
 * 2 / (1 + 1 / 2p), p = (ns / n) / frac, in (0, 2).
 */
double
iforest_adj_step(size_t ns, size_t n, double frac)
{
	double p;

	if (!(frac > 0x1p-30)) /* a threshold at the lowest value */
		frac = 0x1p-30;
	p = ((double)ns / (double)n) / frac;
	return 2 / (1 + 1 / (2 * p));
}

/* The path length to a node at depth depth whose adjusted depth is adj. */
static double
inode_depth(const struct igrow *g, int depth, double adj)
{
	return g->j->p->scoring == IFOREST_ADJ_DEPTH ? adj : (double)depth;
}

static int32_t
igrow_node(struct igrow *g, size_t *idx, size_t n, int depth, double adj)
{
	const struct dataset *ds = g->j->ds;
	size_t nf = ds->nfeat;
	int32_t id = forest_tree_add_node(g->t);

	g->t->node[id].value =
	    (float)(inode_depth(g, depth, adj) + forest_c((double)n));
	if (depth >= g->j->limit || n <= 1) {
		g->t->node[id].kind = FNODE_LEAF;
		return id;
	}
	for (size_t i = 0; i < nf; i++)
		g->perm[i] = i;
	for (size_t tries = 0; tries < nf; tries++) {
		size_t pick = tries + prng_below(&g->rng, nf - tries), f,
		       nl = 0;
		size_t nmiss = 0, mid, npres = 0;
		bool cat, dleft;
		uint64_t set[4] = {0}, present[4] = {0};
		double thr = 0, lo = INFINITY, hi = -INFINITY, fleft;

		f = g->perm[pick];
		g->perm[pick] = g->perm[tries];
		g->perm[tries] = f;
		cat = ds->fs->f[f].kind == FEATURE_CATEGORICAL;
		if (cat) {
			size_t nset = 0;

			for (size_t i = 0; i < n; i++) {
				uint8_t b = ds->bins[idx[i] * nf + f];

				if (b == 0)
					nmiss++;
				else if (!((present[b >> 6] >> (b & 63)) & 1)) {
					present[b >> 6] |= 1ULL << (b & 63);
					npres++;
				}
			}
			if (npres < 2)
				continue;
			/* a random non-empty proper subset of them */
			do {
				memset(set, 0, sizeof(set));
				for (size_t b = 1; b < 256; b++)
					if (((present[b >> 6] >> (b & 63)) &
						1) &&
					    (prng_next(&g->rng) >> 63))
						set[b >> 6] |= 1ULL << (b & 63);
			} while (
			    (set[0] | set[1] | set[2] | set[3]) == 0 ||
			    (set[0] == present[0] && set[1] == present[1] &&
				set[2] == present[2] && set[3] == present[3]));
			for (int w = 0; w < 4; w++)
				nset += (size_t)__builtin_popcountll(set[w]);
			fleft = (double)nset / (double)npres;
		} else {
			size_t m = 0;

			for (size_t i = 0; i < n; i++) {
				double v = colval(ds, f, idx[i]);

				if (isnan(v))
					nmiss++;
				else {
					if (v < lo)
						lo = v;
					if (v > hi)
						hi = v;
					g->sv[m++] = v;
				}
			}
			if (!(lo < hi))
				continue;
			if (g->j->p->split == IFOREST_SPLIT_POOLED) {
				size_t at;

				qsort(g->sv, m, sizeof(double), cmp_double);
				at = iforest_pooled_split(g->sv, m);
				thr = g->sv[at - 1] +
				      prng_uniform(&g->rng) *
					  (g->sv[at] - g->sv[at - 1]);
				if (thr >= g->sv[at])
					thr = g->sv[at - 1];
			} else {
				thr = lo + prng_uniform(&g->rng) * (hi - lo);
				if (thr >= hi)
					thr = lo;
			}
			fleft = (thr - lo) / (hi - lo);
		}
		/* partition the non-missing rows; missing ones follow */
		for (size_t i = 0; i < n; i++) {
			size_t r = idx[i];
			bool l;

			if (cat) {
				uint8_t b = ds->bins[r * nf + f];

				if (b == 0)
					continue;
				l = (set[b >> 6] >> (b & 63)) & 1;
			} else {
				double v = colval(ds, f, r);

				if (isnan(v))
					continue;
				l = v <= thr;
			}
			if (l)
				nl++;
		}
		dleft = nl >= n - nmiss - nl;
		{
			size_t a = 0, b = n;

			while (a < b) {
				size_t r = idx[a];
				bool l;

				if (cat) {
					uint8_t bb = ds->bins[r * nf + f];

					l = bb == 0
						? dleft
						: (set[bb >> 6] >> (bb & 63)) &
						      1;
				} else {
					double v = colval(ds, f, r);

					l = isnan(v) ? dleft : v <= thr;
				}
				if (l)
					a++;
				else {
					idx[a] = idx[--b];
					idx[b] = r;
				}
			}
			mid = a;
		}
		if (mid == 0 || mid == n)
			continue;
		{
			struct fnode *nd = &g->t->node[id];
			int32_t l, r;

			nd->feat = (uint16_t)f;
			nd->dleft = dleft;
			if (cat) {
				uint32_t si;
				uint64_t *s = forest_tree_add_set(g->t, &si);

				/* categories not in the sample follow dleft */
				memcpy(s, set, sizeof(set));
				if (dleft)
					for (int w = 0; w < 4; w++)
						s[w] |= ~present[w] &
							~(w == 0 ? 1ULL : 0);
				nd = &g->t->node[id];
				nd->kind = FNODE_CATEGORICAL;
				nd->aux = si;
			} else {
				nd->kind = FNODE_NUMERIC;
				nd->thr = thr;
			}
			l = igrow_node(g, idx, mid, depth + 1,
			    adj + iforest_adj_step(mid, n, fleft));
			r = igrow_node(g, idx + mid, n - mid, depth + 1,
			    adj + iforest_adj_step(n - mid, n, 1 - fleft));
			g->t->node[id].left = l;
			g->t->node[id].right = r;
		}
		return id;
	}
	g->t->node[id].kind = FNODE_LEAF;
	return id;
}

static void
itrain_tree(size_t ti, int thread, void *arg)
{
	(void)thread;
	const struct ijob *j = arg;
	struct igrow g = {.j = j, .t = &j->f->tree[ti]};
	size_t n = j->p->psi < j->nsel ? j->p->psi : j->nsel;
	size_t *idx = xcalloc(n ? n : 1, sizeof(*idx));
	uint8_t *seen = xcalloc(j->nsel ? j->nsel : 1, 1);

	prng_init(&g.rng, j->p->seed * 0x9E3779B97F4A7C15ULL + ti + 1);
	g.perm = xcalloc(j->ds->nfeat + 1, sizeof(size_t));
	g.sv = xcalloc(n ? n : 1, sizeof(double));
	/* n distinct rows (Floyd) */
	for (size_t i = j->nsel - n, k = 0; i < j->nsel; i++, k++) {
		size_t r = prng_below(&g.rng, i + 1);

		if (seen[r])
			r = i;
		seen[r] = 1;
		idx[k] = j->rows ? j->rows[r] : r;
	}
	igrow_node(&g, idx, n, 0, 0);
	free(g.sv);
	free(idx);
	free(seen);
	free(g.perm);
}

/*
 * Train an isolation forest on the rows rows[0..nsel) of ds (all rows
 * when rows is NULL); ds must be binned.  Returns a new forest (caller
 * frees with forest_free()).
 */
struct forest *
iforest_train(const struct dataset *ds, const uint32_t *rows, size_t nsel,
    const struct iforest_params *p)
{
	struct forest *f = xcalloc(1, sizeof(*f));
	struct ijob j = {.ds = ds, .rows = rows, .p = p, .f = f};
	size_t psi;

	j.nsel = rows ? nsel : ds->nrows;
	psi = p->psi < j.nsel ? p->psi : j.nsel;
	if (psi < 2)
		psi = 2;
	j.limit =
	    p->max_depth > 0 ? p->max_depth : (int)ceil(log2((double)psi));
	if (j.limit > FOREST_MAX_DEPTH)
		j.limit = FOREST_MAX_DEPTH;
	f->kind = FOREST_ISOLATION;
	f->nfeat = ds->nfeat;
	f->nclass = 1;
	f->psi = psi;
	f->cpsi = forest_c((double)psi);
	f->ntrees = (size_t)p->trees;
	f->tree = xcalloc(f->ntrees, sizeof(*f->tree));
	f->nbins = xcalloc(f->nfeat + 1, sizeof(*f->nbins));
	memcpy(f->nbins, ds->nbins, f->nfeat * sizeof(*f->nbins));
	forest_run_threads(p->threads, f->ntrees, itrain_tree, &j, p->progress,
	    p->progress_arg);
	forest_compile(f);
	return f;
}
