/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/featset: which fields may be features, features and
 * categories learned in order of first appearance, the scanner and the
 * jansson paths agreeing value for value on random records (training and
 * scoring), missing/unknown values, category reordering, the model
 * payload round trip and its corruptions, and the --info JSON.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/prng.h"
#include "forest/featset.h"
#include "tap.h"

static bool
same(double a, double b)
{
	return (isnan(a) && isnan(b)) || a == b;
}

/* A random flat record over fields a..f with mixed types. */
static void
random_record(struct prng *r, char *out, size_t n)
{
	static const char *cats[] = {
	    "tcp", "udp", "icmp", "x y", "\\u00e9t\\u00e9", "a\\\"b", ""};
	size_t len = 0;
	bool first = true;

	len += (size_t)snprintf(out + len, n - len, "{");
	for (int f = 0; f < 6; f++) {
		uint64_t k = prng_below(r, 8);

		if (k == 0)
			continue; /* absent */
		len += (size_t)snprintf(
		    out + len, n - len, "%s\"%c\":", first ? "" : ",", 'a' + f);
		first = false;
		if (k == 1)
			len += (size_t)snprintf(out + len, n - len, "null");
		else if (k == 2)
			len += (size_t)snprintf(out + len, n - len, "%s",
			    prng_below(r, 2) ? "true" : "false");
		else if (k <= 4 || f < 3)
			len += (size_t)snprintf(
			    out + len, n - len, "%.17g", prng_normal(r) * 1000);
		else
			len += (size_t)snprintf(out + len, n - len, "\"%s\"",
			    cats[prng_below(r, 7)]);
	}
	snprintf(out + len, n - len, "}");
}

int
main(void)
{
	struct featset *fs = featset_new(), *fj, *fl;
	struct jscan js;
	struct prng rng;
	struct buf b;
	struct wire w;
	double *x = NULL, *xj = NULL, xs[16], xr[16];
	size_t cap = 0, capj = 0;
	long col[16];
	char line[512], tmp[32];
	json_t *rec, *info;
	int all, fellback = 0;

	/* Candidates. */
	ok(featset_candidate(fs, "src_bytes", 9) &&
		!featset_candidate(fs, "uuid", 4) &&
		!featset_candidate(fs, "score", 5) &&
		featset_candidate(fs, "uuid2", 5),
	    "bookkeeping fields are not features");
	featset_free(fs);
	fs = featset_new();
	ok(featset_set_lists(fs, NULL, "flag,land", "label") == 0 &&
		!featset_candidate(fs, "label", 5) &&
		!featset_candidate(fs, "land", 4) &&
		featset_candidate(fs, "lan", 3),
	    "label and --exclude are not features");
	featset_free(fs);
	fs = featset_new();
	ok(featset_set_lists(fs, "a,uuid", "a", NULL) == 0 &&
		featset_candidate(fs, "uuid", 4) &&
		!featset_candidate(fs, "a", 1) &&
		!featset_candidate(fs, "b", 1),
	    "--features: only those (bookkeeping too), --exclude still wins");
	featset_free(fs);
	fs = featset_new();
	ok(featset_set_lists(fs, "", NULL, NULL) == -1, "--features '': -1");
	featset_free(fs);

	/* Learning from jansson records. */
	fs = featset_new();
	featset_set_lists(fs, NULL, NULL, "label");
	rec = json_loads("{\"d\":null,\"proto\":\"tcp\",\"bytes\":12,"
			 "\"label\":\"normal.\",\"up\":true,\"o\":{\"x\":1}}",
	    0, NULL);
	featset_learn_json(fs, rec, &x, &cap);
	json_decref(rec);
	ok(fs->n == 3 && strcmp(fs->f[0].name, "proto") == 0 &&
		fs->f[0].kind == FEATURE_CATEGORICAL &&
		strcmp(fs->f[1].name, "bytes") == 0 &&
		fs->f[1].kind == FEATURE_NUMERIC &&
		strcmp(fs->f[2].name, "up") == 0 &&
		fs->f[2].kind == FEATURE_NUMERIC,
	    "features in order; null, objects and the label skipped");
	ok(x[0] == 0 && x[1] == 12 && x[2] == 1, "vector: tcp=0, 12, true=1");
	rec = json_loads("{\"proto\":\"udp\",\"d\":2.5,\"bytes\":\"12\","
			 "\"up\":false}",
	    0, NULL);
	featset_learn_json(fs, rec, &x, &cap);
	json_decref(rec);
	ok(fs->n == 4 && strcmp(fs->f[3].name, "d") == 0 && x[0] == 1 &&
		isnan(x[1]) && x[2] == 0 && x[3] == 2.5,
	    "udp=1; a string for a number is missing; d now a feature");
	ok(featset_cat_find(&fs->f[0], "udp", 3) == 1 &&
		featset_cat_find(&fs->f[0], "icmp", 4) == -1,
	    "category lookup");
	ok(featset_find(fs, "d", 1) == 3 && featset_find(fs, "e", 1) == -1,
	    "feature lookup");
	rec = json_loads("{\"proto\":\"icmp\",\"bytes\":1}", 0, NULL);
	featset_row_json(fs, rec, xs);
	json_decref(rec);
	ok(xs[0] == FEATSET_UNKNOWN && xs[1] == 1 && isnan(xs[2]) &&
		isnan(xs[3]),
	    "scoring: unseen category -1, absent fields NaN");
	ok(featset_value_text(fs, 0, 1, tmp, sizeof(tmp)) == fs->f[0].cat[1] &&
		strcmp(featset_value_text(fs, 0, -1, tmp, sizeof(tmp)),
		    "(unknown)") == 0 &&
		featset_value_text(fs, 0, NAN, tmp, sizeof(tmp)) == NULL &&
		featset_value_text(fs, 1, 5, tmp, sizeof(tmp)) == NULL &&
		strcmp(featset_value_text(fs, 0, 7, tmp, sizeof(tmp)),
		    "(unknown)") == 0,
	    "value text: category name, (unknown), NULL for numbers/NaN");
	info = featset_info(fs);
	{
		char *s = json_dumps(info, JSON_COMPACT);

		is_str(s,
		    "[{\"name\":\"proto\",\"type\":\"categorical\","
		    "\"categories\":2},{\"name\":\"bytes\",\"type\":"
		    "\"numeric\"},"
		    "{\"name\":\"up\",\"type\":\"numeric\"},{\"name\":\"d\","
		    "\"type\":\"numeric\"}]",
		    "--info JSON");
		free(s);
	}
	json_decref(info);

	/* Reorder. */
	featset_cat_add(&fs->f[0], "icmp", 4);
	featset_cat_reorder(&fs->f[0], (size_t[]){2, 0, 1});
	ok(featset_cat_find(&fs->f[0], "icmp", 4) == 0 &&
		featset_cat_find(&fs->f[0], "tcp", 3) == 1 &&
		featset_cat_find(&fs->f[0], "udp", 3) == 2 &&
		strcmp(fs->f[0].cat[0], "icmp") == 0,
	    "reorder {2,0,1}: icmp 0, tcp 1, udp 2");

	/* Payload round trip. */
	buf_init(&b);
	featset_save(fs, &b);
	wire_init(&w, b.data, b.len);
	fl = featset_load(&w);
	all = fl != NULL && fl->n == fs->n && w.p == w.end;
	for (size_t i = 0; all && i < fs->n; i++) {
		if (strcmp(fl->f[i].name, fs->f[i].name) != 0 ||
		    fl->f[i].kind != fs->f[i].kind ||
		    fl->f[i].ncat != fs->f[i].ncat)
			all = 0;
		for (size_t c = 0; all && c < fs->f[i].ncat; c++)
			if (featset_cat_find(&fl->f[i], fs->f[i].cat[c],
				strlen(fs->f[i].cat[c])) != (long)c)
				all = 0;
	}
	ok(all, "save/load: same features, kinds and category numbers");
	featset_free(fl);
	all = 1;
	for (size_t n = 0; n < b.len; n++) {
		wire_init(&w, b.data, n);
		if ((fl = featset_load(&w)) != NULL) {
			all = 0;
			featset_free(fl);
		}
	}
	ok(all, "every truncation of the payload is refused");
	{
		struct buf d;

		buf_init(&d);
		wire_put_u64(&d, 2);
		wire_put_str(&d, "a");
		wire_put_u8(&d, 0);
		wire_put_u64(&d, 0);
		wire_put_str(&d, "a");
		wire_put_u8(&d, 0);
		wire_put_u64(&d, 0);
		wire_init(&w, d.data, d.len);
		ok(featset_load(&w) == NULL && w.bad,
		    "a feature named twice is refused");
		buf_reset(&d);
		wire_put_u64(&d, 1);
		wire_put_str(&d, "a");
		wire_put_u8(&d, 7);
		wire_put_u64(&d, 0);
		wire_init(&w, d.data, d.len);
		ok(featset_load(&w) == NULL, "an unknown kind is refused");
		buf_reset(&d);
		wire_put_u64(&d, 1);
		wire_put_str(&d, "a");
		wire_put_u8(&d, 1);
		wire_put_u64(&d, 2);
		wire_put_str(&d, "x");
		wire_put_str(&d, "x");
		wire_init(&w, d.data, d.len);
		ok(featset_load(&w) == NULL,
		    "a category listed twice is refused");
		buf_release(&d);
	}
	featset_free(fs);

	/* Scanner vs jansson: training and scoring agree on random records. */
	fs = featset_new();
	fj = featset_new();
	jscan_init(&js);
	prng_init(&rng, 8);
	all = 1;
	for (int i = 0; i < 3000; i++) {
		size_t n;

		random_record(&rng, line, sizeof(line));
		if (jscan_object(&js, line, strlen(line)) != JSCAN_OK) {
			all = 0;
			break;
		}
		n = js.n;
		for (size_t j = 0; j < n; j++)
			col[j] = FEATSET_COL_UNKNOWN;
		rec = json_loads(line, 0, NULL);
		if (featset_learn_scan(fs, js.m, NULL, col, n, &x, &cap) < 0) {
			fellback++;
			featset_learn_json(fs, rec, &x, &cap);
		}
		featset_learn_json(fj, rec, &xj, &capj);
		json_decref(rec);
		if (fs->n != fj->n)
			all = 0;
		for (size_t k = 0; all && k < fs->n; k++)
			if (!same(x[k], xj[k]) ||
			    strcmp(fs->f[k].name, fj->f[k].name) != 0 ||
			    fs->f[k].ncat != fj->f[k].ncat)
				all = 0;
	}
	ok(all && fs->n == 6, "learning 3000 records: scanner = jansson");
	ok(fellback > 0, "(escaped strings went through jansson: %d)",
	    fellback);
	all = 1;
	for (int i = 0; i < 3000; i++) {
		size_t n;

		random_record(&rng, line, sizeof(line));
		jscan_object(&js, line, strlen(line));
		n = js.n;
		for (size_t j = 0; j < n; j++)
			col[j] = FEATSET_COL_UNKNOWN;
		rec = json_loads(line, 0, NULL);
		featset_row_json(fs, rec, xr);
		if (featset_row_scan(fs, js.m, col, n, xs) == 0)
			for (size_t k = 0; k < fs->n; k++)
				if (!same(xs[k], xr[k]))
					all = 0;
		json_decref(rec);
	}
	ok(all, "scoring 3000 records: scanner = jansson");
	jscan_release(&js);
	featset_free(fs);
	featset_free(fj);
	featset_free(NULL);
	free(x);
	free(xj);
	buf_release(&b);
	return tap_done();
}
