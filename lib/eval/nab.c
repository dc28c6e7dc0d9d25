/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * NAB scoring.  Rows are kept in one array as they come, with the runs
 * of one key noted (keys come in runs; any order is allowed); nab_finish()
 * gathers each key's rows together when a key had several runs, puts each
 * series in time order (stable), turns its windows into row ranges and
 * lays the scored rows of every series out in key order, each with its
 * window (or -1) and unweighted value, which is what the sweep and the
 * fixed-threshold scorer read, and ranks their scores once for the sweep.
 * The big arrays are bigalloc ones (huge pages).  Sums are taken in the
 * same order as NAB's own code takes them, so that the scores agree to
 * the last bits, not just to 1e-6.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/bigalloc.h"
#include "base/keymap.h"
#include "eval/nab.h"
#include "eval/rank.h"

const struct nab_profile nab_profiles[NAB_NPROFILES] = {
    {"standard", 1.0, 1.0, 0.11},
    {"reward_low_FP_rate", 1.0, 1.0, 0.22},
    {"reward_low_FN_rate", 1.0, 2.0, 0.11},
};

#define NAB_PROBATION 0.15
#define NAB_PROBATION_CAP 750 /* 15% of 5000 rows */
#define NAB_NONE_THRESHOLD 1.1
#define NAB_SWEEP_BYTES 24 /* val, key, w, order of a scored row */

struct nab_series {
	const struct windows_key *wk;
	struct nab_row *rows; /* in nb->rows, from nab_finish() on */
	size_t n;
	size_t runs;	    /* runs of its rows in the arrival order */
	size_t start;	    /* where its first run starts */
	size_t first;	    /* first scored row */
	size_t (*win)[2];   /* row ranges of the non-empty windows */
	size_t nwin, empty; /* non-empty windows, empty ones */
	size_t win0;	    /* its first window's global index */
	size_t off;	    /* its first scored row in the sweep arrays */
};

/* A run of rows of one key in the arrival order. */
struct nab_run {
	size_t key, len;
};

struct nab {
	const struct windows *ws;
	struct nab_series *all; /* one per windows key */
	struct nab_series **s;	/* those with rows, in key order */
	size_t ns;
	struct nab_row *rows; /* every row added; by key from nab_finish() */
	size_t nrows, rowcap;
	struct nab_run *runs;
	size_t nruns, runcap;
	struct keymap *unlabelled; /* key -> rows of keys without windows */
	/*
	 * Scored rows of every series, in key then time order, in one
	 * block of ncap rows.
	 */
	double *val;
	int32_t *w; /* global window index, or -1 */
	size_t n, ncap;
	/* their scores' rank_key()s ascending, each with its row */
	uint64_t *key;
	uint32_t *order;
	void *block;
	bool *scorable; /* per global window */
	size_t nwin, nscorable;
	double max_x;
};

/*
 * NAB's scaled sigmoid, 2 / (1 + e^(5y)) - 1, and exactly -1 beyond
 * y = 3: 1 (almost) far before a window's end, 0 at its right edge.
 */
double
nab_scaled_sigmoid(double y)
{
	if (y > 3.0)
		return -1.0;
	return 2.0 * (1.0 / (1.0 + exp(5.0 * y))) - 1.0;
}

static void
free_count(const char *key, void *value, void *arg)
{
	(void)key;
	(void)arg;
	free(value);
}

/* A scorer for the keys of ws (borrowed; must outlive the scorer). */
struct nab *
nab_new(const struct windows *ws)
{
	struct nab *nb = xcalloc(1, sizeof(*nb));

	nb->ws = ws;
	nb->unlabelled = keymap_new(0, free_count, NULL);
	nb->all = xcalloc(ws->n ? ws->n : 1, sizeof(*nb->all));
	for (size_t i = 0; i < ws->n; i++)
		nb->all[i].wk = &ws->keys[i];
	return nb;
}

/* Add a row of the series of ws->keys[key]: its time and score. */
void
nab_add(struct nab *nb, size_t key, int64_t t_ms, double score)
{
	struct nab_series *s = &nb->all[key];

	if (nb->nrows == nb->rowcap) {
		size_t cap = nb->rowcap ? 2 * nb->rowcap : 1024;

		nb->rows = bigalloc_array(
		    nb->rows, nb->rowcap, cap, sizeof(*nb->rows));
		nb->rowcap = cap;
	}
	if (nb->nruns == 0 || nb->runs[nb->nruns - 1].key != key) {
		if (nb->nruns == nb->runcap) {
			nb->runcap = nb->runcap ? 2 * nb->runcap : 64;
			nb->runs = xreallocarray(
			    nb->runs, nb->runcap, sizeof(*nb->runs));
		}
		nb->runs[nb->nruns].key = key;
		nb->runs[nb->nruns++].len = 0;
		if (s->runs++ == 0)
			s->start = nb->nrows;
	}
	nb->runs[nb->nruns - 1].len++;
	nb->rows[nb->nrows].t = t_ms;
	nb->rows[nb->nrows].x = score;
	nb->nrows++;
	s->n++;
}

/* Count a row of a key that ws does not name (it takes no part). */
void
nab_add_unlabelled(struct nab *nb, const char *key)
{
	size_t *n = keymap_get(nb->unlabelled, key);

	if (n == NULL) {
		n = xcalloc(1, sizeof(*n));
		keymap_put(nb->unlabelled, key, n);
	}
	(*n)++;
}

struct each {
	void (*fn)(const char *key, size_t n, void *arg);
	void *arg;
};

static void
each_count(const char *key, void *value, void *arg)
{
	struct each *e = arg;

	e->fn(key, *(size_t *)value, e->arg);
}

/* Call fn for each key counted by nab_add_unlabelled(), with its rows. */
void
nab_unlabelled_each(const struct nab *nb,
    void (*fn)(const char *key, size_t n, void *arg), void *arg)
{
	struct each e = {fn, arg};

	keymap_foreach(nb->unlabelled, each_count, &e);
}

/*
 * Stable merge sort of rows by time (qsort() is not stable, and equal
 * times must keep their order of arrival).
 */
static void
sort_by_time(struct nab_row *r, size_t n, struct nab_row *tmp)
{
	for (size_t width = 1; width < n; width *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * width) {
			size_t mid = lo + width < n ? lo + width : n;
			size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
			size_t i = lo, j = mid, k = lo;

			while (i < mid && j < hi)
				tmp[k++] = r[j].t < r[i].t ? r[j++] : r[i++];
			while (i < mid)
				tmp[k++] = r[i++];
			while (j < hi)
				tmp[k++] = r[j++];
		}
		memcpy(r, tmp, n * sizeof(*r));
	}
}

/* First row with time >= t (n when none). */
static size_t
lower(const struct nab_series *s, int64_t t)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->rows[mid].t < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Time order (*tmp: room for longest rows, made at the first need),
 * probation, windows as row ranges.
 */
static void
prepare(struct nab_series *s, struct nab_row **tmp, size_t longest)
{
	size_t prob;

	for (size_t i = 1; i < s->n; i++)
		if (s->rows[i].t < s->rows[i - 1].t) {
			if (*tmp == NULL)
				*tmp = bigalloc_array(
				    NULL, 0, longest, sizeof(**tmp));
			sort_by_time(s->rows, s->n, *tmp);
			break;
		}
	/* min(floor(15% of n), 750), as NAB computes it */
	prob = (size_t)floor(NAB_PROBATION * (double)s->n);
	s->first = prob < NAB_PROBATION_CAP ? prob : NAB_PROBATION_CAP;
	s->win = xreallocarray(NULL, s->wk->n ? s->wk->n : 1, sizeof(*s->win));
	for (size_t k = 0; k < s->wk->n; k++) {
		size_t lo = lower(s, s->wk->w[k].from);
		size_t hi = lower(s, s->wk->w[k].to + 1);

		if (lo >= hi) {
			s->empty++;
			continue;
		}
		s->win[s->nwin][0] = lo;
		s->win[s->nwin][1] = hi - 1;
		s->nwin++;
	}
}

/*
 * Lay out the scored rows of s: each row's window and unweighted value.
 * In a window [lo, hi] of width W, row i is worth
 * sigmoid(-(hi - i + 1) / W) / sigmoid(-1) (1 at the left edge); outside,
 * -1 before any window and sigmoid((i - hi) / (hi - lo)) after one
 * (-1 after a one-row window), NAB dividing by the width less one.
 */
static void
lay_out(struct nab *nb, struct nab_series *s)
{
	const double max_tp = nab_scaled_sigmoid(-1.0);
	size_t w = 0;
	long prev = -1;

	s->off = nb->n;
	for (size_t i = s->first; i < s->n; i++) {
		size_t j = nb->n++;
		double v;

		while (w < s->nwin && s->win[w][1] < i)
			prev = (long)w++;
		nb->key[j] = rank_key(s->rows[i].x);
		nb->order[j] = (uint32_t)j;
		if (s->rows[i].x > nb->max_x)
			nb->max_x = s->rows[i].x;
		if (w < s->nwin && s->win[w][0] <= i) {
			size_t lo = s->win[w][0], hi = s->win[w][1];
			double width = (double)(hi - lo + 1);

			nb->w[j] = (int32_t)(s->win0 + w);
			v = nab_scaled_sigmoid(-(double)(hi - i + 1) / width) /
			    max_tp;
		} else {
			nb->w[j] = -1;
			if (prev < 0) {
				v = -1.0;
			} else {
				size_t lo = s->win[prev][0],
				       hi = s->win[prev][1];
				double span = (double)(hi - lo);

				v = span > 0 ? nab_scaled_sigmoid(
						   (double)(i - hi) / span)
					     : -1.0;
			}
		}
		nb->val[j] = v;
	}
}

/*
 * Point each series at its rows: where its one run lies, or, when some
 * key came in several runs, at its place in a copy of the rows grouped
 * by key (the runs of a key in the arrival order).
 */
static void
group_rows(struct nab *nb)
{
	struct nab_row *g;
	size_t off = 0, at = 0;
	bool split = false;

	for (size_t i = 0; i < nb->ws->n; i++)
		split = split || nb->all[i].runs > 1;
	if (!split) {
		for (size_t i = 0; i < nb->ws->n; i++)
			nb->all[i].rows = nb->rows + nb->all[i].start;
		return;
	}
	g = bigalloc_array(NULL, 0, nb->rowcap, sizeof(*g));
	for (size_t i = 0; i < nb->ws->n; i++) {
		nb->all[i].rows = g + off;
		nb->all[i].start = off; /* the next row's place */
		off += nb->all[i].n;
	}
	for (size_t r = 0; r < nb->nruns; r++) {
		struct nab_series *s = &nb->all[nb->runs[r].key];
		size_t len = nb->runs[r].len;

		memcpy(g + s->start, nb->rows + at, len * sizeof(*g));
		s->start += len;
		at += len;
	}
	bigalloc_free(nb->rows, nb->rowcap * sizeof(*nb->rows));
	nb->rows = g;
}

/*
 * No more rows: order each series by time, map its windows, rank the
 * scores.  Series without rows take no part (their windows count
 * neither as found nor as missed).
 */
void
nab_finish(struct nab *nb)
{
	size_t cap = 0, longest = 0;
	struct nab_row *tmp = NULL;
	char *b;

	group_rows(nb);
	for (size_t i = 0; i < nb->ws->n; i++)
		if (nb->all[i].n > longest)
			longest = nb->all[i].n;
	nb->s = xcalloc(nb->ws->n ? nb->ws->n : 1, sizeof(*nb->s));
	for (size_t i = 0; i < nb->ws->n; i++) {
		struct nab_series *s = &nb->all[i];

		if (s->n == 0)
			continue;
		prepare(s, &tmp, longest);
		s->win0 = nb->nwin;
		nb->nwin += s->nwin;
		cap += s->n - s->first;
		nb->s[nb->ns++] = s;
	}
	bigalloc_free(tmp, longest * sizeof(*tmp));
	cap = cap ? cap : 1;
	nb->ncap = cap;
	/* one block, the 8-byte arrays first: fewer pages to fault in */
	nb->block = b = bigalloc_array(NULL, 0, cap, NAB_SWEEP_BYTES);
	nb->val = (double *)(void *)b;
	nb->key = (uint64_t *)(void *)(b + cap * 8);
	nb->w = (int32_t *)(void *)(b + cap * 16);
	nb->order = (uint32_t *)(void *)(b + cap * 20);
	nb->scorable = xcalloc(nb->nwin ? nb->nwin : 1, sizeof(*nb->scorable));
	nb->max_x = -INFINITY;
	for (size_t i = 0; i < nb->ns; i++) {
		struct nab_series *s = nb->s[i];

		for (size_t k = 0; k < s->nwin; k++)
			if (s->win[k][1] >= s->first) {
				nb->scorable[s->win0 + k] = true;
				nb->nscorable++;
			}
		lay_out(nb, s);
	}
	rank_sort_keys(nb->key, nb->order, nb->n);
}

/* Series with rows (those the scores are over). */
size_t
nab_nkeys(const struct nab *nb)
{
	return nb->ns;
}

/* The key of the i-th series with rows (borrowed), in key order. */
const char *
nab_key(const struct nab *nb, size_t i)
{
	return nb->s[i]->wk->key;
}

/*
 * The rows of the i-th series with rows, in time order (borrowed); *n is
 * set.  Only after nab_finish().
 */
const struct nab_row *
nab_key_rows(const struct nab *nb, size_t i, size_t *n)
{
	*n = nb->s[i]->n;
	return nb->s[i]->rows;
}

/* The windows of the i-th series with rows (borrowed). */
const struct windows_key *
nab_key_windows(const struct nab *nb, size_t i)
{
	return nb->s[i]->wk;
}

/* The probation rows of the i-th series with rows. */
size_t
nab_key_probation(const struct nab *nb, size_t i)
{
	return nb->s[i]->first;
}

/* Whether the key ws->keys[windows_key] got rows. */
bool
nab_has_rows(const struct nab *nb, size_t windows_key)
{
	return nb->all[windows_key].n > 0;
}

/* Rows added. */
size_t
nab_rows(const struct nab *nb)
{
	return nb->nrows;
}

/* Windows holding a row, over the series with rows. */
size_t
nab_nwindows(const struct nab *nb)
{
	return nb->nwin;
}

/* The score of the j-th scored row, as it was given (-0.0 stays -0.0). */
static double
score_of(const struct nab *nb, size_t j)
{
	size_t lo = 0, hi = nb->ns;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (nb->s[mid]->off <= j)
			lo = mid;
		else
			hi = mid;
	}
	return nb->s[lo]->rows[nb->s[lo]->first + (j - nb->s[lo]->off)].x;
}

/*
 * The best thresholds thr[0..np) for the profiles p[0..np) (np at most
 * NAB_NPROFILES): for each, the candidate (every distinct score of a
 * scored row, and "nothing fires", 1.1 or just above the highest score)
 * of the highest raw score, the highest threshold among equals.  One
 * pass over the ranked scores for all of them, each profile's sums taken
 * as in a pass of its own; a window's value changes only when an earlier
 * row of it is reached.
 */
static void
sweep(const struct nab *nb, const struct nab_profile *p, size_t np, double *thr)
{
	size_t nw = nb->nwin ? nb->nwin : 1;
	double *best = xreallocarray(NULL, np * nw, sizeof(*best));
	double total[NAB_NPROFILES], best_raw[NAB_NPROFILES];
	double none = NAB_NONE_THRESHOLD;
	size_t k = 0;

	if (nb->n > 0 && nb->max_x >= NAB_NONE_THRESHOLD)
		none = nextafter(nb->max_x, INFINITY);
	for (size_t q = 0; q < np; q++) {
		double *b = best + q * nw;

		total[q] = 0;
		for (size_t w = 0; w < nb->nwin; w++) {
			b[w] = nb->scorable[w] ? -p[q].fn : 0.0;
			total[q] += b[w];
		}
		best_raw[q] = total[q];
		thr[q] = none;
	}
	while (k < nb->n) {
		uint64_t key = nb->key[k];
		size_t k0 = k;

		for (; k < nb->n && nb->key[k] == key; k++) {
			size_t j = nb->order[k];
			int32_t w = nb->w[j];
			double val = nb->val[j];

			for (size_t q = 0; q < np; q++) {
				double *b = best + q * nw, v;

				if (w < 0) {
					total[q] += p[q].fp * val;
					continue;
				}
				v = p[q].tp * val;
				if (v > b[w]) {
					total[q] += v - b[w];
					b[w] = v;
				}
			}
		}
		for (size_t q = 0; q < np; q++)
			if (total[q] > best_raw[q]) {
				best_raw[q] = total[q];
				thr[q] = score_of(nb, nb->order[k0]);
			}
	}
	free(best);
}

/* The best threshold for profile p (sweep()'s rule). */
double
nab_optimize(const struct nab *nb, const struct nab_profile *p)
{
	double thr;

	sweep(nb, p, 1, &thr);
	return thr;
}

/* The best threshold of each of nab_profiles into thr, in one sweep. */
void
nab_optimize_all(const struct nab *nb, double thr[NAB_NPROFILES])
{
	sweep(nb, nab_profiles, NAB_NPROFILES, thr);
}

/*
 * Score profile p with the rows scored at least threshold as detections:
 * the corpus into *r and, when keys is not NULL, each series with rows
 * into keys[0..nab_nkeys()).
 */
void
nab_score_at(const struct nab *nb, const struct nab_profile *p,
    double threshold, struct nab_result *r, struct nab_key_result *keys)
{
	memset(r, 0, sizeof(*r));
	r->threshold = threshold;
	for (size_t i = 0; i < nb->ns; i++) {
		const struct nab_series *s = nb->s[i];
		struct nab_key_result kr;
		double fp_sum = 0, win_sum = 0;
		size_t w = 0;
		bool hit_in = false;

		memset(&kr, 0, sizeof(kr));
		kr.rows = s->n;
		kr.probation = s->first;
		kr.empty_windows = s->empty;
		for (size_t i2 = s->first; i2 < s->n; i2++) {
			size_t j = s->off + (i2 - s->first);
			bool hit = s->rows[i2].x >= threshold;

			if (nb->w[j] < 0) {
				if (hit) {
					r->rows_fp++;
					kr.fp++;
					fp_sum += p->fp * nb->val[j];
				} else {
					r->rows_tn++;
				}
				continue;
			}
			/* the rows of a window come together, in order */
			if ((size_t)nb->w[j] != s->win0 + w) {
				w = (size_t)nb->w[j] - s->win0;
				hit_in = false;
			}
			if (!hit) {
				r->rows_fn++;
				continue;
			}
			r->rows_tp++;
			if (!hit_in) {
				size_t lo = s->win[w][0];

				hit_in = true;
				kr.delay_rows += (double)(i2 - lo);
				kr.delay_ms +=
				    (double)(s->rows[i2].t - s->rows[lo].t);
			}
		}
		/*
		 * Second pass over the windows, in order, as NAB adds them:
		 * the value of each scorable window.
		 */
		for (size_t k = 0; k < s->nwin; k++) {
			size_t lo = s->win[k][0], hi = s->win[k][1];
			size_t from = lo > s->first ? lo : s->first;
			double v = 0;
			bool found = false;

			if (hi < s->first)
				continue;
			kr.windows++;
			for (size_t i2 = from; i2 <= hi; i2++) {
				size_t j = s->off + (i2 - s->first);

				if (s->rows[i2].x >= threshold) {
					v = p->tp * nb->val[j];
					found = true;
					break;
				}
			}
			if (found) {
				win_sum += v;
				r->tp++;
				kr.found++;
			} else {
				win_sum += -p->fn;
				r->fn++;
			}
		}
		kr.raw = win_sum + fp_sum;
		r->raw += kr.raw;
		if (keys != NULL)
			keys[i] = kr;
	}
	r->fp = r->rows_fp;
	r->null_raw = -p->fn * (double)nb->nscorable;
	r->perfect_raw = p->tp * (double)nb->nwin;
	r->score = r->perfect_raw > r->null_raw
		       ? 100.0 * (r->raw - r->null_raw) /
			     (r->perfect_raw - r->null_raw)
		       : NAN;
}

/* Free nb (NULL is fine). */
void
nab_free(struct nab *nb)
{
	if (nb == NULL)
		return;
	for (size_t i = 0; i < nb->ws->n; i++)
		free(nb->all[i].win);
	free(nb->all);
	free(nb->s);
	keymap_free(nb->unlabelled);
	bigalloc_free(nb->rows, nb->rowcap * sizeof(*nb->rows));
	free(nb->runs);
	bigalloc_free(nb->block, nb->ncap * NAB_SWEEP_BYTES);
	free(nb->scorable);
	free(nb);
}
