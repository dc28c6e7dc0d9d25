/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * One ad-train-rf training job, in the order the program runs it: set up
 * the classes (binary, or from a --classes file), the cost matrix and the
 * feature lists;
 * read the records into a binned data set (forest/trainread); optionally
 * cross-validate or grid-search (forest/rftrain), writing the report;
 * fit the forest (with a contamination, set the threshold from the
 * training rows' scores); and fill in the model file's header
 * (forest/forestfile)
 * so that the same seed and input always give the same bytes.
 */
#ifndef RFJOB_H
#define RFJOB_H

#include <jansson.h>
#include <stdio.h>

#include "base/ad.h"
#include "base/buf.h"
#include "forest/forestfile.h"
#include "forest/rftrain.h"
#include "io/recin.h"

struct rfjob_conf {
	struct rftrain p; /* hyperparameters; nclass, classes, prog: set here */
	const char *label;		/* label field */
	const char *normal;		/* binary: the normal label */
	const char *classes;		/* multi-class file, or NULL */
	const char *features, *exclude; /* comma-separated lists, or NULL */
	int cv;				/* folds; 0: no cross-validation */
	const json_t *grid; /* from rftrain_grid_parse(), or NULL (borrowed) */
	const char *report; /* JSON report path, or NULL */
	const char *costs;  /* cost matrix file, or NULL */
	const char *group;  /* --cv folds keep this field's groups whole */
	double contamination; /* share flagged in training; 0: threshold 0.5 */
};

struct rfjob;

struct rfjob *rfjob_new(const struct rfjob_conf *conf, struct ad_err *err);
int rfjob_read(struct rfjob *j, struct recin *in, struct ad_err *err);
int rfjob_evaluate(struct rfjob *j, FILE *text, struct ad_err *err);
void rfjob_fit(struct rfjob *j);
const struct forestfile *rfjob_model(const struct rfjob *j);
void rfjob_summary(
    const struct rfjob *j, size_t rejected, const char *path, struct buf *b);
void rfjob_free(struct rfjob *j);

#endif
