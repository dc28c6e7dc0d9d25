/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/rftrain: mtry rules, the --grid parser (every key,
 * sqrt/all, each error message), grid size and combination order (first
 * key slowest), fitting a separable problem, stratified cross-validation
 * (the report's shape, AUC near 1 on separable data and near 0.5 on
 * labels that are noise), and the grid search picking the best.
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
	return tap_done();
}
