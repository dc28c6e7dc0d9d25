/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * ad-train-rf's training steps (see rftrain.h).  Cross-validation bins
 * the data once, on all rows (binning looks at feature values only, never
 * at labels), and predicts the held-out fold in bin space.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "forest/contrast.h"
#include "forest/cv.h"
#include "forest/iforest.h"
#include "base/num.h"
#include "forest/rftrain.h"
#include "forest/boost.h"
#include "record/costs.h"

/* Features tried per split for nfeat features (0 means all). */
int
rftrain_mtry(const struct rftrain *p, size_t nfeat)
{
	if (p->mtry == RFTRAIN_SQRT) {
		int m = (int)floor(sqrt((double)nfeat));

		return m < 1 ? 1 : m;
	}
	if (p->mtry == 0 || (size_t)p->mtry >= nfeat)
		return 0;
	return p->mtry;
}

/*
 * Class weights w[nclass] that balance the classes of rows[0..nsel) of
 * ds (all when rows is NULL) to the power balance: w[c] = (n / (K n_c))
 * ^ balance, K the classes present, n_c the rows of class c (0 when
 * there are none).  Balance 0 gives every class 1; 1 gives every class
 * the same total weight.
 */
void
rftrain_class_weights(const struct dataset *ds, const uint32_t *rows,
    size_t nsel, size_t nclass, double balance, double *w)
{
	size_t n = rows ? nsel : ds->nrows, present = 0;
	double cnt[FOREST_MAX_CLASSES] = {0};

	for (size_t i = 0; i < n; i++)
		cnt[ds->y[rows ? rows[i] : i]]++;
	for (size_t c = 0; c < nclass; c++)
		present += cnt[c] > 0;
	for (size_t c = 0; c < nclass; c++)
		w[c] = cnt[c] > 0 ? pow((double)n / ((double)present * cnt[c]),
					balance)
				  : 0;
}

static void
on_progress(size_t done, void *arg)
{
	struct rftrain *p = arg;

	if (p->prog != NULL)
		progress_update(p->prog, p->prog_base + done);
}

/*
 * Fit a forest of p->mode on rows[0..nsel) of ds (all when rows is NULL).
 * ds must be binned.  Returns a new forest (caller frees).
 */
struct forest *
rftrain_fit(const struct dataset *ds, struct rftrain *p, const uint32_t *rows,
    size_t nsel)
{
	struct forest *f;
	bool *cat = xcalloc(ds->nfeat + 1, sizeof(bool));
	uint8_t *cbins = NULL, *cy = NULL;
	struct trainset ts = {.nrows = ds->nrows,
	    .nfeat = ds->nfeat,
	    .nclass = p->nclass,
	    .bins = ds->bins,
	    .y = ds->y,
	    .nbins = ds->nbins,
	    .categorical = cat,
	    .edges = (const double *const *)ds->edges,
	    .rows = rows,
	    .nsel = nsel};
	struct forest_params fp = {.trees = p->trees,
	    .max_depth = p->max_depth,
	    .min_leaf = p->min_leaf,
	    .mtry = rftrain_mtry(p, ds->nfeat),
	    .sample_rate = p->sample_rate,
	    .replace = true,
	    .seed = p->seed,
	    .threads = p->threads,
	    .progress = on_progress,
	    .progress_arg = p};

	double cw[FOREST_MAX_CLASSES];

	for (size_t i = 0; i < ds->nfeat; i++)
		cat[i] = ds->fs->f[i].kind == FEATURE_CATEGORICAL;
	if (p->mode == FORESTFILE_SUPERVISED && p->balance > 0) {
		rftrain_class_weights(
		    ds, rows, nsel, p->nclass, p->balance, cw);
		fp.class_weight = cw;
	}
	if (p->mode == FORESTFILE_ISOLATION) {
		struct iforest_params ip = {.trees = p->trees,
		    .psi = p->sample_size,
		    .max_depth = p->max_depth,
		    .split = (enum iforest_split)p->split,
		    .scoring = (enum iforest_scoring)p->scoring,
		    .seed = p->seed,
		    .threads = p->threads,
		    .progress = on_progress,
		    .progress_arg = p};

		free(cat);
		return iforest_train(ds, rows, nsel, &ip);
	}
	if (p->mode == FORESTFILE_UNSUPERVISED) {
		ts.nrows = contrast_make(ds, p->fraction, p->seed, &cbins, &cy);
		ts.bins = cbins;
		ts.y = cy;
		ts.nclass = 2;
		ts.rows = NULL;
	}
	if (p->boost) {
		struct boost_params bp = {.rounds = p->rounds,
		    .max_depth = p->max_depth,
		    .min_leaf = p->min_leaf,
		    .learning_rate = p->learning_rate,
		    .lambda = p->lambda,
		    .early_stop = p->early_stop,
		    .valid_fraction = p->valid_fraction,
		    .class_weight = fp.class_weight,
		    .seed = p->seed,
		    .threads = p->threads,
		    .progress = on_progress,
		    .progress_arg = p};

		f = boost_train(&ts, &bp);
		p->rounds_kept = bp.rounds_kept;
	} else
		f = forest_train(&ts, &fp);
	free(cbins);
	free(cy);
	free(cat);
	return f;
}

static void
print_metrics(FILE *fp, const char *what, const struct cv_metrics *m)
{
	fprintf(fp,
	    "%s: auc %.6f accuracy %.6f precision %.6f recall %.6f "
	    "f1 %.6f\n",
	    what, m->auc, m->accuracy, m->precision, m->recall, m->f1);
}

/*
 * Decisions for the rows' class probabilities proba (n x K) by the most
 * probable class, or with costs by the least expected cost: their
 * confusion matrix (rows actual, columns decided), accuracy and, with
 * costs, mean cost per row, as a new JSON object.
 */
static json_t *
decisions(const uint8_t *y, size_t n, size_t K, const double *proba,
    const double *costs, bool least_cost, double *mean_cost, double *acc)
{
	size_t *conf = xcalloc(K * K, sizeof(size_t)), right = 0;
	double total = 0;
	json_t *o = json_object(), *rows = json_array();

	for (size_t i = 0; i < n; i++) {
		const double *pr = proba + i * K;
		size_t d = 0;

		if (least_cost)
			d = costs_choose(costs, K, pr, NULL);
		else
			for (size_t q = 1; q < K; q++)
				if (pr[q] > pr[d])
					d = q;
		conf[y[i] * K + d]++;
		right += d == y[i];
		if (costs != NULL)
			total += costs[y[i] * K + d];
	}
	*acc = n ? (double)right / (double)n : NAN;
	*mean_cost = costs != NULL && n ? total / (double)n : NAN;
	json_object_set_new(o, "accuracy", json_real(round(*acc * 1e6) / 1e6));
	if (costs != NULL)
		json_object_set_new(
		    o, "cost", json_real(round(*mean_cost * 1e6) / 1e6));
	for (size_t a = 0; a < K; a++) {
		json_t *row = json_array();

		for (size_t d = 0; d < K; d++)
			json_array_append_new(
			    row, json_integer((json_int_t)conf[a * K + d]));
		json_array_append_new(rows, row);
	}
	json_object_set_new(o, "confusion", rows);
	free(conf);
	return o;
}

/*
 * Out-of-fold figures over every row at once (each row was scored by
 * the one forest that did not train on it): binary AUC, and the class
 * decisions by largest probability and, with p->costs, by least expected
 * cost.  Printed on text unless NULL; returned as a new JSON object
 * {"rows","auc","argmax":{..}[,"least_cost":{..}]}.
 */
static json_t *
pooled(const uint8_t *y, size_t n, size_t K, const double *score,
    const uint8_t *pos, const double *proba, const struct rftrain *p,
    FILE *text)
{
	json_t *o = json_object();
	double auc = cv_auc(score, pos, n), cost, acc, lcost, lacc;

	json_object_set_new(o, "rows", json_integer((json_int_t)n));
	json_object_set_new(o, "auc",
	    isnan(auc) ? json_null() : json_real(round(auc * 1e6) / 1e6));
	json_object_set_new(o, "argmax",
	    decisions(y, n, K, proba, p->costs, false, &cost, &acc));
	if (p->costs != NULL)
		json_object_set_new(o, "least_cost",
		    decisions(y, n, K, proba, p->costs, true, &lcost, &lacc));
	if (text != NULL) {
		fprintf(text, "pooled: auc %.6f accuracy %.6f", auc, acc);
		if (p->costs != NULL)
			fprintf(text,
			    " cost %.6f; least expected cost: accuracy %.6f "
			    "cost %.6f",
			    cost, lacc, lcost);
		fputc('\n', text);
	}
	return o;
}

/*
 * Stratified k-fold cross-validation of a supervised forest with
 * parameters p.  Prints one line per fold and the mean +- sd on text
 * (when not NULL) and returns the report as a new JSON object:
 * {"folds":[..],"mean":{..},"sd":{..},"pooled":{..}
 * [,"classes":{name:{"mean","sd"}}]}.  *mean_auc gets the mean AUC.
 * When ds has groups the folds keep them whole (cv_group_folds()) and
 * *mean_auc is the pooled AUC, since a fold may hold no positives.
 */
json_t *
rftrain_cv(const struct dataset *ds, struct rftrain *p, int k, FILE *text,
    double *mean_auc)
{
	size_t n = ds->nrows, K = p->nclass;
	uint8_t *fold = xcalloc(n ? n : 1, 1);
	uint32_t *train = xcalloc(n ? n : 1, sizeof(uint32_t));
	double *score = xcalloc(n ? n : 1, sizeof(double));
	double *proba = xcalloc((n ? n : 1) * K, sizeof(double));
	uint8_t *pos = xcalloc(n ? n : 1, 1);
	struct cv_metrics *fm = xcalloc((size_t)k, sizeof(*fm));
	struct cv_metrics *cm = xcalloc((size_t)k * K, sizeof(*cm));
	double *oof_score = xcalloc(n ? n : 1, sizeof(double));
	double *oof_proba = xcalloc((n ? n : 1) * K, sizeof(double));
	json_t *rep = json_object(), *folds = json_array(), *sum;

	if (ds->group != NULL)
		cv_group_folds(
		    ds->y, ds->group, ds->ngroups, n, k, p->seed, fold);
	else
		cv_folds(ds->y, n, K, k, p->seed, fold);
	for (int fi = 0; fi < k; fi++) {
		size_t nt = 0, nh = 0;
		struct forest *f;
		json_t *fo;
		char what[32];

		for (size_t i = 0; i < n; i++)
			if (fold[i] != fi)
				train[nt++] = (uint32_t)i;
		f = rftrain_fit(ds, p, train, nt);
		p->prog_base += (uint64_t)p->trees;
		for (size_t i = 0; i < n; i++) {
			if (fold[i] != fi)
				continue;
			score[nh] = forest_predict_bins(
			    f, ds->bins + i * ds->nfeat, proba + nh * K);
			pos[nh] = ds->y[i] != 0;
			oof_score[i] = score[nh];
			memcpy(oof_proba + i * K, proba + nh * K,
			    K * sizeof(double));
			train[nh++] = (uint32_t)i; /* remember held-out rows */
		}
		cv_binary(score, pos, nh, 0.5, &fm[fi]);
		fo = cv_metrics_json(&fm[fi]);
		json_object_set_new(fo, "fold", json_integer(fi + 1));
		json_object_set_new(fo, "rows", json_integer((json_int_t)nh));
		if (K > 2) {
			/* one-vs-rest per class; decisions by largest share */
			json_t *cls = json_object();
			double *s = xcalloc(nh ? nh : 1, sizeof(double));
			uint8_t *is = xcalloc(nh ? nh : 1, 1);

			for (size_t c = 0; c < K; c++) {
				struct cv_metrics *m = &cm[(size_t)fi * K + c];
				double tp = 0, fp = 0, fn = 0;

				for (size_t i = 0; i < nh; i++) {
					size_t best = 0;

					for (size_t q = 1; q < K; q++)
						if (proba[i * K + q] >
						    proba[i * K + best])
							best = q;
					s[i] = proba[i * K + c];
					is[i] = ds->y[train[i]] == c;
					tp += best == c && is[i];
					fp += best == c && !is[i];
					fn += best != c && is[i];
				}
				m->auc = cv_auc(s, is, nh);
				m->precision = tp + fp > 0 ? tp / (tp + fp) : 0;
				m->recall = tp + fn > 0 ? tp / (tp + fn) : 0;
				m->f1 =
				    tp > 0 ? 2 * tp / (2 * tp + fp + fn) : 0;
				m->accuracy = NAN;
				json_object_set_new(
				    cls, p->classes[c], cv_metrics_json(m));
			}
			json_object_set_new(fo, "classes", cls);
			free(s);
			free(is);
		}
		json_array_append_new(folds, fo);
		if (text != NULL) {
			snprintf(what, sizeof(what), "fold %d/%d", fi + 1, k);
			print_metrics(text, what, &fm[fi]);
		}
		forest_free(f);
	}
	json_object_set_new(rep, "folds", folds);
	sum = cv_summary_json(fm, (size_t)k);
	json_object_update(rep, sum);
	json_decref(sum);
	*mean_auc = json_real_value(
	    json_object_get(json_object_get(rep, "mean"), "auc"));
	if (text != NULL) {
		json_t *mn = json_object_get(rep, "mean"),
		       *sd = json_object_get(rep, "sd");
		const char *keys[] = {
		    "auc", "accuracy", "precision", "recall", "f1"};

		fprintf(text, "mean:");
		for (int i = 0; i < 5; i++)
			fprintf(text, " %s %.6f +- %.6f", keys[i],
			    json_real_value(json_object_get(mn, keys[i])),
			    json_real_value(json_object_get(sd, keys[i])));
		fputc('\n', text);
	}
	for (size_t i = 0; i < n; i++)
		pos[i] = ds->y[i] != 0;
	sum = pooled(ds->y, n, K, oof_score, pos, oof_proba, p, text);
	if (ds->group != NULL) /* per-fold AUCs may lack positives */
		*mean_auc = json_real_value(json_object_get(sum, "auc"));
	json_object_set_new(rep, "pooled", sum);
	if (K > 2) {
		json_t *cls = json_object();
		struct cv_metrics *one = xcalloc((size_t)k, sizeof(*one));

		for (size_t c = 0; c < K; c++) {
			for (int fi = 0; fi < k; fi++)
				one[fi] = cm[(size_t)fi * K + c];
			sum = cv_summary_json(one, (size_t)k);
			json_object_set_new(cls, p->classes[c], sum);
			if (text != NULL) {
				struct cv_metrics mm = {0};

				for (int fi = 0; fi < k; fi++) {
					mm.auc += one[fi].auc / k;
					mm.precision += one[fi].precision / k;
					mm.recall += one[fi].recall / k;
					mm.f1 += one[fi].f1 / k;
				}
				fprintf(text,
				    "class %s: auc %.6f precision "
				    "%.6f recall %.6f f1 %.6f\n",
				    p->classes[c], mm.auc, mm.precision,
				    mm.recall, mm.f1);
			}
		}
		json_object_set_new(rep, "classes", cls);
		free(one);
	}
	free(fold);
	free(train);
	free(score);
	free(proba);
	free(pos);
	free(fm);
	free(cm);
	free(oof_score);
	free(oof_proba);
	return rep;
}

static const char *const grid_keys[] = {
    "trees", "max-depth", "min-leaf", "mtry", "sample-rate", NULL};

/*
 * Parse a grid "trees=30,100 max-depth=15,20" into a new JSON object of
 * arrays ({"trees":[30,100],...}).  Returns 0, or -1 with err set
 * (EX_USAGE) for an unknown key or a bad value.
 */
int
rftrain_grid_parse(const char *spec, json_t **grid, struct ad_err *err)
{
	char *copy = xstrdup(spec), *save = NULL, *tok;
	json_t *g = json_object();

	for (tok = strtok_r(copy, " \t", &save); tok != NULL;
	     tok = strtok_r(NULL, " \t", &save)) {
		char *eq = strchr(tok, '='), *vsave = NULL, *v;
		json_t *vals = json_array();
		int ki;

		if (eq == NULL)
			goto bad;
		*eq = '\0';
		for (ki = 0; grid_keys[ki] != NULL; ki++)
			if (strcmp(grid_keys[ki], tok) == 0)
				break;
		if (grid_keys[ki] == NULL) {
			json_decref(vals);
			ad_err_set(err, EX_USAGE,
			    "--grid: unknown parameter '%s' (use trees, "
			    "max-depth, min-leaf, mtry, sample-rate)",
			    tok);
			goto out;
		}
		for (v = strtok_r(eq + 1, ",", &vsave); v != NULL;
		     v = strtok_r(NULL, ",", &vsave)) {
			double d;
			long l;

			if (strcmp(tok, "sample-rate") == 0) {
				if (num_parse_double("--grid sample-rate", v,
					1e-6, 1, &d, err) < 0)
					goto fail;
				json_array_append_new(vals, json_real(d));
			} else if (strcmp(tok, "mtry") == 0 &&
				   (strcmp(v, "sqrt") == 0 ||
				       strcmp(v, "all") == 0))
				json_array_append_new(vals, json_string(v));
			else {
				if (num_parse_long("--grid", v,
					strcmp(tok, "max-depth") == 0 ? 1 : 1,
					strcmp(tok, "max-depth") == 0
					    ? FOREST_MAX_DEPTH
					    : 100000,
					&l, err) < 0)
					goto fail;
				json_array_append_new(vals, json_integer(l));
			}
		}
		if (json_array_size(vals) == 0) {
		fail:
			json_decref(vals);
			if (err->status == 0)
				goto bad;
			goto out;
		}
		json_object_set_new(g, tok, vals);
	}
	if (json_object_size(g) == 0)
		goto bad;
	free(copy);
	*grid = g;
	return 0;
bad:
	ad_err_set(
	    err, EX_USAGE, "--grid: expected 'name=v1,v2 ...', got '%s'", spec);
out:
	free(copy);
	json_decref(g);
	return -1;
}

/* Number of combinations in a parsed grid. */
size_t
rftrain_grid_size(const json_t *grid)
{
	const char *k;
	json_t *v;
	size_t n = 1;

	json_object_foreach((json_t *)grid, k, v)
		n *= json_array_size(v);
	return n;
}

/*
 * Set p to combination i of grid (the first key varies slowest) and give
 * its parameters as a new JSON object in *params.
 */
void
rftrain_grid_apply(
    const json_t *grid, size_t i, struct rftrain *p, json_t **params)
{
	const char *k;
	json_t *v;
	size_t stride = rftrain_grid_size(grid);

	*params = json_object();
	json_object_foreach((json_t *)grid, k, v) {
		size_t nv = json_array_size(v), pick;
		json_t *val;

		stride /= nv;
		pick = (i / stride) % nv;
		val = json_array_get(v, pick);
		json_object_set(*params, k, val);
		if (strcmp(k, "trees") == 0)
			p->trees = (int)json_integer_value(val);
		else if (strcmp(k, "max-depth") == 0)
			p->max_depth = (int)json_integer_value(val);
		else if (strcmp(k, "min-leaf") == 0)
			p->min_leaf = (int)json_integer_value(val);
		else if (strcmp(k, "sample-rate") == 0)
			p->sample_rate = json_real_value(val);
		else if (strcmp(k, "mtry") == 0)
			p->mtry =
			    json_is_string(val)
				? (strcmp(json_string_value(val), "sqrt") == 0
					  ? RFTRAIN_SQRT
					  : 0)
				: (int)json_integer_value(val);
	}
}

/*
 * Cross-validate p with k folds, or, with grid, every combination of it,
 * printing the folds on text (unless NULL) and counting trees on pr
 * (unless NULL).  Sets p to the combination with the best mean AUC (the
 * first on ties) and *best_auc to that AUC.  Returns the report as a new
 * JSON object: {"cv":..} or {"grid":[{"params","cv"}..],"best":{..}},
 * with "mode", "rows" and "folds".
 */
json_t *
rftrain_search(const struct dataset *ds, struct rftrain *p, int k,
    const json_t *grid, FILE *text, struct progress *pr, double *best_auc)
{
	json_t *rep = json_object(), *runs = json_array();
	size_t ncomb = grid ? rftrain_grid_size(grid) : 1, best = 0;
	struct rftrain base = *p;
	uint64_t total = 0;

	*best_auc = -1;
	for (size_t i = 0; i < ncomb; i++) {
		struct rftrain q = base;
		json_t *params = NULL;

		if (grid) {
			rftrain_grid_apply(grid, i, &q, &params);
			json_decref(params);
		}
		total += (uint64_t)q.trees * (uint64_t)k;
	}
	if (pr != NULL)
		progress_init(pr, "cross-validation", total);
	base.prog = pr;
	base.prog_base = 0;
	for (size_t i = 0; i < ncomb; i++) {
		struct rftrain q = base;
		json_t *params = NULL, *cv;
		double auc;

		if (grid) {
			rftrain_grid_apply(grid, i, &q, &params);
			if (text) {
				char *s = json_dumps(
				    params, JSON_COMPACT | JSON_PRESERVE_ORDER);

				fprintf(text, "grid %zu/%zu: %s\n", i + 1,
				    ncomb, s);
				free(s);
			}
		}
		cv = rftrain_cv(ds, &q, k, text, &auc);
		base.prog_base = q.prog_base;
		if (auc > *best_auc) {
			*best_auc = auc;
			best = i;
		}
		if (grid) {
			json_t *run = json_object();

			json_object_set_new(run, "params", params);
			json_object_set_new(run, "cv", cv);
			json_array_append_new(runs, run);
		} else
			json_object_set_new(rep, "cv", cv);
	}
	if (pr != NULL)
		progress_done(pr);
	json_object_set_new(rep, "mode", json_string("supervised"));
	json_object_set_new(rep, "rows", json_integer((json_int_t)ds->nrows));
	json_object_set_new(rep, "folds", json_integer(k));
	if (grid) {
		json_t *params;

		rftrain_grid_apply(grid, best, p, &params);
		json_object_set_new(rep, "grid", runs);
		json_object_set_new(rep, "best", params);
		if (text) {
			char *s = json_dumps(
			    params, JSON_COMPACT | JSON_PRESERVE_ORDER);

			fprintf(
			    text, "best: %s (mean auc %.6f)\n", s, *best_auc);
			free(s);
		}
	} else
		json_decref(runs);
	p->prog_base = 0;
	return rep;
}
