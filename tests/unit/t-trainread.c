/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/trainread: 6000 training lines over two files (more
 * than two batches), mixing record shapes, nested values, UTF-8 and
 * escapes (the jansson path), null and mistyped values, bad JSON, missing
 * and unknown labels, read with the two-thread reader and compared with
 * a plain jansson reference: the same rejected lines, the same feature
 * schema and categories, the same rows and classes.  Also without labels,
 * and with a group field.
 */
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/prng.h"
#include "forest/trainread.h"
#include "io/io.h"
#include "io/recin.h"
#include "tap.h"

#define N 6000

static char lines[N][160];

static void
make_line(struct prng *r, size_t i, char *out, size_t n)
{
	static const char *lab[] = {"normal.", "smurf.", "normal", "neptune."};
	static const char *svc[] = {
	    "http", "smtp", "caf\xc3\xa9", "a\\\"b", "\\u00e9"};
	uint64_t k = prng_below(r, 20);
	double v = (double)prng_below(r, 1000) / 8;

	if (k == 0)
		snprintf(out, n, "{\"x\":%g,", v); /* bad JSON */
	else if (k == 1)
		snprintf(
		    out, n, "{\"x\":%g,\"svc\":\"http\"}", v); /* no label */
	else if (k == 2)
		snprintf(out, n, "{\"x\":%g,\"label\":\"satan.\"}", v);
	else if (k == 3)
		snprintf(out, n, "{\"x\":%g,\"label\":7}", v);
	else if (k == 4)
		snprintf(out, n,
		    "{\"x\":%g,\"n\":{\"a\":[1]},\"label\":\"normal.\"}", v);
	else if (k == 5)
		snprintf(out, n, "{ \"label\" : \"%s\", \"x\" : %g }",
		    lab[prng_below(r, 4)], v);
	else if (k == 6)
		snprintf(out, n,
		    "{\"late%zu\":1,\"x\":%g,\"label\":\"normal\"}", i % 7, v);
	else if (k < 10)
		snprintf(out, n,
		    "{\"svc\":\"%s\",\"x\":%g,\"label\":\"%s\",\"y\":null}",
		    svc[prng_below(r, 5)], v, lab[prng_below(r, 4)]);
	else
		snprintf(out, n,
		    "{\"x\":%g,\"svc\":\"%s\",\"flag\":%s,\"label\":\"%s\","
		    "\"uuid\":\"%zu\"}",
		    v, svc[prng_below(r, 2)], k % 2 ? "true" : "\"SF\"",
		    lab[prng_below(r, 4)], i);
}

/* The reference: jansson for every line, the same rules. */
static size_t
reference(struct dataset *ds, const struct labels *lab, const char *label)
{
	double *x = NULL;
	size_t cap = 0, bad = 0;

	for (size_t i = 0; i < N; i++) {
		json_t *rec = json_loads(lines[i], 0, NULL), *lv;
		long y = 0;

		if (!json_is_object(rec)) {
			json_decref(rec);
			bad++;
			continue;
		}
		if (label != NULL) {
			lv = json_object_get(rec, label);
			if (!json_is_string(lv) ||
			    (y = labels_class(lab, json_string_value(lv),
				 json_string_length(lv))) < 0) {
				json_decref(rec);
				bad++;
				continue;
			}
		}
		featset_learn_json(ds->fs, rec, &x, &cap);
		dataset_add(ds, x, (uint8_t)y);
		json_decref(rec);
	}
	free(x);
	return bad;
}

static bool
same_data(const struct dataset *a, const struct dataset *b)
{
	const struct featset *fa = a->fs, *fb = b->fs;

	if (a->nrows != b->nrows || fa->n != fb->n) {
		printf("# rows %zu/%zu, features %zu/%zu\n", a->nrows, b->nrows,
		    fa->n, fb->n);
		return false;
	}
	for (size_t f = 0; f < fa->n; f++) {
		if (strcmp(fa->f[f].name, fb->f[f].name) != 0 ||
		    fa->f[f].kind != fb->f[f].kind ||
		    fa->f[f].ncat != fb->f[f].ncat) {
			printf("# feature %zu: %s/%s\n", f, fa->f[f].name,
			    fb->f[f].name);
			return false;
		}
		for (size_t c = 0; c < fa->f[f].ncat; c++)
			if (fa->f[f].catlen[c] != fb->f[f].catlen[c] ||
			    memcmp(fa->f[f].cat[c], fb->f[f].cat[c],
				fa->f[f].catlen[c]) != 0)
				return false;
	}
	for (size_t r = 0; r < a->nrows; r++) {
		if (a->y[r] != b->y[r])
			return false;
		for (size_t f = 0; f < fa->n; f++) {
			double u = f < a->ncols ? a->col[f][r] : NAN,
			       v = f < b->ncols ? b->col[f][r] : NAN;

			if (!(u == v || (isnan(u) && isnan(v)))) {
				printf("# row %zu feature %zu: %g/%g\n", r, f,
				    u, v);
				return false;
			}
		}
	}
	return true;
}

static const char *group_by; /* dataset_group_by() field, or NULL */

static int
run(const char *label, char **ops, size_t *rejects, struct dataset **out,
    struct labels *lab)
{
	struct io_conf conf;
	struct ad_err err;
	struct recin *in;
	struct featset *fs = featset_new();
	int rc, null = open("/dev/null", O_WRONLY), saved;

	featset_set_lists(fs, NULL, NULL, label);
	*out = dataset_new(fs);
	if (group_by != NULL)
		dataset_group_by(*out, group_by);
	io_conf_init(&conf, "t-trainread");
	in = recin_new(ops, 2, &conf, NULL, false, &err);
	fflush(stderr);
	saved = dup(2);
	dup2(null, 2);
	rc = trainread(in, *out, label, lab, "classes.txt", &err);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(null);
	*rejects = recin_reject_count(in);
	recin_free(in);
	return rc;
}

/* Groups: strings, numbers and literals, on both paths; none rejected. */
static void
test_groups(const char *path, char **ops)
{
	static const uint32_t want[] = {0, 1, 0, 2, 2, 1, 3};
	struct labels lab;
	struct dataset *ds;
	size_t rejects;
	FILE *fp = fopen(path, "w");

	fputs("{\"x\":1,\"g\":\"a\",\"label\":\"normal\"}\n"
	      "{\"x\":2,\"g\":7,\"label\":\"smurf.\"}\n"
	      "{\"x\":3,\"g\":\"a\",\"label\":\"smurf.\"}\n"
	      "{\"x\":4,\"label\":\"normal\"}\n"
	      "{\"x\":5,\"g\":\"caf\\u00e9\",\"label\":\"normal\"}\n"
	      "{\"x\":6,\"g\":\"caf\xc3\xa9\",\"label\":\"smurf.\"}\n"
	      "{\"x\":7,\"g\":7,\"label\":\"normal\"}\n"
	      "{\"x\":8,\"g\":null,\"label\":\"normal\"}\n"
	      "{\"x\":9,\"g\":true,\"label\":\"normal\"}\n",
	    fp);
	fclose(fp);
	fclose(fopen(ops[1], "w"));
	labels_binary(&lab, "normal");
	group_by = "g";
	ok(run("label", ops, &rejects, &ds, &lab) == 0, "read with groups");
	group_by = NULL;
	ok(rejects == 2 && ds->nrows == 7 && ds->ngroups == 4,
	    "no group or a null one: rejected (%zu); %zu rows, %zu groups",
	    rejects, ds->nrows, ds->ngroups);
	ok(ds->group != NULL && memcmp(ds->group, want, sizeof(want)) == 0,
	    "groups a 7 a caf\u00e9 caf\u00e9 7 true: 0 1 0 2 2 1 3");
	featset_free(ds->fs);
	dataset_free(ds);
	labels_release(&lab);
}

int
main(void)
{
	char dir[] = "/tmp/t-trainread-XXXXXX", a[300], b[300], *ops[2];
	struct prng rng;
	struct labels lab;
	struct dataset *ds, *ref;
	struct featset *rfs;
	size_t rejects, bad;
	FILE *fp;

	prng_init(&rng, 12);
	for (size_t i = 0; i < N; i++)
		make_line(&rng, i, lines[i], sizeof(lines[i]));
	mkdtemp(dir);
	snprintf(a, sizeof(a), "%s/a.ndjson", dir);
	snprintf(b, sizeof(b), "%s/b.ndjson", dir);
	fp = fopen(a, "w");
	for (size_t i = 0; i < 2500; i++)
		fprintf(fp, "%s\n", lines[i]);
	fclose(fp);
	fp = fopen(b, "w");
	for (size_t i = 2500; i < N; i++)
		fprintf(fp, "%s\n", lines[i]);
	fclose(fp);
	ops[0] = a;
	ops[1] = b;

	labels_binary(&lab, "normal");
	ok(run("label", ops, &rejects, &ds, &lab) == 0, "read 6000 lines");
	rfs = featset_new();
	featset_set_lists(rfs, NULL, NULL, "label");
	ref = dataset_new(rfs);
	bad = reference(ref, &lab, "label");
	ok(rejects == bad && ds->nrows == N - bad,
	    "%zu rejected, as the reference (%zu); %zu rows", rejects, bad,
	    ds->nrows);
	ok(same_data(ds, ref),
	    "same features, categories, values and classes as jansson");
	ok(featset_find(ds->fs, "uuid", 4) < 0 &&
		featset_find(ds->fs, "label", 5) < 0 &&
		featset_find(ds->fs, "svc", 3) >= 0,
	    "no uuid or label among the features");
	featset_free(ds->fs);
	dataset_free(ds);
	featset_free(rfs);
	dataset_free(ref);
	labels_release(&lab);

	/* Unsupervised: no label, only bad JSON is rejected. */
	ok(run(NULL, ops, &rejects, &ds, NULL) == 0, "read without labels");
	rfs = featset_new();
	featset_set_lists(rfs, NULL, NULL, NULL);
	ref = dataset_new(rfs);
	bad = reference(ref, NULL, NULL);
	ok(rejects == bad && same_data(ds, ref),
	    "without labels: %zu rejected (bad JSON only), data as jansson",
	    rejects);
	ok(featset_find(ds->fs, "label", 5) >= 0,
	    "the label is an ordinary field then");
	featset_free(ds->fs);
	dataset_free(ds);
	featset_free(rfs);
	dataset_free(ref);
	test_groups(a, ops);
	unlink(a);
	unlink(b);
	rmdir(dir);
	return tap_done();
}
