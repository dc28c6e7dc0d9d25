/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Evaluation of classifiers: stratified K-fold assignment, folds that
 * keep groups whole (leave-attack-type-out), ROC AUC (with
 * ties counted half, the Mann-Whitney statistic), and accuracy,
 * precision, recall and F1, for two classes or one-vs-rest per class.
 */
#ifndef CV_H
#define CV_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/prng.h"

struct cv_metrics {
	double auc, accuracy, precision, recall, f1;
};

void cv_folds(const uint8_t *y, size_t n, size_t nclass, int k, uint64_t seed,
    uint8_t *fold);
void cv_group_folds(const uint8_t *y, const uint32_t *group, size_t ngroups,
    size_t n, int k, uint64_t seed, uint8_t *fold);
double cv_auc(const double *score, const uint8_t *pos, size_t n);
void cv_binary(const double *score, const uint8_t *pos, size_t n,
    double threshold, struct cv_metrics *m);
json_t *cv_metrics_json(const struct cv_metrics *m);
json_t *cv_summary_json(const struct cv_metrics *m, size_t n);

#endif
