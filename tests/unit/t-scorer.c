/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/scorer: the six-decimal score formatter (rounding,
 * trailing zeros, signs, huge and non-finite values), the closing-brace
 * search, and records scored with a small supervised model: the input
 * bytes kept on the fast path, the jansson path for other records,
 * fields we add never duplicated, {} without a comma, --anomalies, the
 * threshold override, --explain, and the split walk over two threads'
 * worth of trees giving the same score.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "forest/rftrain.h"
#include "forest/scorer.h"
#include "ftrain.h"
#include "tap.h"

static const char *
fmt(double v)
{
	static struct buf b;

	buf_reset(&b);
	scorer_add_score(&b, v);
	buf_addc(&b, '\0');
	return b.data;
}

/* A supervised model: x >= 100 is an attack, noise is noise. */
static struct forestfile *
train(void)
{
	struct forestfile *m = xcalloc(1, sizeof(*m));
	struct dataset *ds;
	struct rftrain p = {.mode = FORESTFILE_SUPERVISED,
	    .trees = 20,
	    .max_depth = 10,
	    .max_bins = 255,
	    .min_leaf = 1,
	    .mtry = 0,
	    .sample_rate = 1,
	    .fraction = 1,
	    .sample_size = 256,
	    .seed = 3,
	    .threads = 1,
	    .nclass = 2};
	double x[3];

	m->fs = featset_new();
	featset_add(m->fs, "x", 1, FEATURE_NUMERIC);
	featset_add(m->fs, "noise", 5, FEATURE_NUMERIC);
	featset_add(m->fs, "proto", 5, FEATURE_CATEGORICAL);
	featset_cat_add(&m->fs->f[2], "tcp", 3);
	featset_cat_add(&m->fs->f[2], "udp", 3);
	ds = dataset_new(m->fs);
	for (int i = 0; i < 200; i++) {
		x[0] = i;
		x[1] = (i * 7) % 13;
		x[2] = i % 2;
		dataset_add(ds, x, i >= 100);
	}
	dataset_bin(ds, 255, 1);
	m->forest = rftrain_fit(ds, &p, NULL, 0);
	dataset_free(ds);
	ftrain_meta(m, FORESTFILE_SUPERVISED, "label", "normal", 0.5);
	return m;
}

static struct scorer s;
static struct buf out;
static double xv[8], contrib[8];

/* Score one line; 1, 0 (filtered out) or -1 (bad line). */
static int
score(const char *line, size_t split)
{
	struct forest_acc acc;
	char why[256];
	bool comma;

	if (scorer_prepare(
		&s, line, strlen(line), xv, &out, &comma, why, sizeof(why)) < 0)
		return -1;
	scorer_begin(&s, xv, split, &acc, contrib);
	if (scorer_finish(&s, xv, &out, comma, &acc, contrib, split) == 0)
		return 0;
	buf_addc(&out, '\0');
	out.len--;
	return 1;
}

static int
starts(const char *prefix)
{
	return strncmp(out.data, prefix, strlen(prefix)) == 0;
}

static double
score_of(void)
{
	const char *p = strstr(out.data, "\"score\":");

	return p ? strtod(p + 8, NULL) : NAN;
}

int
main(void)
{
	const char *p;
	size_t nslow;

	/* The formatter. */
	is_str(fmt(0), "0.0", "0 -> 0.0");
	is_str(fmt(1), "1.0", "1 -> 1.0");
	is_str(fmt(0.5), "0.5", "0.5, trailing zeros dropped");
	is_str(fmt(0.973456), "0.973456", "six decimals");
	is_str(fmt(0.1234567), "0.123457", "rounded to six");
	is_str(fmt(0.9999996), "1.0", "rounding carries into the integer");
	is_str(fmt(0.0000004), "0.0", "below half a millionth: 0.0");
	is_str(fmt(-0.5), "-0.5", "-0.5");
	is_str(fmt(-0.05), "-0.05", "-0.05");
	is_str(fmt(-0.0000001), "0.0", "rounds to zero: no minus sign");
	is_str(fmt(-12.25), "-12.25", "-12.25");
	is_str(fmt(123.000001), "123.000001", "123.000001");
	is_str(fmt(2.5e12), "2500000000000.0", "beyond 1e12: shortest double");
	is_str(fmt(NAN), "null", "NaN -> null");
	is_str(fmt(-INFINITY), "null", "-inf -> null");

	ok(scorer_close_brace("{\"a\":1}", 7) == 6, "brace at the end");
	ok(scorer_close_brace("{\"a\":1}  \r", 10) == 6,
	    "brace before trailing blanks");
	ok(scorer_reserved("score", 5) && scorer_reserved("anomaly", 7) &&
		scorer_reserved("why", 3) && !scorer_reserved("scores", 6) &&
		!scorer_reserved("x", 1),
	    "reserved field names");

	/* Scoring. */
	buf_init(&out);
	scorer_init(&s, train());
	s.threshold = NAN;
	ok(score("{\"x\":150,\"noise\":3,\"proto\":\"tcp\",\"label\":\"a\"}",
	       0) == 1,
	    "attack-like record scored");
	ok(strncmp(out.data,
	       "{\"x\":150,\"noise\":3,\"proto\":\"tcp\",\"label\":\"a\","
	       "\"score\":",
	       48) == 0 &&
		score_of() > 0.9 && strstr(out.data, ",\"anomaly\":true}") &&
		out.data[out.len - 1] == '}',
	    "fast path: input bytes, then score > 0.9 and anomaly true");
	nslow = s.nslow;
	ok(score("{\"x\":20,\"noise\":3,\"proto\":\"udp\"}", 0) == 1 &&
		score_of() < 0.1 && strstr(out.data, "\"anomaly\":false}"),
	    "normal-like record: low score, anomaly false (%s)", out.data);
	ok(s.nslow == nslow, "both took the fast path");
	ok(score("{ \"x\" : 150 ,\"keep\":1.50}", 0) == 1 &&
		starts("{ \"x\" : 150 ,\"keep\":1.50,\"score\":") &&
		s.nslow == nslow,
	    "blanks and 1.50 kept as written on the fast path");
	ok(score("{\"x\":150,\"n\":{\"a\": [1, 2]},\"s\":\"caf\xc3\xa9\"}",
	       0) == 1 &&
		strncmp(out.data,
		    "{\"x\":150,\"n\":{\"a\":[1,2]},\"s\":\"caf\xc3\xa9\","
		    "\"score\":1.0,",
		    43) == 0 &&
		s.nslow == nslow + 1,
	    "nested value: jansson path, compact output (%s)", out.data);
	ok(score("{\"x\":150,\"score\":0.1,\"why\":[],\"anomaly\":false}", 0) ==
		    1 &&
		strstr(out.data, "\"score\":0.1") == NULL &&
		strstr(out.data + 1, "\"anomaly\":false") == NULL &&
		strncmp(out.data, "{\"x\":150,\"score\":", 17) == 0,
	    "fields we add replace the record's own (%s)", out.data);
	ok(score("{}", 0) == 1 && strncmp(out.data, "{\"score\":", 9) == 0,
	    "{}: our fields without a leading comma (%s)", out.data);
	ok(score("{\"x\":\"150\"}", 0) == 1 && score_of() < 0.9,
	    "a string for a number is missing, not 150");
	ok(score("[1]", 0) == -1 && score("{\"x\":", 0) == -1,
	    "not an object: -1");

	/* Splitting the walk between threads changes nothing. */
	{
		double whole, split;

		score("{\"x\":99,\"noise\":5,\"proto\":\"tcp\"}", 0);
		whole = score_of();
		score("{\"x\":99,\"noise\":5,\"proto\":\"tcp\"}", 7);
		split = score_of();
		ok(whole == split,
		    "7 trees walked first, 13 later: same score");
		score("{\"x\":99,\"noise\":5,\"proto\":\"tcp\"}", 20);
		ok(score_of() == whole, "all 20 walked first: same score");
	}

	/* Threshold, anomalies only. */
	s.anomalies_only = true;
	ok(score("{\"x\":20}", 0) == 0, "--anomalies: a normal record dropped");
	ok(score("{\"x\":180}", 0) == 1, "an anomaly kept");
	s.threshold = 1.01;
	ok(score("{\"x\":180}", 0) == 0,
	    "threshold above 1: nothing is an anomaly");
	s.threshold = 0;
	s.anomalies_only = false;
	ok(score("{\"x\":20}", 0) == 1 && strstr(out.data, "\"anomaly\":true"),
	    "threshold 0: everything is");
	s.threshold = NAN;

	/* --explain. */
	s.explain = 2;
	ok(score("{\"x\":150,\"noise\":3,\"proto\":\"udp\"}", 0) == 1 &&
		(p = strstr(out.data, ",\"why\":[{\"feature\":\"x\","
				      "\"value\":150,\"contribution\":")) !=
		    NULL,
	    "explain: x first, with its value (%s)", out.data);
	ok(strstr(out.data, "]}") == out.data + out.len - 2,
	    "why closes the record");
	ok(score("{\"proto\":\"udp\",\"x\":150}", 0) == 1 &&
		(strstr(out.data, "{\"feature\":\"proto\",\"value\":\"udp\"") !=
			NULL ||
		    strstr(out.data, "\"why\":[{\"feature\":\"x\"") != NULL),
	    "categorical values explained by name when listed");
	ok(score("{\"x\":null}", 0) == 1 &&
		strstr(out.data, "{\"feature\":\"x\",\"value\":null,") != NULL,
	    "a missing feature that contributes shows as null");
	s.explain = 0;

	scorer_release(&s);
	buf_release(&out);
	return tap_done();
}
