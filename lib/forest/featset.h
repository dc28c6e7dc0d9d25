/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The feature schema of a model: which record fields are features, in
 * which order, numeric or categorical, and each categorical feature's
 * category table.  The same code turns a record into a feature vector at
 * training and at scoring time, so the two cannot disagree.
 *
 * A feature vector is an array of doubles: a numeric feature's value, or
 * a categorical feature's category number (0, 1, ...); FEATSET_MISSING
 * (NaN) for an absent, null, mistyped or non-finite value, and
 * FEATSET_UNKNOWN (-1) for a category the model never saw.  Trees send
 * both down the branch that held more training rows (the rule stored in
 * every model), so neither is fatal.
 */
#ifndef FEATSET_H
#define FEATSET_H

#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/jscan.h"
#include "base/wire.h"

#define FEATSET_MISSING NAN
#define FEATSET_UNKNOWN (-1.0)

/*
 * Column numbers: for each member position of records of one shape
 * (jscan's same_shape), its feature number, so that a stream of records
 * with the same keys looks each key up once.  A caller starting a shape
 * sets them all to FEATSET_COL_UNKNOWN.
 */
#define FEATSET_COL_UNKNOWN (-1) /* not looked up yet */
#define FEATSET_COL_NONE (-2)	 /* not a feature, and never will be */

enum feature_kind {
	FEATURE_NUMERIC,
	FEATURE_CATEGORICAL,
};

struct feature {
	char *name;
	size_t namelen;
	unsigned hash;
	enum feature_kind kind;
	size_t ncat;
	char **cat;
	size_t *catlen;
	unsigned *cathash;
	unsigned *cslot; /* open-addressed table of category number + 1 */
	size_t ccap;
};

struct featset {
	size_t n;
	struct feature *f;
	unsigned *slot; /* open-addressed table of feature number + 1 */
	size_t cap;
	/* which fields may become features (training only) */
	char **only, **exclude;
	size_t nonly, nexclude;
	const char *label;
};

struct featset *featset_new(void);
void featset_free(struct featset *fs);
int featset_set_lists(struct featset *fs, const char *only, const char *exclude,
    const char *label);
bool featset_candidate(const struct featset *fs, const char *name, size_t len);
long featset_find(const struct featset *fs, const char *name, size_t len);
size_t featset_add(
    struct featset *fs, const char *name, size_t len, enum feature_kind kind);
long featset_cat_find(const struct feature *f, const char *s, size_t len);
size_t featset_cat_add(struct feature *f, const char *s, size_t len);
void featset_cat_reorder(struct feature *f, const size_t *order);
int featset_row_scan(const struct featset *fs, const struct jscan_member *m,
    long *col, size_t n, double *x);
void featset_row_json(const struct featset *fs, json_t *rec, double *x);
const char *featset_value_text(
    const struct featset *fs, size_t i, double v, char *tmp, size_t tmplen);
void featset_save(const struct featset *fs, struct buf *b);
struct featset *featset_load(struct wire *w);
json_t *featset_info(const struct featset *fs);

int featset_learn_scan(struct featset *fs, const struct jscan_member *m,
    const double *nums, long *col, size_t n, double **x, size_t *cap);
void featset_learn_json(
    struct featset *fs, json_t *rec, double **x, size_t *cap);
#endif
