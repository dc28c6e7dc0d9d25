/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Random forests of CART trees for classification, trained on binned
 * features (dataset.h) with class-count histograms, and isolation forests
 * (iforest.h) sharing the same tree representation, prediction and file
 * encoding.
 *
 * Splits: a numeric node sends x <= thr left; a categorical node sends the
 * categories in its bitset left (an optimal subset for two classes, found
 * by sorting categories by their class-1 share, Breiman et al. 1984).
 * Missing values and categories never seen in training go the way that
 * held more training rows (dleft).  Class 0 is "normal" (or "real"): the
 * anomaly score of a classifier is 1 - P(class 0).
 */
#ifndef FOREST_H
#define FOREST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/ad.h"
#include "base/buf.h"
#include "base/wire.h"

#define FOREST_MAX_DEPTH 64
#define FOREST_MAX_CLASSES 64

enum forest_kind {
	FOREST_CLASSIFIER = 1,
	FOREST_ISOLATION = 2,
	FOREST_BOOST = 3, /* leaf rows are margins: softmax of their sum */
};

enum fnode_kind {
	FNODE_LEAF,
	FNODE_NUMERIC,
	FNODE_CATEGORICAL,
};

struct fnode {
	double thr;	     /* numeric: left when x <= thr */
	float value;	     /* score (or iforest expected depth) here */
	int32_t left, right; /* children */
	uint32_t aux;	     /* leaf: class row in prob; categorical: bitset */
	uint16_t feat;
	uint8_t kind, dleft, tbin; /* tbin: numeric: left when bin <= tbin */
};

struct tree {
	size_t nnodes, cap;
	struct fnode *node;
	size_t nleaf;
	float *prob; /* nleaf x nclass */
	size_t nset;
	uint64_t *set; /* nset x 4 words: categories (bins) going left */
};

/* Prediction layout: 16 bytes, pre-order, the left child next. */
struct pnode {
	union {
		double thr;   /* numeric */
		uint64_t idx; /* leaf: class row in prob; categorical: set */
	} u;
	int32_t right;
	uint16_t feat;
	uint8_t kind, dleft;
};

struct forest {
	enum forest_kind kind;
	struct pnode *pn; /* every tree, pre-order (forest_compile()) */
	float *pval;	  /* node values in the same order */
	size_t *proot;	  /* first node of each tree */
	size_t nfeat, nclass, ntrees;
	uint16_t *nbins; /* per feature: maps a category to its bin */
	struct tree *tree;
	size_t psi; /* isolation: sub-sample size */
	double cpsi;
};

/* What histogram training reads: bins row-major, one class per row. */
struct trainset {
	size_t nrows, nfeat, nclass;
	const uint8_t *bins;
	const uint8_t *y;
	const uint16_t *nbins;
	const bool *categorical;
	const double *const *edges;
	const uint32_t *rows; /* the rows to train on, or NULL for all */
	size_t nsel;
};

/* Distinct training rows (same bins and class) with their multiplicity. */
struct forest_packed {
	size_t nu;	/* distinct rows */
	uint32_t *mult; /* how many selected rows each stands for */
	uint8_t *ub;	/* nu x nfeat bins */
	uint8_t *uy;	/* class of each */
	uint32_t *map;	/* selected row -> distinct row */
	size_t nsel;
};

struct forest_params {
	int trees, max_depth, min_leaf;
	int mtry;	    /* features per split; 0 = all */
	double sample_rate; /* rows drawn per tree, fraction of the data */
	bool replace;	    /* Poisson bootstrap (with replacement) */
	/* bootstrap: each row of class c drawn class_weight[c] times as
	 * often (NULL: all 1) */
	const double *class_weight;
	uint64_t seed;
	int threads;
	void (*progress)(size_t done, void *arg); /* called on one thread */
	void *progress_arg;
};

/* Sums over trees, for splitting a prediction between threads. */
struct forest_acc {
	double p[FOREST_MAX_CLASSES];
	double eh;
};

void forest_acc_init(
    const struct forest *f, struct forest_acc *acc, double *contrib);
void forest_accumulate(const struct forest *f, const double *x, size_t t0,
    size_t t1, struct forest_acc *acc, double *contrib);
double forest_finish(const struct forest *f, struct forest_acc *acc,
    double *proba, double *contrib);
void forest_pack_rows(const struct trainset *ts, struct forest_packed *pk);
struct forest *forest_train(
    const struct trainset *ts, const struct forest_params *p);
void forest_free(struct forest *f);
double forest_predict(
    const struct forest *f, const double *x, double *proba, double *contrib);
double forest_predict_bins(
    const struct forest *f, const uint8_t *bins, double *proba);
double forest_c(double n);
void forest_softmax(double *p, size_t K);
void forest_save(const struct forest *f, struct buf *b);
struct forest *forest_load(struct wire *w, size_t nfeat);
size_t forest_nodes(const struct forest *f);
void forest_compile(struct forest *f);
int forest_depth(const struct forest *f);

/* Used by iforest.c to build trees. */
int32_t forest_tree_add_node(struct tree *t);
uint64_t *forest_tree_add_set(struct tree *t, uint32_t *idx);
void forest_tree_release(struct tree *t);
int forest_run_threads(int threads, size_t njobs,
    void (*job)(size_t i, int thread, void *arg), void *arg,
    void (*progress)(size_t done, void *arg), void *progress_arg);

#endif
