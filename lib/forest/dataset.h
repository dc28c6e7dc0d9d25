/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * A training set: feature vectors in columns of doubles as they are read,
 * a class per row, and, after dataset_bin(), the binned form that
 * histogram training uses: per feature at most 255 value bins (bin 0 holds
 * missing values), stored row-major as bytes, so that one row's bins are
 * one or two cache lines.
 */
#ifndef DATASET_H
#define DATASET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/keymap.h"
#include "forest/featset.h"

#define DATASET_MAX_BINS 255

struct dataset {
	struct featset *fs; /* borrowed */
	size_t nrows, cap, ncols;
	double **col; /* col[feature][row] */
	uint8_t *y;   /* class of each row */
	/* dataset_group_by(): each row's group, numbered as they appear */
	const char *group_field; /* borrowed; NULL: no groups */
	uint32_t *group;
	size_t ngroups, gcap;
	struct keymap *gids; /* group value -> number + 1 */
	/* after dataset_bin() */
	size_t nfeat;
	uint16_t *nbins; /* per feature, the missing bin included */
	double **edges;	 /* numeric: nbins - 2 upper bounds of bins 1.. */
	uint8_t *bins;	 /* nrows x nfeat, row-major */
	bool binned;
};

struct dataset *dataset_new(struct featset *fs);
void dataset_free(struct dataset *ds);
void dataset_add(struct dataset *ds, const double *x, uint8_t y);
void dataset_group_by(struct dataset *ds, const char *field);
void dataset_set_group(struct dataset *ds, const char *value, size_t len);
void dataset_bin(struct dataset *ds, int max_bins, int threads);
uint8_t dataset_bin_value(const struct dataset *ds, size_t f, double v);

#endif
