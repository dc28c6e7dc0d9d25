/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Binary evaluation of scores against labels: ROC AUC and average
 * precision (PR AUC) as scikit-learn defines them (roc_auc_score: the
 * trapezoids under the ROC curve through every distinct score, so tied
 * scores count half; average_precision_score: the sum over distinct
 * scores, highest first, of the recall gained times the precision
 * there), and precision, recall, F1 and accuracy with the records scored
 * at least a threshold called positive, at a given threshold and at the
 * threshold of the best F1.  The scores are held (8 bytes a record, 24
 * while they are sorted) and sorted once (eval/rank).
 */
#ifndef BINARY_H
#define BINARY_H

#include <stdbool.h>
#include <stddef.h>

struct binary_point {
	double threshold;
	size_t tp, fp, fn, tn;
	double precision, recall, f1, accuracy; /* 0 when undefined */
};

struct binary_result {
	size_t n, positives;
	double auc, pr_auc; /* NAN without both classes / positives */
	struct binary_point at, best;
};

/* The counts at or above one distinct score (a point of both curves). */
struct binary_curve {
	double score;
	size_t tp, fp;
};

struct binary;

struct binary *binary_new(void);
void binary_add(struct binary *b, double score, bool positive);
void binary_eval(
    struct binary *b, double threshold, bool curve, struct binary_result *r);
const struct binary_curve *binary_curve(const struct binary *b, size_t *n);
void binary_free(struct binary *b);

#endif
