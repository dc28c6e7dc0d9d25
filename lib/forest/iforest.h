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
 * thresholds chosen by pooled gain instead of at random, and node values
 * that measure an adjusted depth or a density instead of the depth.  Every
 * variant keeps the score 2^(-E[value]/c(psi)), so that prediction and the
 * model file do not depend on it.
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
	IFOREST_DEPTH,	   /* depth + c(n): the isolation depth */
	IFOREST_ADJ_DEPTH, /* each split adds 2 / (1 + 1 / 2p), p the local
			    * density ratio of the side taken (Cortes 2021) */
	IFOREST_DENSITY,   /* c(psi) + log2 of (n / psi) over the share of
			    * the root's volume the node covers */
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
struct forest *iforest_train(const struct dataset *ds, const uint32_t *rows,
    size_t nsel, const struct iforest_params *p);

#endif
