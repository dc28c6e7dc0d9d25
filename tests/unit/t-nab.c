/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/eval/nab: a hand-computed series, the probation
 * period (15%, capped at 750 rows), windows in the probation period,
 * empty windows, rows out of time order, and the sweep's best threshold
 * against a brute force over every candidate with the direct scorer.
 */
#include <stdlib.h>
#include <string.h>

#include "base/prng.h"
#include "eval/nab.h"
#include "tap.h"

static double
sig(double y)
{
	return y > 3 ? -1 : 2 / (1 + exp(5 * y)) - 1;
}

static struct window *
win(int64_t from, int64_t to)
{
	struct window *w = malloc(sizeof(*w));

	w->from = from;
	w->to = to;
	w->line = 1;
	return w;
}

/* One key "k" with the windows given (taken over). */
static void
one_key(struct windows *ws, struct window *w, size_t n)
{
	memset(ws, 0, sizeof(*ws));
	ws->keys = calloc(1, sizeof(*ws->keys));
	ws->keys[0].key = strdup("k");
	ws->keys[0].keylen = 1;
	ws->keys[0].w = w;
	ws->keys[0].n = n;
	ws->n = 1;
	ws->nwindows = n;
}

static void
hand_computed(void)
{
	struct windows ws;
	struct nab *nb;
	struct nab_result r;
	struct nab_key_result kr;
	double tp = sig(-0.6) / sig(-1), raw;

	/* 20 rows a minute apart, window rows 10..14 */
	one_key(&ws, win(10 * 60000, 14 * 60000), 1);
	nb = nab_new(&ws);
	/* backwards: the scorer puts the rows in time order */
	for (int i = 19; i >= 0; i--)
		nab_add(nb, 0, i * 60000,
		    i == 5    ? 0.9
		    : i == 12 ? 1
		    : i == 17 ? 0.8
			      : 0);
	nab_finish(nb);
	nab_score_at(nb, &nab_profiles[0], 0.5, &r, &kr);
	raw = tp - 0.11 + 0.11 * sig(3.0 / 4);
	is_near(r.raw, raw, 1e-15, "standard raw: tp + two weighted fps");
	is_near(r.score, 100 * (raw + 1) / 2, 1e-12, "standard score");
	ok(r.tp == 1 && r.fp == 2 && r.fn == 0 && r.rows_tp == 1 &&
		r.rows_fn == 4 && r.rows_fp == 2 && r.rows_tn == 10,
	    "counts");
	ok(kr.rows == 20 && kr.probation == 3 && kr.found == 1 &&
		kr.delay_rows == 2 && kr.delay_ms == 120000,
	    "per-key delay");
	nab_score_at(nb, &nab_profiles[2], 0.5, &r, NULL);
	is_near(r.score, 100 * (raw + 2) / 3, 1e-12, "low-FN normalisation");
	ok(nab_optimize(nb, &nab_profiles[0]) == 1, "best threshold 1");
	ok(nab_optimize(nb, &nab_profiles[1]) == 1, "low FP: 1 as well");
	nab_score_at(nb, &nab_profiles[0], 1.1, &r, NULL);
	ok(r.score == 0 && r.raw == -1, "nothing fires: 0");
	nab_free(nb);
	windows_release(&ws);
}

static void
probation(void)
{
	size_t sizes[] = {6000, 5000, 4999, 20, 6, 1};
	size_t want[] = {750, 750, 749, 3, 0, 0};

	for (size_t c = 0; c < 6; c++) {
		struct windows ws;
		struct nab *nb;
		struct nab_result r;
		struct nab_key_result kr;

		/* a window on the last probation row only and one after */
		one_key(&ws, win(0, 0), 1);
		if (want[c] > 0)
			ws.keys[0].w[0].from = ws.keys[0].w[0].to =
			    (int64_t)want[c] - 1;
		nb = nab_new(&ws);
		for (size_t i = 0; i < sizes[c]; i++)
			nab_add(nb, 0, (int64_t)i, 1);
		nab_finish(nb);
		nab_score_at(nb, &nab_profiles[0], 0.5, &r, &kr);
		ok(kr.probation == want[c] && kr.windows == (want[c] == 0),
		    "%zu rows: probation %zu, window scored only if after",
		    sizes[c], want[c]);
		ok(r.perfect_raw == 1 && r.null_raw == -(double)kr.windows,
		    "%zu rows: perfect counts every window, null the scored",
		    sizes[c]);
		nab_free(nb);
		windows_release(&ws);
	}
}

static void
empty_window(void)
{
	struct windows ws;
	struct window *w = malloc(2 * sizeof(*w));
	struct nab *nb;
	struct nab_result r;
	struct nab_key_result kr;

	w[0] = (struct window){1000, 2000, 1};
	w[1] = (struct window){5000, 9000, 2};
	one_key(&ws, w, 2);
	nb = nab_new(&ws);
	for (int i = 0; i < 10; i++) /* times 0, 3000, 6000, ... */
		nab_add(nb, 0, i * 3000, i == 2 ? 1 : 0);
	nab_finish(nb);
	nab_score_at(nb, &nab_profiles[0], 0.5, &r, &kr);
	ok(kr.empty_windows == 1 && kr.windows == 1 && r.tp == 1,
	    "a window between rows is empty; the other holds rows 2..3");
	is_near(r.raw, 1.0, 1e-15, "detected at its left edge: 1");
	ok(nab_nwindows(nb) == 1, "only the non-empty window counts");
	nab_free(nb);
	windows_release(&ws);
}

/* The best of every candidate, by the direct scorer. */
static double
brute(const struct nab *nb, const struct nab_profile *p, const double *x,
    size_t n)
{
	double best_t = 1.1, best;
	struct nab_result r;

	nab_score_at(nb, p, 1.1, &r, NULL);
	best = r.raw;
	/* candidates high to low; strictly better wins */
	for (size_t i = 0; i < n; i++) {
		double t = x[i];

		nab_score_at(nb, p, t, &r, NULL);
		if (r.raw > best + 1e-12) {
			best = r.raw;
			best_t = t;
		}
	}
	return best_t;
}

static int
desc(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x < y) - (x > y);
}

static void
sweep_vs_brute(void)
{
	struct prng g;

	bool one_sweep = true, mixed_same = true;

	prng_init(&g, 7);
	for (int trial = 0; trial < 40; trial++) {
		struct windows ws;
		size_t nk = 1 + prng_below(&g, 4), nx = 0, len[4];
		double *x = malloc(4 * 400 * sizeof(*x)), all[NAB_NPROFILES];
		struct nab *nb, *mixed;
		bool same = true;

		memset(&ws, 0, sizeof(ws));
		ws.keys = calloc(nk, sizeof(*ws.keys));
		ws.n = nk;
		for (size_t k = 0; k < nk; k++) {
			char name[32];
			size_t nw = prng_below(&g, 4);
			int64_t t = 0;

			snprintf(name, sizeof(name), "k%zu", k);
			ws.keys[k].key = strdup(name);
			ws.keys[k].keylen = strlen(name);
			ws.keys[k].w = calloc(nw + 1, sizeof(struct window));
			for (size_t w = 0; w < nw; w++) {
				t += 10 + (int64_t)prng_below(&g, 80);
				ws.keys[k].w[w].from = t;
				t += (int64_t)prng_below(&g, 30);
				ws.keys[k].w[w].to = t;
				t++;
			}
			ws.keys[k].n = nw;
		}
		nb = nab_new(&ws);
		mixed = nab_new(&ws);
		for (size_t k = 0; k < nk; k++) {
			size_t n = 50 + prng_below(&g, 350);

			len[k] = n;
			for (size_t i = 0; i < n; i++) {
				/* coarse scores: many ties */
				double s = (double)prng_below(&g, 20) / 19;

				nab_add(nb, k, (int64_t)i, s);
				x[nx++] = s;
			}
		}
		/* the same rows, the keys taking turns */
		for (size_t i = 0, at[4] = {0, 0, 0, 0}, off; i < 400; i++) {
			off = 0;
			for (size_t k = 0; k < nk; k++) {
				if (i < len[k])
					nab_add(mixed, k, (int64_t)i,
					    x[off + at[k]++]);
				off += len[k];
			}
		}
		nab_finish(nb);
		nab_finish(mixed);
		qsort(x, nx, sizeof(*x), desc);
		nab_optimize_all(nb, all);
		for (int p = 0; p < NAB_NPROFILES; p++) {
			double a = nab_optimize(nb, &nab_profiles[p]);
			struct nab_result rm;
			struct nab_key_result ka[4], km[4];
			double b = brute(nb, &nab_profiles[p], x, nx);
			struct nab_result ra, rb;

			nab_score_at(nb, &nab_profiles[p], a, &ra, ka);
			nab_score_at(nb, &nab_profiles[p], b, &rb, NULL);
			same &= fabs(ra.raw - rb.raw) <= 1e-9;
			same &= a == b;
			one_sweep &= all[p] == a;
			mixed_same &=
			    nab_optimize(mixed, &nab_profiles[p]) == a;
			nab_score_at(mixed, &nab_profiles[p], a, &rm, km);
			mixed_same &= memcmp(&rm, &ra, sizeof(rm)) == 0 &&
				      memcmp(km, ka, nk * sizeof(*ka)) == 0;
		}
		ok(same, "trial %d: sweep's best threshold = brute force's",
		    trial);
		free(x);
		nab_free(nb);
		nab_free(mixed);
		windows_release(&ws);
	}
	ok(one_sweep, "nab_optimize_all = nab_optimize of each profile");
	ok(mixed_same, "keys taking turns = keys in runs (thresholds, "
		       "results, per key)");
}

int
main(void)
{
	hand_computed();
	probation();
	empty_window();
	sweep_vs_brute();
	ok(nab_scaled_sigmoid(3.0000001) == -1 && nab_scaled_sigmoid(0) == 0,
	    "sigmoid: -1 beyond 3, 0 at the right edge");
	return tap_done();
}
