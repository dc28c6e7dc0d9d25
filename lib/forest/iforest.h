/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Isolation forest (Liu, Ting & Zhou 2008): trees grown on random
 * sub-samples of psi rows with random splits, up to depth ceil(log2 psi);
 * a point's score is 2^(-E[h(x)]/c(psi)), where h is its path length plus
 * c(leaf size) for the unbuilt subtree.  Categorical features split on a
 * random subset of the categories present.
 *
 * Variants (Cortes, "Revisiting randomized choices in isolation forests"
 * and "Isolation forests: looking beyond tree depth", 2021): numeric
 * thresholds chosen by pooled gain instead of at random, and an adjusted
 * depth, where a split adds less than 1 to the path of the side that holds
 * fewer rows than its share of the range would (sparse: isolated faster)
 * and more to a dense side.  Both keep the score 2^(-E[value]/c(psi)), so
 * that prediction and the model file do not depend on them.
 */
#ifndef IFOREST_H
#define IFOREST_H

#include "forest/dataset.h"
#include "forest/forest.h"

/* How a node's feature and threshold are chosen. */
enum iforest_split {
	IFOREST_SPLIT_RANDOM, /* a uniform threshold in the node's range */
	/* the threshold of most pooled standard-deviation gain on a random
	 * feature (the "fair-cut" of Cortes 2021), uniform in its gap */
	IFOREST_SPLIT_POOLED,
};

/* What a node's value (summed over trees by forest_predict()) measures. */
enum iforest_scoring {
	IFOREST_DEPTH, /* depth + c(n): the isolation depth */
	/* each split adds 2 / (1 + 1 / 2p) instead of 1, p the side's share
	 * of the rows over its share of the range (Cortes 2021) */
	IFOREST_ADJ_DEPTH,
};

struct iforest_params {
	int trees;
	size_t psi;
	int max_depth; /* 0: ceil(log2 psi) */
	enum iforest_split split;
	enum iforest_scoring scoring;
	uint64_t seed;
	int threads;
	void (*progress)(size_t done, void *arg);
	void *progress_arg;
};

size_t iforest_pooled_split(const double *v, size_t m);
double iforest_adj_step(size_t ns, size_t n, double frac);
struct forest *iforest_train(const struct dataset *ds, const uint32_t *rows,
    size_t nsel, const struct iforest_params *p);

#endif
