/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * NAB scoring.  Rows are kept per windows-file key as they come (any
 * order of keys); nab_finish() puts each series in time order (stable),
 * turns its windows into row ranges and lays the scored rows of every
 * series out in key order, each with its window (or -1) and unweighted
 * value, which is what the sweep and the fixed-threshold scorer read.
 * Sums are taken in the same order as NAB's own code takes them, so that
 * the scores agree to the last bits, not just to 1e-6.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

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

struct nab_series {
	const struct windows_key *wk;
	struct nab_row *rows;
	size_t n, cap;
	size_t first;	    /* first scored row */
	size_t (*win)[2];   /* row ranges of the non-empty windows */
	size_t nwin, empty; /* non-empty windows, empty ones */
	size_t win0;	    /* its first window's global index */
	size_t off;	    /* its first scored row in the sweep arrays */
};

struct nab {
	const struct windows *ws;
	struct nab_series *all; /* one per windows key */
	struct nab_series **s;	/* those with rows, in key order */
	size_t ns;
	size_t nrows;		   /* every row added */
	struct keymap *unlabelled; /* key -> rows of keys without windows */
	/* scored rows of every series, in key then time order */
	double *x, *val;
	int32_t *w; /* global window index, or -1 */
	size_t n;
	uint32_t *order; /* x ranked, highest first */
	bool *scorable;	 /* per global window */
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

	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 1024;
		s->rows = xreallocarray(s->rows, s->cap, sizeof(*s->rows));
	}
	s->rows[s->n].t = t_ms;
	s->rows[s->n].x = score;
	s->n++;
	nb->nrows++;
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
sort_by_time(struct nab_row *r, size_t n)
{
	struct nab_row *tmp = xreallocarray(NULL, n, sizeof(*tmp));

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
	free(tmp);
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

/* Time order, probation, windows as row ranges. */
static void
prepare(struct nab_series *s)
{
	size_t prob;

	for (size_t i = 1; i < s->n; i++)
		if (s->rows[i].t < s->rows[i - 1].t) {
			sort_by_time(s->rows, s->n);
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
		nb->x[j] = s->rows[i].x;
		if (nb->x[j] > nb->max_x)
			nb->max_x = nb->x[j];
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
 * No more rows: order each series by time, map its windows, rank the
 * scores.  Series without rows take no part (their windows count
 * neither as found nor as missed).
 */
void
nab_finish(struct nab *nb)
{
	size_t cap = 0;

	nb->s = xcalloc(nb->ws->n ? nb->ws->n : 1, sizeof(*nb->s));
	for (size_t i = 0; i < nb->ws->n; i++) {
		struct nab_series *s = &nb->all[i];

		if (s->n == 0)
			continue;
		prepare(s);
		s->win0 = nb->nwin;
		nb->nwin += s->nwin;
		cap += s->n - s->first;
		nb->s[nb->ns++] = s;
	}
	nb->x = xreallocarray(NULL, cap ? cap : 1, sizeof(*nb->x));
	nb->val = xreallocarray(NULL, cap ? cap : 1, sizeof(*nb->val));
	nb->w = xreallocarray(NULL, cap ? cap : 1, sizeof(*nb->w));
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
	nb->order = xreallocarray(NULL, nb->n ? nb->n : 1, sizeof(*nb->order));
	rank_desc(nb->x, nb->n, nb->order);
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

/*
 * The best threshold for profile p: the candidate (every distinct score
 * of a scored row, and "nothing fires", 1.1 or just above the highest
 * score) of the highest raw score, the highest threshold among equals.
 * One pass over the ranked scores; a window's value changes only when an
 * earlier row of it is reached.
 */
double
nab_optimize(const struct nab *nb, const struct nab_profile *p)
{
	double *best =
	    xreallocarray(NULL, nb->nwin ? nb->nwin : 1, sizeof(*best));
	double total = 0, best_raw, best_thr = NAB_NONE_THRESHOLD;
	size_t k = 0;

	for (size_t w = 0; w < nb->nwin; w++) {
		best[w] = nb->scorable[w] ? -p->fn : 0.0;
		total += best[w];
	}
	if (nb->n > 0 && nb->max_x >= NAB_NONE_THRESHOLD)
		best_thr = nextafter(nb->max_x, INFINITY);
	best_raw = total;
	while (k < nb->n) {
		double x = nb->x[nb->order[k]];

		for (; k < nb->n && nb->x[nb->order[k]] == x; k++) {
			size_t j = nb->order[k];
			int32_t w = nb->w[j];

			if (w < 0) {
				total += p->fp * nb->val[j];
			} else {
				double v = p->tp * nb->val[j];

				if (v > best[w]) {
					total += v - best[w];
					best[w] = v;
				}
			}
		}
		if (total > best_raw) {
			best_raw = total;
			best_thr = x;
		}
	}
	free(best);
	return best_thr;
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
			bool hit = nb->x[j] >= threshold;

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

				if (nb->x[j] >= threshold) {
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
	for (size_t i = 0; i < nb->ws->n; i++) {
		free(nb->all[i].rows);
		free(nb->all[i].win);
	}
	free(nb->all);
	free(nb->s);
	keymap_free(nb->unlabelled);
	free(nb->x);
	free(nb->val);
	free(nb->w);
	free(nb->order);
	free(nb->scorable);
	free(nb);
}
