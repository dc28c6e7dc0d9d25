/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Training labels to classes.  Binary: the normal value is class 0, any
 * other label class 1 ("attack").  Multi-class: a file of "label class"
 * lines (KDD's training_attack_types: "smurf dos"); "normal" is class 0,
 * the file's classes follow in order of first appearance.  A trailing '.'
 * on a label (KDD writes "smurf.") is ignored when matching.
 */
#ifndef LABELS_H
#define LABELS_H

#include <stddef.h>

#include "base/ad.h"

struct labels {
	size_t nclass;
	char **classes;
	size_t n;
	char **label;
	size_t *class_of;
	char *normal; /* binary: the normal label, '.' stripped */
};

int labels_binary(struct labels *l, const char *normal);
int labels_load(struct labels *l, const char *path, struct ad_err *err);
long labels_class(const struct labels *l, const char *s, size_t len);
void labels_release(struct labels *l);

#endif
