/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The confusion matrix grows with the classes seen: counts are kept in a
 * cap x cap block, re-laid when cap doubles.  Names are found by a linear
 * scan: a classifier has a handful of classes, not thousands.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ad.h"
#include "eval/confusion.h"

struct confusion {
	char **name;
	size_t n, cap;
	size_t *m; /* cap x cap */
	const struct costs *costs;
	size_t records;
	double cost;
};

static size_t
class_of(struct confusion *cf, const char *name)
{
	size_t *m;

	for (size_t i = 0; i < cf->n; i++)
		if (strcmp(cf->name[i], name) == 0)
			return i;
	if (cf->n == cf->cap) {
		size_t cap = cf->cap ? 2 * cf->cap : 8;

		m = xcalloc(cap * cap, sizeof(*m));
		for (size_t a = 0; a < cf->n; a++)
			memcpy(m + a * cap, cf->m + a * cf->cap,
			    cf->n * sizeof(*m));
		free(cf->m);
		cf->m = m;
		cf->cap = cap;
		cf->name = xreallocarray(cf->name, cap, sizeof(*cf->name));
	}
	cf->name[cf->n] = xstrdup(name);
	return cf->n++;
}

/*
 * A new matrix: the classes of costs (borrowed, may be NULL; it must
 * outlive the matrix), else the nseed seed names, come first.  Caller
 * frees with confusion_free().
 */
struct confusion *
confusion_new(char *const *seed, size_t nseed, const struct costs *costs)
{
	struct confusion *cf = xcalloc(1, sizeof(*cf));

	cf->costs = costs;
	cf->cost = costs != NULL ? 0 : NAN;
	if (costs != NULL) {
		seed = costs->classes;
		nseed = costs->n;
	}
	for (size_t i = 0; i < nseed; i++)
		class_of(cf, seed[i]);
	return cf;
}

/*
 * Count a record of class actual predicted as predicted.  Returns 0, or
 * -1 with the reason in why (nothing counted) when there is a cost
 * matrix and it lacks either class.
 */
int
confusion_add(struct confusion *cf, const char *actual, const char *predicted,
    char *why, size_t whylen)
{
	size_t a, p;

	if (cf->costs != NULL) {
		long ca = costs_index(cf->costs, actual);
		long cp = costs_index(cf->costs, predicted);

		if (ca < 0 || cp < 0) {
			snprintf(why, whylen,
			    "class '%s' is not in the cost matrix '%s'",
			    ca < 0 ? actual : predicted, cf->costs->path);
			return -1;
		}
		cf->cost +=
		    cf->costs->cost[(size_t)ca * cf->costs->n + (size_t)cp];
	}
	a = class_of(cf, actual);
	p = class_of(cf, predicted);
	cf->m[a * cf->cap + p]++;
	cf->records++;
	return 0;
}

/* Classes named so far. */
size_t
confusion_nclass(const struct confusion *cf)
{
	return cf->n;
}

/* The name of class i (borrowed). */
const char *
confusion_name(const struct confusion *cf, size_t i)
{
	return cf->name[i];
}

/* Records of class actual predicted as predicted. */
size_t
confusion_count(const struct confusion *cf, size_t actual, size_t predicted)
{
	return cf->m[actual * cf->cap + predicted];
}

/* Records counted. */
size_t
confusion_records(const struct confusion *cf)
{
	return cf->records;
}

/* Total misclassification cost (NAN without a cost matrix). */
double
confusion_cost(const struct confusion *cf)
{
	return cf->cost;
}

/* Free cf (NULL is fine). */
void
confusion_free(struct confusion *cf)
{
	if (cf == NULL)
		return;
	for (size_t i = 0; i < cf->n; i++)
		free(cf->name[i]);
	free(cf->name);
	free(cf->m);
	free(cf);
}
