/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Gradient-boosted trees (Friedman 2001) with second-order leaf values as
 * in XGBoost (Chen and Guestrin 2016), grown on the forests' binned
 * training sets (forest.h) with gradient/hessian histograms.  Binary:
 * logistic loss, one tree per round; K > 2 classes: softmax loss, one
 * tree per class per round.  The result is a struct forest of kind
 * FOREST_BOOST: tree 0 is a single leaf holding the prior margins, every
 * other leaf row adds margins, and forest_predict() takes the softmax of
 * the sum.
 */
#ifndef BOOST_H
#define BOOST_H

#include <stddef.h>
#include <stdint.h>

#include "forest/forest.h"

struct boost_params {
	int rounds, max_depth, min_leaf;
	double learning_rate;	    /* shrinkage of every leaf value */
	double lambda;		    /* L2 penalty on leaf values */
	int early_stop;		    /* stop after this many rounds without a
				 better validation loss; 0: never */
	double valid_fraction;	    /* rows held out for early stopping */
	const double *class_weight; /* per class, or NULL: all 1 */
	uint64_t seed;
	int threads;
	void (*progress)(size_t done, void *arg);
	void *progress_arg;
	/* out, when not NULL: mean loss after each round (rounds values) */
	double *train_loss, *valid_loss;
	int rounds_done, rounds_kept; /* out */
};

void boost_gradients(
    size_t K, const double *margin, size_t y, double w, double *g, double *h);
double boost_leaf(double G, double H, double lambda, double lr);
struct forest *boost_train(const struct trainset *ts, struct boost_params *p);

#endif
