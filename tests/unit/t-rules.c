/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/rules, lib/evorder, lib/evwindow and lib/lookback:
 * crafted streams with known answers for every rule and for the alert
 * lifecycle (firing, cooldown, resolve), event-time reordering with
 * lateness, and windowed counts against a brute-force recount.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/evorder.h"
#include "alert/evwindow.h"
#include "alert/lookback.h"
#include "base/prng.h"
#include "alert/rules.h"
#include "tap.h"

#define MIN 60000LL
#define T0 1700000000000LL

/* What the rules emitted: compact JSON lines. */
struct out {
	char *rec[256];
	size_t n;
};

static int
collect(json_t *rec, void *arg)
{
	struct out *o = arg;

	if (o->n < 256)
		o->rec[o->n++] =
		    json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(rec);
	return 0;
}

static void
out_clear(struct out *o)
{
	for (size_t i = 0; i < o->n; i++)
		free(o->rec[i]);
	o->n = 0;
}

static size_t
count_status(const struct out *o, const char *status)
{
	char pat[64];
	size_t n = 0;

	snprintf(pat, sizeof(pat), "\"status\":\"%s\"", status);
	for (size_t i = 0; i < o->n; i++)
		n += strstr(o->rec[i], pat) != NULL;
	return n;
}

static struct evorder_event
event(int64_t ts, bool flag, double value)
{
	struct evorder_event ev = {
	    .ts = ts, .flag = flag, .value = value, .has_value = true};

	ev.form.kind = TIME_EPOCH_MS;
	return ev;
}

/* Feed n events of one key, in order, to a fresh rule set. */
static void
feed(const struct rules_conf *c, const struct evorder_event *ev, size_t n,
    struct out *o)
{
	struct rules *r = rules_new(c);
	struct rules_key *k = rules_key_new(r);

	for (size_t i = 0; i < n; i++)
		rules_feed(r, k, "k", &ev[i], collect, o);
	rules_flush(r, k, "k", collect, o);
	rules_key_free(k);
	rules_free(r);
}

static struct rules_conf
count_conf(long n, int64_t within)
{
	struct rules_conf c = {.when = "mismatch", .field = "value"};

	c.on[RULES_COUNT] = true;
	c.count = n;
	c.within = within;
	return c;
}

/* One point a minute for 40 minutes; flagged at the given minutes. */
static size_t
minutes(struct evorder_event *ev, const int *flagged, size_t nflag)
{
	for (int i = 0; i < 40; i++) {
		bool f = false;

		for (size_t j = 0; j < nflag; j++)
			f = f || flagged[j] == i;
		ev[i] = event(T0 + i * MIN, f, i);
	}
	return 40;
}

static void
test_count(void)
{
	struct rules_conf c = count_conf(3, 10 * MIN);
	struct evorder_event ev[40];
	struct out o = {0};
	static const int in10[] = {5, 9, 15}, in11[] = {5, 9, 16},
			 two[] = {5, 9}, six[] = {5, 6, 7, 8, 9, 10};

	feed(&c, ev, minutes(ev, in10, 3), &o);
	ok(o.n == 1 && count_status(&o, "firing") == 1,
	    "3 mismatches within 10m: exactly one firing");
	ok(o.n == 1 &&
		strstr(o.rec[0], "\"reason\":\"3 mismatches within 10m\""),
	    "count reason text");
	ok(o.n == 1 && strstr(o.rec[0], "\"since\":1700000300000,\"ts\":"
					"1700000900000,\"count\":3,\"max\":15"),
	    "count since/ts/count/max");
	ok(o.n == 1 &&
		strstr(o.rec[0],
		    "\"evidence\":[1700000300000,1700000540000,1700000900000]"),
	    "count evidence: the three times");
	out_clear(&o);
	feed(&c, ev, minutes(ev, in11, 3), &o);
	ok(o.n == 0, "3 mismatches over 11m: no firing");
	out_clear(&o);
	feed(&c, ev, minutes(ev, two, 2), &o);
	ok(o.n == 0, "2 mismatches: no firing");
	out_clear(&o);
	feed(&c, ev, minutes(ev, six, 6), &o);
	ok(o.n == 1,
	    "6 mismatches in a row: one firing, no repeat while it holds");
	out_clear(&o);
}

static void
test_resolve(void)
{
	struct rules_conf c = count_conf(3, 10 * MIN);
	struct evorder_event ev[40];
	struct out o = {0};
	static const int in10[] = {5, 9, 15};

	c.resolve = true;
	c.resolve_after = 15 * MIN;
	/* held at minute 15 only; resolved at 15 + 15 = 30 */
	feed(&c, ev, minutes(ev, in10, 3), &o);
	ok(o.n == 2 && count_status(&o, "resolved") == 1,
	    "resolved once after the quiet period");
	ok(o.n == 2 && strstr(o.rec[1], "\"ts\":1700001800000") != NULL,
	    "resolved exactly resolve-after past the last hold");
	ok(o.n == 2 &&
		strstr(o.rec[1],
		    "\"reason\":\"3 mismatches within 10m: not held for 15m\""),
	    "resolved reason");
	out_clear(&o);
	/* the stream ends at minute 29: not quiet long enough */
	feed(&c, ev, 30, &o);
	ok(o.n == 1 && count_status(&o, "firing") == 1,
	    "no resolved before the quiet period is over");
	out_clear(&o);
}

static void
test_cooldown(void)
{
	struct rules_conf c = count_conf(2, 2 * MIN);
	struct evorder_event ev[40];
	struct out o = {0};
	/* pairs at 0-1, 5-6, 10-11, 30-31: holds at 1, 6, 11, 31 */
	static const int pairs[] = {0, 1, 5, 6, 10, 11, 30, 31};

	minutes(ev, pairs, 8);
	feed(&c, ev, 40, &o);
	ok(o.n == 4, "without cooldown every new episode fires (%zu)", o.n);
	out_clear(&o);
	c.cooldown = 20 * MIN;
	feed(&c, ev, 40, &o);
	ok(o.n == 2, "cooldown 20m: episodes at 6 and 11 suppressed (%zu)",
	    o.n);
	ok(o.n == 2 && strstr(o.rec[1], "\"ts\":1700001860000") != NULL,
	    "fires again after the cooldown");
	out_clear(&o);
	/* flapping: pairs every 4 minutes hold at 1, 5, 9, ... 37 */
	{
		static const int run[] = {0, 1, 4, 5, 8, 9, 12, 13, 16, 17, 20,
		    21, 24, 25, 28, 29, 32, 33, 36, 37};
		struct rules_conf d = count_conf(2, MIN);

		minutes(ev, run, sizeof(run) / sizeof(run[0]));
		feed(&d, ev, 40, &o);
		ok(o.n == 10, "flapping without cooldown: 10 firings (%zu)",
		    o.n);
		out_clear(&o);
		d.cooldown = 20 * MIN;
		feed(&d, ev, 40, &o);
		ok(o.n == 2 && strstr(o.rec[1], "\"ts\":1700001260000"),
		    "flapping with cooldown 20m: fires at 1 and 21 only (%zu)",
		    o.n);
		out_clear(&o);
	}
	/* suppressed, still holding when the cooldown ends: fires then */
	{
		struct rules_conf d = {.when = "anomaly", .field = "value"};

		d.on[RULES_ABOVE] = true;
		d.above = 90;
		d.cooldown = 10 * MIN;
		for (int i = 0; i < 20; i++)
			ev[i] = event(T0 + i * MIN, false, i == 1 ? 50 : 95);
		feed(&d, ev, 20, &o);
		ok(o.n == 2 && strstr(o.rec[1], "\"ts\":1700000600000"),
		    "still holding after the cooldown: fires again at 10m");
		out_clear(&o);
	}
}

static void
test_threshold(void)
{
	struct rules_conf c = {.when = "anomaly", .field = "value"};
	static const double v[] = {50, 95, 96, 97, 40, 41, 92, 30, 20, 10};
	struct evorder_event ev[10];
	struct out o = {0};

	for (int i = 0; i < 10; i++)
		ev[i] = event(T0 + i * MIN, false, v[i]);
	c.on[RULES_ABOVE] = true;
	c.above = 90;
	feed(&c, ev, 10, &o);
	ok(o.n == 2, "above 90: two episodes fire");
	out_clear(&o);
	c.for_ms = 2 * MIN;
	feed(&c, ev, 10, &o);
	ok(o.n == 1 && strstr(o.rec[0], "\"ts\":1700000180000") &&
		strstr(o.rec[0], "\"since\":1700000060000"),
	    "above 90 for 2m: fires on the third point of the run");
	ok(o.n == 1 && strstr(o.rec[0], "value 97 above 90 for 2m"),
	    "above reason");
	out_clear(&o);
	c.on[RULES_ABOVE] = false;
	c.on[RULES_BELOW] = true;
	c.below = 35;
	c.for_ms = 0;
	feed(&c, ev, 10, &o);
	ok(o.n == 1 && strstr(o.rec[0], "\"min\":30") &&
		strstr(o.rec[0], "\"alert\":\"below\""),
	    "below 35: one firing with min");
	out_clear(&o);
}

static void
test_delta(void)
{
	struct rules_conf c = {.when = "anomaly", .field = "value"};
	static const double v[] = {10, 12, 11, 30, 31, 29, 5};
	struct evorder_event ev[7];
	struct out o = {0};

	for (int i = 0; i < 7; i++)
		ev[i] = event(T0 + i * MIN, false, v[i]);
	c.on[RULES_DELTA] = true;
	c.delta = 5;
	feed(&c, ev, 7, &o);
	ok(o.n == 2, "delta 5: the jump up and the drop fire");
	ok(o.n == 2 && strstr(o.rec[0], "changed by +19 (11 to 30)") &&
		strstr(o.rec[1], "changed by -24 (29 to 5)"),
	    "delta reasons");
	out_clear(&o);
	c.delta = 19;
	feed(&c, ev, 7, &o);
	ok(o.n == 1, "delta is strict: |19| is not more than 19");
	out_clear(&o);
}

static void
test_change(void)
{
	struct rules_conf c = {.when = "anomaly", .field = "value"};
	struct evorder_event ev[3 * 1440];
	struct out o = {0};
	size_t n = 0;

	/* two days of minutes: day 2 equals day 1 except at 10:00 */
	for (int d = 0; d < 2; d++)
		for (int m = 0; m < 1440; m++) {
			double x = 100 + m % 60;

			if (d == 1 && m == 600)
				x = 2 * (100 + m % 60); /* +100% vs day 1 */
			if (d == 1 && m == 601)
				x = 100 + 1; /* neighbour would say -50% */
			ev[n++] = event(T0 + (d * 1440 + m) * MIN, false, x);
		}
	c.on[RULES_CHANGE] = true;
	c.change_pct = 50;
	c.vs = 1440 * MIN;
	c.history = 1440;
	feed(&c, ev, n, &o);
	ok(o.n == 1, "day over day: one change beyond 50%% (%zu)", o.n);
	ok(o.n == 1 &&
		strstr(o.rec[0], "\"evidence\":[1700036000000,1700122400000]"),
	    "the reference is the point exactly one day earlier");
	ok(o.n == 1 &&
		strstr(o.rec[0], "value 200 is +100% vs 1d earlier (100)"),
	    "change reason");
	out_clear(&o);
	c.change_dir = -1;
	feed(&c, ev, n, &o);
	ok(o.n == 0, "-50%%: a rise does not fire");
	out_clear(&o);
}

static void
test_lookback(void)
{
	struct lookback lb;
	struct time_form f = {.kind = TIME_EPOCH_MS};
	const struct lookback_point *p;

	lookback_init(&lb, 1000, 10); /* 100 ms slots */
	lookback_add(&lb, 0, &f, 1);
	lookback_add(&lb, 50, &f, 2); /* same slot: first one stays */
	lookback_add(&lb, 200, &f, 3);
	p = lookback_find(&lb, 1000);
	ok(p != NULL && p->value == 1, "slot keeps its first point");
	ok(lookback_find(&lb, 1100) == NULL, "empty slot: no reference");
	for (int64_t t = 300; t <= 3000; t += 100)
		lookback_add(&lb, t, &f, (double)t);
	p = lookback_find(&lb, 3000);
	ok(p != NULL && p->ts == 2000, "ring reuse: the newest period is kept");
	ok(lookback_find(&lb, 1500) == NULL, "stale slots are not returned");
	lookback_release(&lb);
}

static void
test_evorder(void)
{
	struct rules_conf c = count_conf(3, 10 * MIN);
	struct evorder_event ev[40], shuffled[40], got;
	struct evorder ord;
	struct out a = {0}, b = {0};
	static const int in10[] = {5, 9, 15};
	struct rules *r;
	struct rules_key *k;
	bool sorted = true;
	int64_t last = 0;

	minutes(ev, in10, 3);
	memcpy(shuffled, ev, sizeof(ev));
	/* swap neighbours: at most 1 minute out of order */
	for (int i = 0; i + 1 < 40; i += 2) {
		struct evorder_event t = shuffled[i];

		shuffled[i] = shuffled[i + 1];
		shuffled[i + 1] = t;
	}
	feed(&c, ev, 40, &a);
	r = rules_new(&c);
	k = rules_key_new(r);
	evorder_init(&ord);
	for (int i = 0; i < 40; i++) {
		ok(evorder_push(&ord, &shuffled[i], MIN) || 0,
		    "within lateness: accepted (%d)", i);
		while (evorder_pop(&ord, MIN, 0, false, &got)) {
			sorted = sorted && got.ts >= last;
			last = got.ts;
			rules_feed(r, k, "k", &got, collect, &b);
		}
	}
	while (evorder_pop(&ord, MIN, 0, true, &got)) {
		sorted = sorted && got.ts >= last;
		last = got.ts;
		rules_feed(r, k, "k", &got, collect, &b);
	}
	ok(sorted, "events come out in event-time order");
	ok(a.n == 1 && b.n == 1 && strcmp(a.rec[0], b.rec[0]) == 0,
	    "out of order within lateness: the same alert as in order");
	ok(ord.late == 0, "nothing late");
	/* beyond lateness */
	got = event(last - 2 * MIN, true, 0);
	ok(!evorder_push(&ord, &got, MIN) && ord.late == 1,
	    "2m behind with lateness 1m: late, counted");
	got = event(last - MIN, true, 0);
	ok(!evorder_push(&ord, &got, MIN),
	    "behind an event already released: late");
	evorder_release(&ord);
	rules_key_free(k);
	rules_free(r);
	out_clear(&a);
	out_clear(&b);
	/* lateness 0: equal times are fine, earlier ones are late */
	evorder_init(&ord);
	got = event(1000, false, 0);
	ok(evorder_push(&ord, &got, 0) && evorder_push(&ord, &got, 0),
	    "lateness 0: equal times accepted");
	got = event(999, false, 0);
	ok(!evorder_push(&ord, &got, 0), "lateness 0: an earlier time is late");
	/* max_pending bounds the buffer */
	evorder_release(&ord);
	evorder_init(&ord);
	for (int i = 0; i < 10; i++) {
		got = event(1000 + i, false, 0);
		evorder_push(&ord, &got, 1000000);
		while (evorder_pop(&ord, 1000000, 4, false, &got))
			;
	}
	ok(ord.n == 4, "max_pending: at most 4 wait (%zu)", ord.n);
	evorder_release(&ord);
}

struct brute {
	size_t n;
	int64_t start[4096];
	size_t records[4096], flagged[4096];
	double max[4096], max_all[4096], mean[4096];
};

static int
take_window(const struct evwindow_sum *w, void *arg)
{
	struct brute *b = arg;

	if (b->n < 4096) {
		b->start[b->n] = w->start;
		b->records[b->n] = w->records;
		b->flagged[b->n] = w->flagged;
		b->max[b->n] = w->has_max ? w->max : -1;
		b->max_all[b->n] = w->max_all;
		b->mean[b->n] = w->sum / (double)w->nvalues;
		b->n++;
	}
	return 0;
}

static void
test_windows(int64_t size, int64_t slide)
{
	static int64_t ts[600];
	static bool flag[600];
	static double val[600];
	struct evwindow w;
	struct brute *got = calloc(1, sizeof(*got));
	struct time_form f = {.kind = TIME_EPOCH_MS};
	struct prng rng;
	int64_t t = -5000;
	bool same = true;
	size_t nonempty = 0;

	prng_init(&rng, 7);
	for (int i = 0; i < 600; i++) {
		t += (int64_t)prng_below(&rng, 700); /* gaps, repeats */
		if (i == 300)
			t += 20000; /* a long gap */
		ts[i] = t;
		flag[i] = prng_below(&rng, 3) == 0;
		val[i] = (double)prng_below(&rng, 1000);
	}
	evwindow_init(&w, size, slide);
	for (int i = 0; i < 600; i++) {
		evwindow_advance(&w, ts[i], take_window, got);
		evwindow_add(&w, ts[i], &f, flag[i], true, val[i]);
	}
	evwindow_flush(&w, take_window, got);
	evwindow_release(&w);
	/* brute force: every window start k*slide that holds a record */
	for (int64_t k = (ts[0] - size) / slide - 2; k * slide <= ts[599];
	     k++) {
		size_t rec = 0, fl = 0;
		double mx = -1, mxa = -1, sum = 0;

		for (int i = 0; i < 600; i++)
			if (ts[i] >= k * slide && ts[i] < k * slide + size) {
				rec++;
				fl += flag[i];
				sum += val[i];
				if (flag[i] && val[i] > mx)
					mx = val[i]; /* of the flagged */
				if (val[i] > mxa)
					mxa = val[i];
			}
		if (rec == 0)
			continue;
		if (nonempty >= got->n || got->start[nonempty] != k * slide ||
		    got->records[nonempty] != rec ||
		    got->flagged[nonempty] != fl || got->max[nonempty] != mx ||
		    got->max_all[nonempty] != mxa ||
		    fabs(got->mean[nonempty] - sum / (double)rec) > 1e-9)
			same = false;
		nonempty++;
	}
	ok(same && nonempty == got->n,
	    "windows %lld/%lld: %zu windows equal a brute-force recount",
	    (long long)size, (long long)slide, got->n);
	free(got);
}

static void
test_text(void)
{
	char s[64];

	rules_duration_text(s, sizeof(s), 600000);
	is_str(s, "10m", "duration 10m");
	rules_duration_text(s, sizeof(s), 5400000);
	is_str(s, "1h30m", "duration 1h30m");
	rules_duration_text(s, sizeof(s), 1500);
	is_str(s, "1s500ms", "duration 1s500ms");
	rules_duration_text(s, sizeof(s), 604800000);
	is_str(s, "1w", "duration 1w");
	rules_duration_text(s, sizeof(s), 86400000 * 10LL);
	is_str(s, "10d", "duration 10d");
	rules_plural(s, sizeof(s), "mismatch");
	is_str(s, "mismatches", "plural mismatch");
	rules_plural(s, sizeof(s), "anomaly");
	is_str(s, "anomalies", "plural anomaly");
	rules_plural(s, sizeof(s), "key");
	is_str(s, "keys", "plural key");
	rules_plural(s, sizeof(s), "error");
	is_str(s, "errors", "plural error");
}

static void
test_names(void)
{
	struct rules_conf c = count_conf(3, MIN);
	struct rules *r;

	r = rules_new(&c);
	is_str(rules_name(r, RULES_COUNT), "count", "default name");
	rules_free(r);
	c.name = "db";
	r = rules_new(&c);
	is_str(rules_name(r, RULES_COUNT), "db", "--name with one rule");
	rules_free(r);
	c.on[RULES_ABOVE] = true;
	r = rules_new(&c);
	is_str(rules_name(r, RULES_ABOVE), "db:above", "--name with two rules");
	rules_free(r);
}

int
main(void)
{
	test_count();
	test_resolve();
	test_cooldown();
	test_threshold();
	test_delta();
	test_change();
	test_lookback();
	test_evorder();
	test_windows(60000, 60000);
	test_windows(60000, 1000);
	test_windows(10000, 3000);
	test_windows(7000, 7000);
	test_text();
	test_names();
	return tap_done();
}
