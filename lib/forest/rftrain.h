/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Training orchestration for ad-train-rf: fit a forest of any mode on a
 * binned data set, K-fold cross-validate it, and search a grid of
 * hyperparameters by cross-validation.
 */
#ifndef RFTRAIN_H
#define RFTRAIN_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "base/ad.h"
#include "forest/dataset.h"
#include "forest/forest.h"
#include "forest/forestfile.h"
#include "base/progress.h"

struct rftrain {
	enum forestfile_mode mode;
	int trees, max_depth, max_bins, min_leaf;
	int mtry; /* RFTRAIN_SQRT, 0 = all, or a count */
	double sample_rate, fraction;
	size_t sample_size;
	uint64_t seed;
	int threads;
	size_t nclass;
	char **classes;	     /* borrowed */
	const double *costs; /* nclass x nclass, or NULL (borrowed) */
	double balance;	     /* class weights (n / K n_c) ^ balance */
	/* isolation: enum iforest_split, enum iforest_scoring */
	int split, scoring;
	/* boosted trees instead of a forest (supervised mode) */
	bool boost;
	int rounds, early_stop;
	double learning_rate, lambda, valid_fraction;
	int rounds_kept;       /* out: after the last rftrain_fit() */
	struct progress *prog; /* may be NULL */
	uint64_t prog_base;
};

#define RFTRAIN_SQRT (-1)

int rftrain_mtry(const struct rftrain *p, size_t nfeat);
void rftrain_class_weights(const struct dataset *ds, const uint32_t *rows,
    size_t nsel, size_t nclass, double balance, double *w);
struct forest *rftrain_fit(const struct dataset *ds, struct rftrain *p,
    const uint32_t *rows, size_t nsel);
json_t *rftrain_cv(const struct dataset *ds, struct rftrain *p, int k,
    FILE *text, double *mean_auc);
json_t *rftrain_search(const struct dataset *ds, struct rftrain *p, int k,
    const json_t *grid, FILE *text, struct progress *pr, double *best_auc);
int rftrain_grid_parse(const char *spec, json_t **grid, struct ad_err *err);
size_t rftrain_grid_size(const json_t *grid);
void rftrain_grid_apply(
    const json_t *grid, size_t i, struct rftrain *p, json_t **params);

#endif
