/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Small forest models for the unit tests: one trained from NDJSON lines
 * (the label field "a..." is an attack), the two-feature set x/p, and
 * the metadata a trained model carries.
 */
#ifndef FTRAIN_H
#define FTRAIN_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/ad.h"
#include "base/jscan.h"
#include "forest/dataset.h"
#include "forest/featset.h"
#include "forest/forestfile.h"
#include "forest/rftrain.h"

/*
 * The metadata of a model of mode: classes "normal" (and "attack" but
 * for an isolation forest), label and normal value, threshold, no AUC.
 */
static inline void
ftrain_meta(struct forestfile *m, enum forestfile_mode mode, const char *label,
    const char *normal, double threshold)
{
	m->mode = mode;
	m->nclass = mode == FORESTFILE_ISOLATION ? 1 : 2;
	m->classes = xcalloc(2, sizeof(char *));
	m->classes[0] = xstrdup("normal");
	if (m->nclass == 2)
		m->classes[1] = xstrdup("attack");
	m->label = xstrdup(label);
	m->normal = xstrdup(normal);
	m->threshold = threshold;
	m->cv_auc = NAN;
}

/* Features x (numeric) and p (categorical: tcp, udp). */
static inline struct featset *
ftrain_xp_featset(void)
{
	struct featset *fs = featset_new();

	featset_add(fs, "x", 1, FEATURE_NUMERIC);
	featset_add(fs, "p", 1, FEATURE_CATEGORICAL);
	featset_cat_add(&fs->f[1], "tcp", 3);
	featset_cat_add(&fs->f[1], "udp", 3);
	return fs;
}

/* A model trained on n NDJSON lines; label "a..." is an attack. */
static inline struct forestfile *
train_lines(const char *const *lines, size_t n, enum forestfile_mode mode,
    int trees, int depth, int mtry)
{
	struct forestfile *m = xcalloc(1, sizeof(*m));
	struct dataset *ds;
	struct jscan js;
	long col[64];
	double *x = NULL;
	size_t cap = 0;
	struct rftrain p = {.mode = mode,
	    .trees = trees,
	    .max_depth = depth,
	    .max_bins = 255,
	    .min_leaf = 1,
	    .mtry = mtry,
	    .sample_rate = 1,
	    .fraction = 1,
	    .sample_size = 256,
	    .seed = 7,
	    .threads = 2,
	    .nclass = 2};

	m->fs = featset_new();
	featset_set_lists(m->fs, NULL, NULL, "label");
	ds = dataset_new(m->fs);
	jscan_init(&js);
	for (size_t i = 0; i < n; i++) {
		const struct jscan_member *l;
		uint8_t y = 0;

		jscan_object(&js, lines[i], strlen(lines[i]));
		if ((l = jscan_find(&js, "label", 5)) != NULL)
			y = l->val[1] == 'a';
		for (size_t j = 0; j < js.n; j++)
			col[j] = FEATSET_COL_UNKNOWN;
		featset_learn_scan(m->fs, js.m, NULL, col, js.n, &x, &cap);
		dataset_add(ds, x, y);
	}
	jscan_release(&js);
	dataset_bin(ds, 255, 2);
	m->forest = rftrain_fit(ds, &p, NULL, 0);
	ftrain_meta(m, mode, "label", "n", 0.5);
	m->trees = trees;
	free(x);
	dataset_free(ds);
	return m;
}

#endif
