/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/rftrain: mtry rules, the --grid parser (every key,
 * sqrt/all, each error message), grid size and combination order (first
 * key slowest), fitting a separable problem, stratified cross-validation
 * (the report's shape, AUC near 1 on separable data and near 0.5 on
 * labels that are noise), the grid search picking the best, class
 * weights, the pooled decisions with and without costs, and folds that
 * keep groups whole.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/prng.h"
#include "forest/rftrain.h"
#include "tap.h"

static struct featset *fs;

static int
no_equals_child(void)
{
	pid_t pid;
	int st;

	fflush(stdout);
	if ((pid = fork()) == 0) {
		struct ad_err err;
		json_t *g;

		ad_err_clear(&err);
		_exit(rftrain_grid_parse("trees", &g, &err) == -1 &&
			      strcmp(err.msg, "--grid: expected "
					      "'name=v1,v2 ...', got "
					      "'trees'") == 0
			  ? 0
			  : 1);
	}
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static struct dataset *
data(bool noise_labels)
{
	struct dataset *ds;
	struct prng rng;
	double x[2];

	fs = featset_new();
	featset_add(fs, "x", 1, FEATURE_NUMERIC);
	featset_add(fs, "z", 1, FEATURE_NUMERIC);
	ds = dataset_new(fs);
	prng_init(&rng, 5);
	for (int i = 0; i < 400; i++) {
		x[0] = i % 100;
		x[1] = prng_normal(&rng);
		dataset_add(ds, x,
		    noise_labels ? (uint8_t)prng_below(&rng, 2) : x[0] >= 50);
	}
	dataset_bin(ds, 255, 1);
	return ds;
}

static double
jnum(json_t *o, const char *a, const char *b)
{
	return json_number_value(json_object_get(json_object_get(o, a), b));
}

/*
 * A constant feature and 300 normal rows to 100 attacks: every tree is
 * one leaf, P(attack) about .25 for every row.
 */
static struct dataset *
flat_data(size_t na)
{
	struct dataset *ds;
	double x[1] = {1};

	fs = featset_new();
	featset_add(fs, "x", 1, FEATURE_NUMERIC);
	ds = dataset_new(fs);
	for (size_t i = 0; i < 300 + na; i++)
		dataset_add(ds, x, i >= 300);
	dataset_bin(ds, 255, 1);
	return ds;
}

/*
 * Class weights, and the pooled out-of-fold decisions: by most probable
 * class and by least expected cost, with groups kept whole.
 */
static void
test_costs_weights(struct rftrain p)
{
	double w[3], k[4] = {0, 1, 4, 0}, proba[2], auc;
	struct dataset *ds = flat_data(100);
	struct forest *f;
	json_t *rep, *pl;

	/* n 400, K 2: normal 400 / (2 300) = 2/3, attack 400 / 200 = 2 */
	rftrain_class_weights(ds, NULL, 0, 3, 1, w);
	ok(fabs(w[0] - 2.0 / 3) < 1e-12 && w[1] == 2 && w[2] == 0,
	    "balanced weights 2/3, 2, and 0 for a class absent");
	rftrain_class_weights(ds, NULL, 0, 2, 0.5, w);
	ok(fabs(w[0] - sqrt(2.0 / 3)) < 1e-12 && fabs(w[1] - sqrt(2)) < 1e-12,
	    "balance .5: square roots");
	rftrain_class_weights(
	    ds, (uint32_t[]){0, 1, 2, 300}, 4, 2, 1, w); /* 3 to 1 */
	ok(fabs(w[0] - 4.0 / 6) < 1e-12 && w[1] == 2, "over selected rows");
	p.trees = 50;
	f = rftrain_fit(ds, &p, NULL, 0);
	forest_predict_bins(f, ds->bins, proba);
	ok(fabs(proba[1] - 0.25) < 0.03, "unweighted P(attack) %.3f ~ .25",
	    proba[1]);
	forest_free(f);
	p.balance = 1;
	f = rftrain_fit(ds, &p, NULL, 0);
	forest_predict_bins(f, ds->bins, proba);
	ok(fabs(proba[1] - 0.5) < 0.05, "balanced P(attack) %.3f ~ .5",
	    proba[1]);
	forest_free(f);
	p.balance = 0;

	/*
	 * Out of fold P(attack) ~ .25 everywhere.  Most probable: normal
	 * for all, accuracy .75, cost 100 x 4 / 400 = 1.  Least expected
	 * cost: normal costs .25 x 4 = 1, attack .75 x 1 = .75: attack for
	 * all, accuracy .25, cost 300 x 1 / 400 = .75.
	 */
	p.costs = k;
	rep = rftrain_cv(ds, &p, 4, NULL, &auc);
	pl = json_object_get(rep, "pooled");
	ok(json_integer_value(json_object_get(pl, "rows")) == 400,
	    "pooled over 400 rows");
	ok(jnum(pl, "argmax", "accuracy") == 0.75 &&
		jnum(pl, "argmax", "cost") == 1,
	    "most probable: accuracy .75, cost 1");
	ok(jnum(pl, "least_cost", "accuracy") == 0.25 &&
		jnum(pl, "least_cost", "cost") == 0.75,
	    "least expected cost: accuracy .25, cost .75");
	ok(json_integer_value(json_array_get(
	       json_array_get(json_object_get(json_object_get(pl, "least_cost"),
				  "confusion"),
		   0),
	       1)) == 300,
	    "confusion: 300 normal rows decided attack");
	json_decref(rep);
	p.costs = NULL;
	dataset_free(ds);
	featset_free(fs);

	/*
	 * Groups: attacks x < 0 in group 0, x > 0 in group 1, normal at 0.
	 * Two folds, one group each: a fold's training set holds the other
	 * kind of attack, so the held-out attacks score low and the pooled
	 * AUC stays far below the stratified one.
	 */
	fs = featset_new();
	featset_add(fs, "x", 1, FEATURE_NUMERIC);
	ds = dataset_new(fs);
	dataset_group_by(ds, "g");
	for (int i = 0; i < 600; i++) {
		double x[1] = {i < 400 ? (double)(i % 7) - 3 : 0};

		if (i < 400 && x[0] == 0)
			x[0] = 9;
		dataset_add(ds, x, i >= 400 ? 0 : 1);
		dataset_set_group(ds,
		    i >= 400   ? "n"
		    : x[0] < 0 ? "lo"
			       : "hi",
		    2);
	}
	dataset_bin(ds, 255, 1);
	rep = rftrain_cv(ds, &p, 2, NULL, &auc);
	ok(auc < 0.8 && auc == jnum(rep, "pooled", "auc"),
	    "grouped: the pooled AUC (%.3f) is the summary", auc);
	json_decref(rep);
	free(ds->group);
	ds->group = NULL;
	rep = rftrain_cv(ds, &p, 2, NULL, &auc);
	ok(auc > 0.99, "stratified on the same rows: AUC %.3f", auc);
	json_decref(rep);
	dataset_free(ds);
	featset_free(fs);
}

int
main(void)
{
	char *classes[] = {"normal", "attack"};
	struct rftrain p = {.mode = FORESTFILE_SUPERVISED,
	    .trees = 10,
	    .max_depth = 8,
	    .max_bins = 255,
	    .min_leaf = 1,
	    .mtry = 0,
	    .sample_rate = 1,
	    .fraction = 1,
	    .sample_size = 256,
	    .seed = 1,
	    .threads = 1,
	    .nclass = 2,
	    .classes = classes};
	struct rftrain q;
	struct ad_err err;
	struct dataset *ds;
	struct forest *f;
	json_t *g, *params, *rep;
	double auc, x[2];
	char *s;
	int right = 0;

	/* mtry. */
	q = p;
	q.mtry = RFTRAIN_SQRT;
	ok(rftrain_mtry(&q, 41) == 6 && rftrain_mtry(&q, 1) == 1 &&
		rftrain_mtry(&q, 0) == 1,
	    "sqrt: floor(sqrt 41) = 6, at least 1");
	q.mtry = 0;
	ok(rftrain_mtry(&q, 41) == 0, "0: all");
	q.mtry = 5;
	ok(rftrain_mtry(&q, 41) == 5 && rftrain_mtry(&q, 5) == 0 &&
		rftrain_mtry(&q, 3) == 0,
	    "5 of 41; 5 or more of 5: all");

	/* Grid parsing. */
	ok(rftrain_grid_parse("trees=30,100 max-depth=15,20 mtry=sqrt,all,3 "
			      "sample-rate=0.5,1 min-leaf=1",
	       &g, &err) == 0,
	    "a grid of every key");
	s = json_dumps(g, JSON_COMPACT | JSON_PRESERVE_ORDER);
	is_str(s,
	    "{\"trees\":[30,100],\"max-depth\":[15,20],\"mtry\":[\"sqrt\","
	    "\"all\",3],\"sample-rate\":[0.5,1.0],\"min-leaf\":[1]}",
	    "parsed as JSON arrays in order");
	free(s);
	ok(rftrain_grid_size(g) == 2 * 2 * 3 * 2 * 1, "24 combinations");
	q = p;
	rftrain_grid_apply(g, 0, &q, &params);
	ok(q.trees == 30 && q.max_depth == 15 && q.mtry == RFTRAIN_SQRT &&
		q.sample_rate == 0.5 && q.min_leaf == 1,
	    "combination 0: the first of each");
	json_decref(params);
	rftrain_grid_apply(g, 1, &q, &params);
	ok(q.trees == 30 && q.max_depth == 15 && q.mtry == RFTRAIN_SQRT &&
		q.sample_rate == 1,
	    "combination 1: the last key moves first");
	json_decref(params);
	rftrain_grid_apply(g, 23, &q, &params);
	ok(q.trees == 100 && q.max_depth == 20 && q.mtry == 3 &&
		q.sample_rate == 1 &&
		json_integer_value(json_object_get(params, "mtry")) == 3,
	    "combination 23: the last of each, params as JSON");
	json_decref(params);
	rftrain_grid_apply(g, 12 + 2, &q, &params);
	ok(q.trees == 100 && q.max_depth == 15 && q.mtry == 0,
	    "combination 14: trees 100, depth 15, mtry all");
	json_decref(params);
	json_decref(g);

	ad_err_clear(&err);
	ok(rftrain_grid_parse("depth=3", &g, &err) == -1 &&
		err.status == EX_USAGE &&
		strcmp(err.msg, "--grid: unknown parameter 'depth' (use trees, "
				"max-depth, min-leaf, mtry, sample-rate)") == 0,
	    "unknown key");
	ad_err_clear(&err);
	/*
	 * In a child that ends with _exit(): the parser leaks the value
	 * array of a token without '=' (reported), which LeakSanitizer
	 * would flag at exit.
	 */
	ok(no_equals_child() == 0, "no '='");
	ad_err_clear(&err);
	ok(rftrain_grid_parse("trees=", &g, &err) == -1 &&
		err.status == EX_USAGE,
	    "no values");
	ad_err_clear(&err);
	ok(rftrain_grid_parse("", &g, &err) == -1 && err.status == EX_USAGE,
	    "empty grid");
	ad_err_clear(&err);
	ok(rftrain_grid_parse("trees=0", &g, &err) == -1 &&
		err.status == EX_USAGE,
	    "trees 0: out of range (%s)", err.msg);
	ad_err_clear(&err);
	ok(rftrain_grid_parse("max-depth=65", &g, &err) == -1,
	    "max-depth 65: out of range (%s)", err.msg);
	ad_err_clear(&err);
	ok(rftrain_grid_parse("sample-rate=1.5", &g, &err) == -1,
	    "sample-rate 1.5: out of range (%s)", err.msg);
	ad_err_clear(&err);
	ok(rftrain_grid_parse("mtry=half", &g, &err) == -1,
	    "mtry half: refused (%s)", err.msg);

	/* Fitting. */
	ds = data(false);
	f = rftrain_fit(ds, &p, NULL, 0);
	ok(f->kind == FOREST_CLASSIFIER && f->ntrees == 10 && f->nclass == 2,
	    "a 10-tree classifier");
	for (int i = 0; i < 100; i++) {
		x[0] = i + 0.25;
		x[1] = 0;
		right += (forest_predict(f, x, NULL, NULL) >= 0.5) == (i >= 50);
	}
	ok(right >= 98, "separable: %d of 100 right", right);
	forest_free(f);

	/* Cross-validation. */
	rep = rftrain_cv(ds, &p, 5, NULL, &auc);
	ok(json_array_size(json_object_get(rep, "folds")) == 5 &&
		json_object_get(rep, "mean") != NULL &&
		json_object_get(rep, "sd") != NULL,
	    "cv report: 5 folds, mean, sd");
	ok(auc > 0.99, "separable: mean AUC %.4f", auc);
	json_decref(rep);
	dataset_free(ds);
	featset_free(fs);
	ds = data(true);
	rep = rftrain_cv(ds, &p, 4, NULL, &auc);
	ok(auc > 0.35 && auc < 0.65, "labels that are noise: AUC %.3f", auc);
	json_decref(rep);

	/* Grid search. */
	rftrain_grid_parse("max-depth=1,8", &g, &err);
	q = p;
	rep = rftrain_search(ds, &q, 3, g, NULL, NULL, &auc);
	ok(json_array_size(json_object_get(rep, "grid")) == 2 &&
		json_object_get(rep, "best") != NULL &&
		json_integer_value(json_object_get(rep, "folds")) == 3 &&
		json_integer_value(json_object_get(rep, "rows")) == 400,
	    "search report: 2 runs, best, folds, rows");
	json_decref(rep);
	json_decref(g);
	dataset_free(ds);
	featset_free(fs);
	ds = data(false);
	rftrain_grid_parse("max-depth=1,2 min-leaf=400,1", &g, &err);
	q = p;
	rep = rftrain_search(ds, &q, 3, g, NULL, NULL, &auc);
	ok(q.min_leaf == 1 && auc > 0.99,
	    "search: min-leaf 400 (no split) loses; p set to the best "
	    "(depth %d, min-leaf %d, AUC %.3f)",
	    q.max_depth, q.min_leaf, auc);
	json_decref(rep);
	json_decref(g);
	q = p;
	rep = rftrain_search(ds, &q, 3, NULL, NULL, NULL, &auc);
	ok(json_object_get(rep, "cv") != NULL &&
		json_object_get(rep, "grid") == NULL && auc > 0.99,
	    "no grid: one cv");
	json_decref(rep);
	dataset_free(ds);
	featset_free(fs);
	test_costs_weights(p);
	return tap_done();
}
