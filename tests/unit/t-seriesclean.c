/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/* Unit tests for lib/seriesclean on synthetic series with known truth. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <stdio.h>
#include <unistd.h>

#include "base/prng.h"
#include "io/recin.h"
#include "io/sink.h"
#include "series/seriesclean.h"
#include "tap.h"
#include "tsink.h"

#define MAXOUT 4096

static json_t *out[MAXOUT];
static size_t nout;

static int
collect(void *arg, const json_t *rec)
{
	(void)arg;
	if (nout < MAXOUT)
		out[nout++] = json_deep_copy(rec);
	return 0;
}

static void
reset(void)
{
	for (size_t i = 0; i < nout; i++)
		json_decref(out[i]);
	nout = 0;
}

static int
add(struct seriesclean *sc, const char *id, long long ts, double v)
{
	json_t *rec =
	    json_pack("{s:s, s:I, s:f}", "id", id, "ts", ts, "value", v);
	char why[256];
	int rc = seriesclean_add(sc, rec, why, sizeof(why));

	json_decref(rec);
	return rc;
}

static struct seriesclean_conf
conf(long period)
{
	return (struct seriesclean_conf){.id_field = "id",
	    .time_field = "ts",
	    .value_field = "value",
	    .step_ms = 60000,
	    .period = period,
	    .history = 4,
	    .max_gap = 5,
	    .outlier_k = 5,
	    .outlier_window = 25,
	    .shift_run = 3,
	    .max_keys = 10};
}

static double
val(size_t i)
{
	return json_number_value(json_object_get(out[i], "value"));
}

static bool
flag(size_t i, const char *f)
{
	return json_is_true(json_object_get(out[i], f));
}

/* A sink that keeps the text written, one record a line. */
static int
cap_write(void *impl, const char *buf, size_t len, const char *key,
    size_t keylen, struct ad_err *err)
{
	(void)key;
	(void)keylen;
	(void)err;
	buf_add(impl, buf, len);
	buf_addc(impl, '\n');
	return 0;
}

static const struct sink_ops cap_ops = {cap_write, sink_nop, sink_nop, NULL};

/* seriesclean_run() over a file, and its summary. */
static void
test_run(void)
{
	struct seriesclean_conf c = conf(0);
	char path[] = "/tmp/t-seriesclean-XXXXXX";
	char *files[1] = {path};
	struct seriesclean_stats st;
	struct io_conf io;
	struct recin *in;
	struct sink *snk;
	struct buf text, b;
	struct ad_err e;
	FILE *fp;

	close(mkstemp(path));
	fp = fopen(path, "w");
	fputs("{\"id\":\"k\",\"ts\":1699999980000,\"value\":1}\n"
	      "{\"id\":\"k\",\"ts\":1700000040000,\"value\":2}\n"
	      "{\"id\":\"k\",\"ts\":1700000100000}\n"
	      "{\"id\":\"k\",\"ts\":1700000160000,\"value\":4}\n",
	    fp);
	fclose(fp);
	ad_err_clear(&e);
	io_conf_init(&io, "t-seriesclean");
	buf_init(&text);
	buf_init(&b);
	snk = sink_new("cap", &cap_ops, &text, NULL);
	fprintf(stderr, "# a warning about line 3 is expected:\n");
	in = recin_new(files, 1, &io, NULL, false, &e);
	ok(seriesclean_run(&c, in, snk, &st, &e) == 0, "run: succeeds");
	ok(st.points == 3 && st.emitted == 4 && st.filled == 1,
	    "run: 3 points, 4 written, 1 filled (%zu %zu %zu)", st.points,
	    st.emitted, st.filled);
	ok(recin_reject_count(in) == 1, "run: the point with no value refused");
	buf_addc(&text, '\0');
	ok(strstr(text.data, "\"ts\":1700000100000") != NULL &&
		strstr(text.data, "\"value\":3") != NULL,
	    "run: the missing slot filled with 3");
	seriesclean_summary(
	    &b, &st, recin_read_count(in), recin_reject_count(in));
	is_str(b.data,
	    "read 4, rejected 1, points 3, written 4, filled 1, replaced 0, "
	    "level shifts 0, gaps 0 (0 slots), merged 0, evicted keys 0",
	    "run: summary");
	recin_free(in);
	sink_close(snk, &e);
	buf_release(&text);
	buf_release(&b);
	io_conf_release(&io);
	unlink(path);
}

int
main(void)
{
	struct seriesclean_conf c = conf(24);
	struct seriesclean *sc;
	struct prng rng;
	const long long t0 = 1700000000000LL - 1700000000000LL % 60000;
	double truth[200];
	bool ordered = true;

	/* Periodic, noise free, slot 100 missing: filled with the phase mean. */
	sc = seriesclean_new(&c, collect, NULL);
	for (int i = 0; i < 200; i++) {
		truth[i] =
		    10 + 5 * sin(2 * M_PI * i / 24) + (i % 24 == 3 ? 2 : 0);
		if (i != 100)
			add(sc, "p", t0 + i * 60000LL, truth[i]);
	}
	seriesclean_finish(sc);
	ok(nout == 200, "one point per slot (%zu)", nout);
	ok(flag(100, "filled"), "missing slot filled");
	is_near(val(100), (truth[76] + truth[52] + truth[28] + truth[4]) / 4,
	    1e-9, "filled value is the phase mean");
	is_near(val(100), truth[100], 1e-9, "which is the truth here");
	for (size_t i = 0; i < nout; i++)
		if (json_integer_value(json_object_get(out[i], "ts")) !=
		    t0 + (long long)i * 60000)
			ordered = false;
	ok(ordered, "grid times in order");
	seriesclean_free(sc);
	reset();

	/* Noisy level with a 20 sigma spike: replaced, original kept. */
	c = conf(0);
	prng_init(&rng, 7);
	sc = seriesclean_new(&c, collect, NULL);
	for (int i = 0; i < 100; i++)
		add(sc, "n", t0 + i * 60000LL,
		    50 + prng_normal(&rng) + (i == 60 ? 20 : 0));
	seriesclean_finish(sc);
	ok(nout == 100 && flag(60, "replaced"), "20 sigma spike replaced");
	is_near(json_number_value(json_object_get(out[60], "original")),
	    val(60) + 20, 5, "original kept");
	is_near(val(60), (val(59) + val(61)) / 2, 1e-9,
	    "replacement is the neighbours' mean");
	{
		size_t nrep = 0;

		for (size_t i = 0; i < nout; i++)
			nrep += flag(i, "replaced");
		ok(nrep == 1, "no other point replaced (%zu)", nrep);
	}
	seriesclean_free(sc);
	reset();

	/*
	 * A step of 20 sigma at point 60: a level shift, not outliers.
	 * Every point stays as it was, the first of the new level is
	 * marked, and a spike on the new level is still replaced.
	 */
	c = conf(0);
	prng_init(&rng, 7);
	sc = seriesclean_new(&c, collect, NULL);
	for (int i = 0; i < 100; i++)
		add(sc, "s", t0 + i * 60000LL,
		    50 + prng_normal(&rng) + (i >= 60 ? 20 : 0) +
			(i == 90 ? 20 : 0));
	seriesclean_finish(sc);
	{
		size_t nrep = 0, nshift = 0;
		bool same = true;

		prng_init(&rng, 7);
		for (size_t i = 0; i < nout; i++) {
			double x = 50 + prng_normal(&rng) + (i >= 60 ? 20 : 0);

			nrep += flag(i, "replaced");
			nshift += flag(i, "level_shift");
			if (i != 90 && fabs(val(i) - x) > 1e-9)
				same = false;
		}
		ok(nout == 100 && same, "a step: every point as it was");
		ok(flag(60, "level_shift") && nshift == 1,
		    "the first point of the new level marked (%zu marks)",
		    nshift);
		ok(nrep == 1 && flag(90, "replaced"),
		    "a spike on the new level replaced (%zu replaced)", nrep);
	}
	seriesclean_free(sc);
	reset();

	/* Two outliers in a row (less than 3): a spike, both replaced. */
	prng_init(&rng, 7);
	sc = seriesclean_new(&c, collect, NULL);
	for (int i = 0; i < 100; i++)
		add(sc, "w", t0 + i * 60000LL,
		    50 + prng_normal(&rng) + (i == 60 || i == 61 ? 20 : 0));
	seriesclean_finish(sc);
	ok(nout == 100 && flag(60, "replaced") && flag(61, "replaced") &&
		!flag(60, "level_shift"),
	    "two outliers in a row: replaced");
	is_near(val(61), (val(60) + val(62)) / 2, 1e-9,
	    "the second by the mean of the first's stand-in and the next");
	is_near(val(60), (val(59) + val(62)) / 2, 1e-9,
	    "the first by the mean of the points around the run");
	seriesclean_free(sc);
	reset();

	/* Up then down: two sides, no run of three; all replaced. */
	prng_init(&rng, 7);
	sc = seriesclean_new(&c, collect, NULL);
	for (int i = 0; i < 100; i++)
		add(sc, "u", t0 + i * 60000LL,
		    50 + prng_normal(&rng) + (i == 60 || i == 61 ? 20 : 0) +
			(i == 62 ? -20 : 0));
	seriesclean_finish(sc);
	ok(nout == 100 && flag(60, "replaced") && flag(61, "replaced") &&
		flag(62, "replaced"),
	    "up, up, down: not a shift, all three replaced");
	seriesclean_free(sc);
	reset();

	/* --level-shift 0: the old filter eats the step. */
	c.shift_run = 0;
	prng_init(&rng, 7);
	sc = seriesclean_new(&c, collect, NULL);
	for (int i = 0; i < 100; i++)
		add(sc, "o", t0 + i * 60000LL,
		    50 + prng_normal(&rng) + (i >= 60 ? 20 : 0));
	seriesclean_finish(sc);
	ok(flag(60, "replaced") && flag(61, "replaced") && flag(62, "replaced"),
	    "shift_run 0: the step's first points replaced");
	seriesclean_free(sc);
	reset();
	c = conf(0);

	/* Non-periodic gaps: short filled with the neighbours' mean, long left. */
	sc = seriesclean_new(&c, collect, NULL);
	add(sc, "g", t0, 1);
	add(sc, "g", t0 + 3 * 60000, 4);  /* 2 missing */
	add(sc, "g", t0 + 10 * 60000, 5); /* 6 missing > max_gap */
	ok(add(sc, "g", t0 + 9 * 60000, 5) == 1,
	    "point behind the grid rejected");
	seriesclean_finish(sc);
	ok(nout == 6, "6 records: the long gap is one");
	ok(flag(1, "filled") && flag(2, "filled"), "short gap filled");
	is_near(val(1), 2.5, 1e-12, "mean of the points before and after");
	ok(flag(4, "gap") && json_is_null(json_object_get(out[4], "value")) &&
		json_integer_value(json_object_get(out[4], "gap_slots")) == 6 &&
		json_integer_value(json_object_get(out[4], "ts")) ==
		    t0 + 4 * 60000,
	    "long gap left as one gap record: 6 slots from the 5th");
	seriesclean_free(sc);
	reset();

	/* Late points: rejected without a window, put in place with one. */
	sc = seriesclean_new(&c, collect, NULL);
	add(sc, "l", t0 + 60000, 1);
	add(sc, "l", t0 + 2 * 60000, 2);
	{
		json_t *rec = json_pack("{s:s, s:I, s:f}", "id", "l", "ts",
		    t0 + 60000, "value", 9.0);
		char why[256];

		ok(seriesclean_add(sc, rec, why, sizeof(why)) == 1 &&
			strstr(why, "late point for 'l'") != NULL,
		    "late point rejected: %s", why);
		json_decref(rec);
	}
	seriesclean_free(sc);
	reset();
	c.reorder_ms = 5 * 60000;
	sc = seriesclean_new(&c, collect, NULL);
	add(sc, "r", t0, 0);
	add(sc, "r", t0 + 2 * 60000, 2);
	ok(add(sc, "r", t0 + 60000, 1) == 0, "late point within the window");
	seriesclean_finish(sc);
	ok(nout == 3 && val(0) == 0 && val(1) == 1 && val(2) == 2 &&
		!flag(1, "filled"),
	    "put in place");
	seriesclean_free(sc);
	reset();

	/* Eviction flushes a key; memory bounded by max_keys. */
	c = conf(0);
	c.max_keys = 2;
	sc = seriesclean_new(&c, collect, NULL);
	add(sc, "a", t0, 1);
	add(sc, "b", t0, 2);
	add(sc, "c", t0, 3);
	ok(nout == 1 && strcmp(json_string_value(json_object_get(out[0], "id")),
			    "a") == 0,
	    "least recently used key flushed on eviction");
	seriesclean_finish(sc);
	{
		struct seriesclean_stats st;

		seriesclean_stats(sc, &st);
		ok(st.evicted == 1 && nout == 3,
		    "eviction counted, nothing lost");
	}
	seriesclean_free(sc);
	reset();
	test_run();
	return tap_done();
}
