/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/zscore: score-then-learn z against a naive mean and
 * sample sd of the points before, two- and one-sided scores, min_count,
 * constant series, keys kept apart and evicted, and the state lines:
 * dump, apply, save and load (round trip, bad lines with line numbers).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/prng.h"
#include "detect/zscore.h"
#include "tap.h"

#define APPLY(z, s) zscore_apply_line((z), (s), strlen(s), why, sizeof(why))

static char dumped[8][256];
static int ndumped;

static void
collect(const char *line, size_t len, const char *key, void *arg)
{
	(void)key;
	(void)arg;
	if (ndumped < 8)
		snprintf(dumped[ndumped++], sizeof(dumped[0]), "%.*s", (int)len,
		    line);
}

int
main(void)
{
	struct zscore *z = zscore_new(3, false, 2, 0), *z2;
	struct zscore_result r;
	struct zscore_stat st;
	struct prng rng;
	struct ad_err err;
	char why[256], dir[] = "/tmp/t-zscore-XXXXXX", path[300];
	double xs[2000], worst = 0;
	int all;
	FILE *fp;

	/* 1, 2, 3, 4 then 10: mean 2.5, sd sqrt(5/3). */
	zscore_point(z, "a", 1, &r);
	ok(isnan(r.z) && r.score == 0 && !r.anomaly, "first point: no z");
	zscore_point(z, "a", 2, &r);
	ok(isnan(r.z), "second point: one before it, still no z");
	zscore_point(z, "a", 3, &r);
	is_near(r.z, (3 - 1.5) / sqrt(0.5), 1e-12,
	    "third point: z against mean 1.5, sd sqrt(.5)");
	ok(r.score == 0, "the first z is the likelihood's mean: score 0");
	zscore_point(z, "a", 4, &r);
	is_near(r.z, 2 / 1.0, 1e-12, "fourth: mean 2, sd 1, z 2");
	ok(!r.anomaly, "z 2 < k 3: not an anomaly");
	ok(r.score < 1e-9, "|z| 2 after 2.12: below the usual, score ~0 (%g)",
	    r.score);
	zscore_point(z, "a", 10, &r);
	is_near(r.z, 7.5 / sqrt(5.0 / 3), 1e-12, "10 after 1..4: z 5.809");
	ok(r.anomaly && r.score == 0,
	    "an anomaly; its score 0: the likelihood stage learns 10 first");
	zscore_point(z, "a", -10, &r);
	ok(r.z < -3 && r.anomaly, "two-sided: a low value is anomalous too");
	zscore_point(z, "b", 100, &r);
	ok(isnan(r.z), "another key starts fresh");
	ok(zscore_count(z) == 2, "two keys");
	zscore_free(z);

	/* Random values: z against a naive recomputation. */
	z = zscore_new(3, false, 2, 0);
	prng_init(&rng, 5);
	for (int i = 0; i < 2000; i++) {
		double m = 0, s = 0;

		xs[i] = 1e6 + 10 * prng_normal(&rng);
		zscore_point(z, "k", xs[i], &r);
		if (i < 2)
			continue;
		for (int j = 0; j < i; j++)
			m += xs[j];
		m /= i;
		for (int j = 0; j < i; j++)
			s += (xs[j] - m) * (xs[j] - m);
		s = sqrt(s / (i - 1));
		worst = fmax(worst, fabs(r.z - (xs[i] - m) / s));
	}
	ok(worst < 1e-8, "2000 values near 1e6: z = naive z (worst %g)", worst);
	zscore_free(z);

	/* One-sided, min_count. */
	z = zscore_new(2, true, 5, 0);
	all = 1;
	for (int i = 0; i < 5; i++) {
		zscore_point(z, "m", i % 2 ? 1 : -1, &r);
		if (!isnan(r.z))
			all = 0;
	}
	ok(all, "min_count 5: the first five points get no z");
	zscore_point(z, "m", 0, &r);
	ok(!isnan(r.z), "the sixth does");
	zscore_point(z, "m", -50, &r);
	ok(!r.anomaly && r.score < 1e-6,
	    "one-sided: far below is not anomalous, score ~0 (%g)", r.score);
	for (int i = 0; i < 5; i++)
		zscore_point(z, "m2", i % 2 ? 1 : -1, &r);
	zscore_point(z, "m2", 50, &r);
	ok(r.anomaly, "far above is");
	for (int i = 0; i < 5; i++)
		zscore_point(z, "m3", i % 2 ? 1 : -1, &r);
	for (int i = 0; i < 30; i++)
		zscore_point(z, "m3", i % 3 - 1, &r);
	zscore_point(z, "m3", 10, &r);
	ok(r.anomaly && r.score > 0.5,
	    "after 30 ordinary values, z %g: score %g", r.z, r.score);
	zscore_free(z);

	/* Constant series. */
	z = zscore_new(3, false, 2, 0);
	for (int i = 0; i < 15; i++)
		zscore_point(z, "c", 7, &r);
	ok(isnan(r.z) && r.score == 0 && !r.anomaly,
	    "constant: the same value is no anomaly");
	zscore_point(z, "c", 7.5, &r);
	ok(isnan(r.z) && r.score == 1 && r.anomaly,
	    "15 constant values then a move: score 1, anomaly");
	zscore_free(z);
	z = zscore_new(3, true, 2, 0);
	for (int i = 0; i < 5; i++)
		zscore_point(z, "c", 7, &r);
	zscore_point(z, "c", 6, &r);
	ok(!r.anomaly && r.score == 0,
	    "one-sided constant series moving down: score 0, no anomaly");
	zscore_free(z);

	/* Bounded keys. */
	z = zscore_new(3, false, 2, 2);
	zscore_point(z, "x", 1, &r);
	zscore_point(z, "y", 1, &r);
	zscore_point(z, "x", 2, &r);
	zscore_point(z, "w", 1, &r);
	ok(zscore_count(z) == 2 && zscore_evicted(z) == 1,
	    "max 2 keys: one evicted");
	zscore_point(z, "x", 3, &r);
	ok(!isnan(r.z), "x (recently used) kept its statistics");
	zscore_point(z, "y", 1, &r);
	ok(isnan(r.z), "y (least recently used) was evicted");
	zscore_free(z);

	/* State lines. */
	z = zscore_new(3, false, 2, 0);
	ok(APPLY(z, "{\"id\":\"s\",\"n\":4,\"mean\":2,\"m2\":5}") == 0,
	    "apply a state line");
	zscore_point(z, "s", 2 + sqrt(5.0 / 3), &r);
	is_near(r.z, 1, 1e-12, "scored against the applied state");
	ok(APPLY(z, "{\"id\":42,\"n\":1,\"mean\":0,\"m2\":0}") == 0,
	    "an integer id is accepted");
	ok(APPLY(z, "{\"n\":1,\"mean\":0,\"m2\":0}") == -1 &&
		strcmp(why, "missing or non-string field 'id'") == 0,
	    "no id (%s)", why);
	ok(APPLY(z, "{\"id\":\"s\",\"n\":1,\"mean\":\"0\",\"m2\":0}") == -1 &&
		strcmp(why, "missing or non-numeric field 'mean'") == 0,
	    "string mean (%s)", why);
	ok(APPLY(z, "{\"id\":\"s\",\"n\":2,\"mean\":0,\"m2\":-1}") == -1 &&
		strcmp(why,
		    "not a state this program writes: n 2, mean 0, m2 -1") == 0,
	    "negative m2 (%s)", why);
	ok(APPLY(z, "{bad") == -1, "bad JSON (%s)", why);
	zscore_free(z);

	z = zscore_new(3, false, 2, 0);
	st = (struct zscore_stat){.n = 3, .mean = 0.1, .m2 = 1.0 / 3};
	zscore_set(z, "q\"uote", &st);
	st = (struct zscore_stat){.n = 10, .mean = -2.5e-300, .m2 = 1e300};
	zscore_set(z, "p", &st);
	zscore_dump(z, collect, NULL);
	ok(ndumped == 2 &&
		strcmp(dumped[0], "{\"id\":\"q\\\"uote\",\"n\":3,\"mean\":0.1,"
				  "\"m2\":0.3333333333333333}") == 0,
	    "dump: escaped id, shortest doubles (%s)", dumped[0]);
	mkdtemp(dir);
	snprintf(path, sizeof(path), "%s/state.ndjson", dir);
	ok(zscore_save(z, path, &err) == 0, "save");
	z2 = zscore_new(3, false, 2, 0);
	ok(zscore_load(z2, path, &err) == 0 && zscore_count(z2) == 2,
	    "load: two keys");
	ndumped = 0;
	zscore_dump(z2, collect, NULL);
	ok(ndumped == 2 &&
		strcmp(dumped[1], "{\"id\":\"p\",\"n\":10,\"mean\":-2.5e-300,"
				  "\"m2\":1e+300}") == 0,
	    "round trip exact (%s)", dumped[1]);
	zscore_free(z2);
	fp = fopen(path, "w");
	fputs("{\"id\":\"a\",\"n\":1,\"mean\":0,\"m2\":0}\r\n\n"
	      "{\"id\":\"b\",\"n\":1}\n",
	    fp);
	fclose(fp);
	z2 = zscore_new(3, false, 2, 0);
	ad_err_clear(&err);
	ok(zscore_load(z2, path, &err) == -1 && err.status == EX_DATAERR &&
		err.line == 3 &&
		strcmp(err.msg, "missing or non-numeric field 'mean'") == 0,
	    "bad line 3 (after CRLF and a blank line): EX_DATAERR");
	zscore_free(z2);
	unlink(path);
	z2 = zscore_new(3, false, 2, 0);
	ok(zscore_load(z2, path, &err) == 0 && zscore_count(z2) == 0,
	    "missing state file: empty state");
	zscore_free(z2);
	snprintf(path, sizeof(path), "%s/no/dir/state", dir);
	ok(zscore_save(z, path, &err) == -1 && err.status == EX_CANTCREAT,
	    "save into a missing directory: EX_CANTCREAT");
	rmdir(dir);
	zscore_free(z);
	zscore_free(NULL);

	/* Values whose variance overflows are refused, never counted. */
	z = zscore_new(3, false, 2, 0);
	zscore_point(z, "o", -1e300, &r);
	ok(!r.refused, "-1e300 first: taken");
	zscore_point(z, "o", 1e300, &r);
	ok(r.refused && !r.anomaly && r.score == 0,
	    "+1e300 after it: refused (the variance would be 1e600)");
	zscore_point(z, "o", 1e308, &r);
	zscore_point(z, "o", -1e308, &r);
	ok(r.refused, "-1e308: refused (the difference overflows)");
	zscore_point(z, "o", -1e300, &r);
	ok(!r.refused && r.z != r.z, "-1e300 again: taken, variance 0");
	ndumped = 0;
	zscore_dump(z, collect, NULL);
	ok(ndumped == 1 &&
		strcmp(dumped[0], "{\"id\":\"o\",\"n\":2,"
				  "\"mean\":-1e+300,\"m2\":0.0}") == 0,
	    "the state stays finite (%s)", dumped[0]);
	zscore_free(z);

	/* Keys of any length: two that differ after 600 bytes. */
	z = zscore_new(3, false, 2, 0);
	{
		char a[700], b[700];

		memset(a, 'k', 600);
		memcpy(b, a, 600);
		strcpy(a + 600, "A");
		strcpy(b + 600, "B");
		for (int i = 0; i < 5; i++)
			zscore_point(z, a, i, &r);
		zscore_point(z, b, 1, &r);
		ok(zscore_count(z) == 2 && r.z != r.z,
		    "long keys differing at byte 600: two keys");
	}
	zscore_free(z);

	/* Only a state this program could have written loads. */
	z = zscore_new(3, false, 2, 0);
	ok(APPLY(z, "{\"id\":\"a\",\"n\":3,\"mean\":1,\"m2\":2}") == 0,
	    "a sound line");
	ok(APPLY(z, "{\"id\":\"a\",\"n\":2.5,\"mean\":1,\"m2\":2}") == -1 &&
		strstr(why, "not a state this program writes") != NULL,
	    "n 2.5: refused (%s)", why);
	ok(APPLY(z, "{\"id\":\"a\",\"n\":0,\"mean\":1,\"m2\":0}") == -1,
	    "n 0: refused");
	ok(APPLY(z, "{\"id\":\"a\",\"n\":1e30,\"mean\":1,\"m2\":0}") == -1,
	    "n 1e30: refused");
	ok(APPLY(z, "{\"id\":\"a\",\"n\":3,\"mean\":1,\"m2\":-1}") == -1,
	    "m2 -1: refused");
	ok(APPLY(z, "{\"id\":\"a\",\"n\":3,\"mean\":1,\"m2\":null}") == -1,
	    "m2 null (an overflow written by an older version): refused");
	zscore_free(z);
	return tap_done();
}
