/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Scoring one NDJSON record with a forest model: the record's line comes
 * out with "score", "anomaly" (and "class", "probability" for a
 * multi-class model or one with costs, "why" with --explain) appended.
 * "class" is the model's decision (forestfile_decide()), "probability"
 * the forest's probability of that class.  Plain flat records
 * take a fast path that never builds a JSON tree: the input bytes are
 * copied as they are and the new fields appended before the closing
 * brace.  Everything else goes through jansson.
 */
#ifndef SCORER_H
#define SCORER_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "forest/forestfile.h"
#include "base/jscan.h"

struct scorer {
	struct forestfile *m; /* owned */
	double threshold;     /* NaN: the model's */
	int explain;	      /* features in "why", 0 for none */
	bool anomalies_only;
	double *x, *contrib, proba[FOREST_MAX_CLASSES];
	size_t *top;
	/* the scanner, and what holds for the keys of its shape */
	struct jscan js;
	bool js_reserved; /* one of them is a field we add */
	long *col;	  /* their column numbers in col_fs */
	size_t colcap;
	const struct featset *col_fs;
	size_t nslow; /* records that took the jansson path */
};

void scorer_init(struct scorer *s, struct forestfile *m);
void scorer_set_model(struct scorer *s, struct forestfile *m);
void scorer_borrow_model(struct scorer *s, struct forestfile *m);
void scorer_release(struct scorer *s);
int scorer_prepare(struct scorer *s, const char *line, size_t len, double *x,
    struct buf *out, bool *comma, char *why, size_t whylen);
void scorer_begin(struct scorer *s, const double *x, size_t trees,
    struct forest_acc *acc, double *contrib);
int scorer_finish(struct scorer *s, const double *x, struct buf *out,
    bool comma, struct forest_acc *acc, double *contrib, size_t from);
void scorer_add_score(struct buf *b, double v);
bool scorer_reserved(const char *key, size_t len);
bool scorer_plain(const struct jscan *js);
size_t scorer_close_brace(const char *line, size_t len);

#endif
