/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Multi-class evaluation: the confusion matrix of actual against
 * predicted classes (rows actual, columns predicted), per-class recall,
 * accuracy, and with a cost matrix (record/costs, the file format of
 * ad-score --costs) the total and mean misclassification cost.  Classes
 * are named; the cost matrix's classes come first in its order (or the
 * seed names given), the others in order of first appearance.
 */
#ifndef CONFUSION_H
#define CONFUSION_H

#include <stddef.h>

#include "record/costs.h"

struct confusion;

struct confusion *confusion_new(
    char *const *seed, size_t nseed, const struct costs *costs);
int confusion_add(struct confusion *cf, const char *actual,
    const char *predicted, char *why, size_t whylen);
size_t confusion_nclass(const struct confusion *cf);
const char *confusion_name(const struct confusion *cf, size_t i);
size_t confusion_count(
    const struct confusion *cf, size_t actual, size_t predicted);
size_t confusion_records(const struct confusion *cf);
double confusion_cost(const struct confusion *cf);
void confusion_free(struct confusion *cf);

#endif
