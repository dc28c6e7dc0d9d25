/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * A trained forest model as ad-train-rf writes it and ad-score reads it:
 * the mode, the classes, the feature schema with its category tables, the
 * hyperparameters, the score threshold, an optional cost matrix, and the
 * trees, encoded as the payload of a "forest" model file (modelfile.h:
 * versioned, checksummed, written atomically).  Version 2 added the cost
 * matrix; a model without one is written as version 1, which older
 * programs read, and both versions are read.  Version 3 holds boosted
 * trees (forest kind FOREST_BOOST, supervised) and their learning rate,
 * L2 penalty and rounds kept; forests are still written as 1 or 2.
 * Version 4 is an isolation forest with its split and scoring variants
 * (they shape the trees' values, so --info is all they are read for).
 */
#ifndef FORESTFILE_H
#define FORESTFILE_H

#include <jansson.h>
#include <stdint.h>

#include "base/ad.h"
#include "base/buf.h"
#include "forest/featset.h"
#include "forest/forest.h"
#include "record/costs.h"

#define FORESTFILE_KIND "forest"
#define FORESTFILE_VERSION 4 /* the newest this program reads */

enum forestfile_mode {
	FORESTFILE_SUPERVISED,
	FORESTFILE_UNSUPERVISED,
	FORESTFILE_ISOLATION,
};

struct forestfile {
	enum forestfile_mode mode;
	char *label, *normal; /* supervised: label field, normal value */
	size_t nclass;
	char **classes; /* class 0 is normal (or real) */
	double threshold;
	/* hyperparameters, for --info */
	int trees, max_depth, max_bins, min_leaf, mtry;
	double sample_rate, fraction;
	uint64_t sample_size, seed, rows;
	char created[32]; /* ISO 8601 UTC; the file's mtime when empty */
	double learning_rate, lambda; /* boost */
	int rounds;		      /* boost: rounds kept */
	/* isolation: enum iforest_split and iforest_scoring; -1 unknown
	 * (read from a file before version 4) */
	int split, scoring;
	double cv_auc; /* NaN when not cross-validated */
	/*
	 * Supervised: nclass x nclass misclassification costs, [actual *
	 * nclass + predicted] in class order, or NULL: "class" is then the
	 * most probable class, else the one of least expected cost.
	 */
	double *costs;
	unsigned version; /* of the file read; 0 for a model not read */
	struct featset *fs;
	struct forest *forest;
};

const char *forestfile_mode_name(enum forestfile_mode m);
int forestfile_write(
    const char *path, const struct forestfile *m, struct ad_err *err);
struct forestfile *forestfile_read(const char *path, struct ad_err *err);
struct forestfile *forestfile_parse(
    const void *p, size_t n, const char *name, struct ad_err *err);
void forestfile_free(struct forestfile *m);
int forestfile_set_costs(
    struct forestfile *m, const struct costs *c, struct ad_err *err);
size_t forestfile_decide(const struct forestfile *m, const double *proba);
json_t *forestfile_info(const struct forestfile *m);
int forestfile_info_line(const char *path, struct buf *out, struct ad_err *err);

#endif
