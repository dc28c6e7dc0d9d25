/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Columnar training data and its binning (see dataset.h).  Numeric bin
 * edges are midpoints between distinct values at (approximate) quantiles
 * of a sample of at most 200,000 values, so binning costs a sort of the
 * sample and a binary search per value.  Categories are renumbered by
 * falling frequency; when there are more than max_bins of them the rarest
 * share the last bin.
 */
#include <assert.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/ad.h"
#include "forest/dataset.h"

#define SAMPLE_MAX 200000

/* New empty data set over schema fs (borrowed, may still grow). */
struct dataset *
dataset_new(struct featset *fs)
{
	struct dataset *ds = xcalloc(1, sizeof(*ds));

	ds->fs = fs;
	return ds;
}

/* Free ds; NULL is a no-op. */
void
dataset_free(struct dataset *ds)
{
	if (ds == NULL)
		return;
	for (size_t i = 0; i < ds->ncols; i++)
		free(ds->col[i]);
	free(ds->col);
	if (ds->edges != NULL)
		for (size_t i = 0; i < ds->nfeat; i++)
			free(ds->edges[i]);
	free(ds->edges);
	free(ds->nbins);
	free(ds->bins);
	free(ds->y);
	free(ds->group);
	keymap_free(ds->gids);
	free(ds);
}

/*
 * Record a group for every row from now on: the value of field (borrowed,
 * it must outlive ds), which the reader passes to dataset_set_group().
 */
void
dataset_group_by(struct dataset *ds, const char *field)
{
	ds->group_field = field;
	if (ds->gids == NULL)
		ds->gids = keymap_new(SIZE_MAX, NULL, NULL);
}

/*
 * The group of the row just added: value (len bytes, not terminated),
 * numbered from 0 in order of first appearance.
 */
void
dataset_set_group(struct dataset *ds, const char *value, size_t len)
{
	char *key = xstrndup(value, len);
	void *v = keymap_get(ds->gids, key);

	assert(ds->nrows > 0);
	if (v == NULL) {
		v = (void *)(uintptr_t)(++ds->ngroups);
		keymap_put(ds->gids, key, v);
	}
	free(key);
	if (ds->gcap < ds->cap) {
		ds->gcap = ds->cap;
		ds->group =
		    xreallocarray(ds->group, ds->gcap, sizeof(uint32_t));
	}
	ds->group[ds->nrows - 1] = (uint32_t)((uintptr_t)v - 1);
}

/*
 * Append a row: x holds ds->fs->n values (features added since the last
 * row get a new column, missing in the earlier rows), y its class.
 */
void
dataset_add(struct dataset *ds, const double *x, uint8_t y)
{
	if (ds->nrows == ds->cap) {
		ds->cap = ds->cap ? 2 * ds->cap : 4096;
		for (size_t i = 0; i < ds->ncols; i++)
			ds->col[i] =
			    xreallocarray(ds->col[i], ds->cap, sizeof(double));
		ds->y = xrealloc(ds->y, ds->cap);
	}
	while (ds->ncols < ds->fs->n) {
		ds->col =
		    xreallocarray(ds->col, ds->ncols + 1, sizeof(*ds->col));
		ds->col[ds->ncols] =
		    xreallocarray(NULL, ds->cap, sizeof(double));
		for (size_t r = 0; r < ds->nrows; r++)
			ds->col[ds->ncols][r] = FEATSET_MISSING;
		ds->ncols++;
	}
	for (size_t i = 0; i < ds->ncols; i++)
		ds->col[i][ds->nrows] = x[i];
	ds->y[ds->nrows++] = y;
}

static uint64_t
mix(double v)
{
	uint64_t h;

	memcpy(&h, &v, 8);
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 33);
}

struct dv {
	double v;
	size_t n;
};

static int
cmp_dv(const void *a, const void *b)
{
	double x = ((const struct dv *)a)->v, y = ((const struct dv *)b)->v;

	return x < y ? -1 : x > y;
}

/*
 * Edges for one numeric column: count the distinct values of a sample
 * in a hash table, sort only those (columns of connection records hold
 * few distinct values), and cut at quantiles of the counts.
 */
static void
numeric_edges(struct dataset *ds, size_t f, int max_bins)
{
	const double *c = ds->col[f];
	size_t step = ds->nrows > SAMPLE_MAX ? ds->nrows / SAMPLE_MAX + 1 : 1;
	size_t cap = 1024, nd = 0, n = 0, ne = 0;
	struct dv *tab = xcalloc(cap, sizeof(*tab));
	uint8_t *used = xcalloc(cap, 1);
	double *e = xreallocarray(NULL, (size_t)max_bins, sizeof(double));

	for (size_t r = 0; r < ds->nrows; r += step) {
		double v = c[r];
		uint64_t h;
		size_t k;

		if (isnan(v))
			continue;
		if (v == 0)
			v = 0; /* -0 and 0 are one value */
		n++;
		h = mix(v);
		for (k = h & (cap - 1); used[k] && tab[k].v != v;
		     k = (k + 1) & (cap - 1))
			;
		if (used[k]) {
			tab[k].n++;
			continue;
		}
		used[k] = 1;
		tab[k].v = v;
		tab[k].n = 1;
		if (2 * ++nd > cap) {
			size_t ocap = cap;
			struct dv *ot = tab;
			uint8_t *ou = used;

			cap *= 4;
			tab = xcalloc(cap, sizeof(*tab));
			used = xcalloc(cap, 1);
			for (size_t i = 0; i < ocap; i++) {
				if (!ou[i])
					continue;
				h = mix(ot[i].v);
				for (k = h & (cap - 1); used[k];
				     k = (k + 1) & (cap - 1))
					;
				used[k] = 1;
				tab[k] = ot[i];
			}
			free(ot);
			free(ou);
		}
	}
	/* compact and sort the distinct values */
	nd = 0;
	for (size_t i = 0; i < cap; i++)
		if (used[i])
			tab[nd++] = tab[i];
	qsort(tab, nd, sizeof(*tab), cmp_dv);
	if (nd <= (size_t)max_bins) {
		for (size_t i = 1; i < nd; i++)
			e[ne++] = tab[i - 1].v + (tab[i].v - tab[i - 1].v) / 2;
	} else {
		/* cut after the value where the running count passes the next
		 * quantile, so a heavy value gets a bin of its own */
		double per = (double)n / max_bins, run = 0;

		for (size_t i = 0; i + 1 < nd && ne + 1 < (size_t)max_bins;
		     i++) {
			run += (double)tab[i].n;
			if (run >= per * (double)(ne + 1))
				e[ne++] =
				    tab[i].v + (tab[i + 1].v - tab[i].v) / 2;
		}
	}
	for (size_t i = 0; i < ne; i++) /* a midpoint may round up */
		if (i > 0 && e[i] <= e[i - 1])
			e[i] = e[i - 1];
	ds->edges[f] = e;
	ds->nbins[f] = (uint16_t)(ne + 2);
	free(tab);
	free(used);
}

/* Categories by falling frequency, the rarest sharing the last bin. */
static void
categorical_bins(struct dataset *ds, size_t f, int max_bins)
{
	struct feature *ft = &ds->fs->f[f];
	size_t nc = ft->ncat;
	size_t *count = xcalloc(nc + 1, sizeof(*count));
	size_t *order = xcalloc(nc + 1, sizeof(*order));
	size_t *newof = xcalloc(nc + 1, sizeof(*newof));
	double *c = ds->col[f];

	for (size_t r = 0; r < ds->nrows; r++)
		if (!isnan(c[r]) && c[r] >= 0)
			count[(size_t)c[r]]++;
	for (size_t i = 0; i < nc; i++)
		order[i] = i;
	/* stable insertion sort by count, descending: nc is small */
	for (size_t i = 1; i < nc; i++) {
		size_t o = order[i], j = i;

		while (j > 0 && count[order[j - 1]] < count[o]) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = o;
	}
	for (size_t i = 0; i < nc; i++)
		newof[order[i]] = i;
	featset_cat_reorder(ft, order);
	for (size_t r = 0; r < ds->nrows; r++)
		if (!isnan(c[r]) && c[r] >= 0)
			c[r] = (double)newof[(size_t)c[r]];
	ds->nbins[f] =
	    (uint16_t)(nc + 1 > (size_t)max_bins + 1 ? (size_t)max_bins + 1
						     : nc + 1);
	if (ds->nbins[f] < 2)
		ds->nbins[f] = 2;
	free(count);
	free(order);
	free(newof);
}

/* Bin of value v of feature f (after dataset_bin()). */
uint8_t
dataset_bin_value(const struct dataset *ds, size_t f, double v)
{
	size_t nb = ds->nbins[f];

	if (isnan(v))
		return 0;
	if (ds->fs->f[f].kind == FEATURE_CATEGORICAL) {
		if (v < 0)
			return 0;
		return (uint8_t)((size_t)v + 1 < nb ? (size_t)v + 1 : nb - 1);
	}
	{
		const double *e = ds->edges[f];
		size_t lo = 0, hi = nb - 2; /* first edge >= v */

		while (lo < hi) {
			size_t mid = (lo + hi) / 2;

			if (e[mid] < v)
				lo = mid + 1;
			else
				hi = mid;
		}
		return (uint8_t)(lo + 1);
	}
}

struct binjob {
	struct dataset *ds;
	size_t first, step;
	int max_bins;
};

static void *
bin_columns(void *arg)
{
	struct binjob *j = arg;
	struct dataset *ds = j->ds;

	for (size_t f = j->first; f < ds->nfeat; f += j->step) {
		if (ds->fs->f[f].kind == FEATURE_NUMERIC)
			numeric_edges(ds, f, j->max_bins);
		for (size_t r = 0; r < ds->nrows; r++)
			ds->bins[r * ds->nfeat + f] =
			    dataset_bin_value(ds, f, ds->col[f][r]);
	}
	return NULL;
}

/*
 * Compute bins for every feature (max_bins value bins at most, 2..255)
 * and the row-major bin matrix, on up to threads threads.
 */
void
dataset_bin(struct dataset *ds, int max_bins, int threads)
{
	struct binjob job[16];
	pthread_t tid[16];
	int nt = threads < 1 ? 1 : threads > 16 ? 16 : threads;

	/* rows read before the last feature appeared lack its column */
	if (ds->ncols < ds->fs->n) {
		double *x = xreallocarray(NULL, ds->fs->n, sizeof(double));

		for (size_t i = 0; i < ds->fs->n; i++)
			x[i] = FEATSET_MISSING;
		if (ds->nrows == 0) {
			dataset_add(ds, x, 0);
			ds->nrows = 0;
		} else {
			/* grow columns by adding and dropping a dummy row */
			for (size_t i = 0; i < ds->ncols; i++)
				x[i] = ds->col[i][ds->nrows - 1];
			ds->nrows--;
			dataset_add(ds, x, ds->y[ds->nrows]);
		}
		free(x);
	}
	ds->nfeat = ds->fs->n;
	ds->nbins = xcalloc(ds->nfeat + 1, sizeof(*ds->nbins));
	ds->edges = xcalloc(ds->nfeat + 1, sizeof(*ds->edges));
	for (size_t f = 0; f < ds->nfeat; f++) {
		if (ds->fs->f[f].kind == FEATURE_CATEGORICAL)
			categorical_bins(ds, f, max_bins);
	}
	ds->bins = xreallocarray(
	    NULL, ds->nrows ? ds->nrows : 1, ds->nfeat ? ds->nfeat : 1);
	bool started[16] = {false};

	for (int t = 0; t < nt; t++)
		job[t] = (struct binjob){ds, (size_t)t, (size_t)nt, max_bins};
	for (int t = 1; t < nt; t++)
		started[t] =
		    pthread_create(&tid[t], NULL, bin_columns, &job[t]) == 0;
	bin_columns(&job[0]);
	for (int t = 1; t < nt; t++) {
		if (started[t])
			pthread_join(tid[t], NULL);
		else
			bin_columns(&job[t]); /* no thread: do it here */
	}
	ds->binned = true;
}
