/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Isolation forest (Liu, Ting & Zhou 2008): trees grown on random
 * sub-samples of psi rows with random splits, up to depth ceil(log2 psi);
 * a point's score is 2^(-E[h(x)]/c(psi)), where h is its path length plus
 * c(leaf size) for the unbuilt subtree.  Categorical features split on a
 * random subset of the categories present.
 */
#ifndef IFOREST_H
#define IFOREST_H

#include "forest/dataset.h"
#include "forest/forest.h"

struct iforest_params {
	int trees;
	size_t psi;
	uint64_t seed;
	int threads;
	void (*progress)(size_t done, void *arg);
	void *progress_arg;
};

struct forest *iforest_train(const struct dataset *ds, const uint32_t *rows,
    size_t nsel, const struct iforest_params *p);

#endif
