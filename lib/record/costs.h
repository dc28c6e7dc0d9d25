/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Misclassification cost matrices.  The file is CSV: a header row whose
 * first field is a free label (the corner, "actual\predicted") and whose
 * other fields name the predicted classes, then one row per actual class,
 * its name first and then the cost of predicting each header class for
 * it.  The matrix is square with the same classes both ways (rows in any
 * order), costs are non-negative finite numbers; blank lines are skipped
 * and spaces around fields ignored.  KDD Cup 99's matrix:
 *
 *	actual\predicted,normal,probe,dos,u2r,r2l
 *	normal,0,1,2,2,2
 *	probe,1,0,2,2,2
 *	...
 *
 * Also the rule that turns class probabilities into a decision: the class
 * of least expected cost.
 */
#ifndef COSTS_H
#define COSTS_H

#include <stddef.h>

#include "base/ad.h"

struct costs {
	size_t n;
	char **classes; /* n names, in header order */
	double *cost;	/* n x n: cost[actual * n + predicted], header order */
	char *path;	/* where it was read, for messages */
	size_t header_line;
};

int costs_load(struct costs *c, const char *path, struct ad_err *err);
long costs_index(const struct costs *c, const char *name);
int costs_order(const struct costs *c, char *const *classes, size_t nclass,
    double *out, struct ad_err *err);
size_t costs_choose(
    const double *cost, size_t n, const double *prob, double *expected);
void costs_release(struct costs *c);

#endif
