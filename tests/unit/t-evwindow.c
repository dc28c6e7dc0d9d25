/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/evwindow: tumbling and sliding windows against a
 * naive count over every event (records, flagged, max of the flagged,
 * max of all, sum and count of values), closing order and
 * time, negative times, sizes that are not a multiple of the slide, gaps.
 */
#include <math.h>
#include <stdlib.h>

#include "alert/evwindow.h"
#include "base/prng.h"
#include "tap.h"

#define N 3000
#define MAXW 20000

static struct evwindow_sum got[MAXW];
static size_t ngot;
static int64_t closed_at[MAXW], now;

static int
collect(const struct evwindow_sum *w, void *arg)
{
	(void)arg;
	if (ngot < MAXW) {
		closed_at[ngot] = now;
		got[ngot++] = *w;
	}
	return 0;
}

static int
stop(const struct evwindow_sum *w, void *arg)
{
	(void)w;
	(*(int *)arg)++;
	return 7;
}

static int64_t ts[N];
static bool flag[N], hasv[N];
static double val[N];

static int64_t
fdiv(int64_t a, int64_t b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* Run the events through windows (size, slide) and compare. */
static int
compare(int64_t size, int64_t slide)
{
	struct evwindow w;
	struct time_form form = {.kind = TIME_EPOCH_MS};
	size_t next = 0;
	int good = 1;

	ngot = 0;
	evwindow_init(&w, size, slide);
	for (size_t i = 0; i < N; i++) {
		now = ts[i];
		evwindow_advance(&w, ts[i], collect, NULL);
		form.offset_min = (int)i;
		evwindow_add(&w, ts[i], &form, flag[i], hasv[i], val[i]);
	}
	now = INT64_MAX;
	evwindow_flush(&w, collect, NULL);
	evwindow_release(&w);
	/* Every k with an event, in increasing k. */
	for (int64_t k = fdiv(ts[0] - size, slide) + 1;
	     k <= fdiv(ts[N - 1], slide); k++) {
		size_t rec = 0, fl = 0, lastev = 0, nv = 0;
		double mx = -INFINITY, mxa = -INFINITY, sum = 0;
		bool hm = false;

		for (size_t i = 0; i < N; i++)
			if (ts[i] >= k * slide && ts[i] < k * slide + size) {
				rec++;
				fl += flag[i];
				if (hasv[i] && flag[i] && val[i] > mx)
					mx = val[i];
				if (hasv[i] && val[i] > mxa)
					mxa = val[i];
				if (hasv[i]) {
					sum += val[i];
					nv++;
				}
				hm |= hasv[i] && flag[i];
				lastev = i;
			}
		if (rec == 0)
			continue;
		if (next >= ngot) {
			good = 0;
			break;
		}
		{
			const struct evwindow_sum *g = &got[next++];

			if (g->k != k || g->start != k * slide ||
			    g->end != k * slide + size || g->records != rec ||
			    g->flagged != fl || g->has_max != hm ||
			    (hm && g->max != mx) ||
			    g->has_max_all != (nv > 0) ||
			    (nv > 0 && g->max_all != mxa) || g->nvalues != nv ||
			    fabs(g->sum - sum) > 1e-9 * (1 + fabs(sum)) ||
			    g->form.offset_min != (int)lastev ||
			    closed_at[next - 1] < g->end) {
				if (good)
					printf("# window k=%lld differs\n",
					    (long long)k);
				good = 0;
			}
		}
	}
	return good && next == ngot;
}

int
main(void)
{
	struct evwindow w;
	struct time_form form = {0};
	struct prng rng;
	int calls = 0;

	ok(evwindow_open_max(60000, 60000) == 1 &&
		evwindow_open_max(60000, 10000) == 6 &&
		evwindow_open_max(5, 3) == 2 && evwindow_open_max(1, 7) == 1,
	    "open windows: ceil(size / slide)");

	/* Hand case: tumbling 10, events 3, 7 (flagged), 12, 25. */
	evwindow_init(&w, 10, 10);
	ngot = 0;
	ok(evwindow_advance(&w, 0, collect, NULL) == 0 && ngot == 0,
	    "advance before any event: nothing");
	evwindow_add(&w, 3, &form, false, true, 1.5);
	evwindow_advance(&w, 7, collect, NULL);
	evwindow_add(&w, 7, &form, true, false, 99);
	ok(ngot == 0, "window [0,10) open at 7");
	now = 10;
	evwindow_advance(&w, 10, collect, NULL);
	ok(ngot == 1 && got[0].start == 0 && got[0].end == 10 &&
		got[0].records == 2 && got[0].flagged == 1 && !got[0].has_max &&
		got[0].max_all == 1.5 && got[0].has_max_all &&
		got[0].nvalues == 1 && got[0].sum == 1.5,
	    "an event at 10 closes [0,10): 2 records, 1 flagged without a "
	    "value: no max; max_all and sum 1.5 (a value without "
	    "has_value ignored)");
	evwindow_add(&w, 12, &form, false, false, 0);
	evwindow_advance(&w, 25, collect, NULL);
	ok(ngot == 2 && got[1].start == 10 && got[1].records == 1 &&
		!got[1].has_max && !got[1].has_max_all && got[1].nvalues == 0,
	    "[10,20) closed by 25: no value, no max");
	evwindow_add(&w, 25, &form, true, true, -3);
	ok(evwindow_flush(&w, collect, NULL) == 0 && ngot == 3 &&
		got[2].start == 20 && got[2].max == -3 && got[2].flagged == 1,
	    "flush closes [20,30) with max -3");
	ok(evwindow_flush(&w, collect, NULL) == 0 && ngot == 3,
	    "a second flush: nothing");
	evwindow_release(&w);

	/* The callback's error is returned, the windows closed anyway. */
	evwindow_init(&w, 10, 5);
	evwindow_add(&w, 1, &form, false, false, 0);
	evwindow_add(&w, 6, &form, false, false, 0);
	ok(evwindow_advance(&w, 100, stop, &calls) == 7 && calls == 1,
	    "advance: fn's error returned, fn not called again");
	ok(evwindow_flush(&w, stop, &calls) == 0 && calls == 1,
	    "those windows are closed");
	evwindow_release(&w);

	/* Random events vs the naive count. */
	prng_init(&rng, 23);
	ts[0] = -50000;
	for (size_t i = 0; i < N; i++) {
		if (i > 0)
			ts[i] = ts[i - 1] + (int64_t)prng_below(&rng, 300) +
				(prng_below(&rng, 200) == 0 ? 100000 : 0);
		flag[i] = prng_below(&rng, 4) == 0;
		hasv[i] = prng_below(&rng, 5) != 0;
		val[i] = prng_normal(&rng);
	}
	ok(compare(1000, 1000), "tumbling 1 s: windows match the naive count");
	ok(compare(10000, 1000), "sliding 10 s by 1 s: match");
	ok(compare(5000, 3000), "size 5 s, slide 3 s: match");
	ok(compare(1000, 3000), "size 1 s, slide 3 s (gaps between): match");
	ok(compare(1, 1), "1 ms windows: match");
	ok(ngot > 1000, "and there were %zu of those", ngot);
	return tap_done();
}
