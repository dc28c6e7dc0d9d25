/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Whole series per key, kept in memory for batch decomposition: each
 * key's points (values, times, and the record text to write them back
 * with added fields), in order of first appearance of the keys.  A key
 * whose input had a bad point (missing value, time going backwards) is
 * marked broken: its series has a gap and must not be decomposed as if it
 * had none.
 */
#ifndef SERIES_H
#define SERIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "series/point.h"

struct series {
	char *key; /* owned */
	bool has_id;
	size_t k; /* values per point */
	size_t n, cap;
	double *v;  /* n * k values, point-major */
	int64_t *t; /* n times (ms), when has_time */
	bool has_time;
	size_t *off; /* record text of point i: text.data + off[i] */
	struct buf text;
	bool empty_rec; /* some record was {} */
	size_t nbad;	/* points refused: a gap */
	char bad_src[256];
	size_t bad_line;
	char bad_why[200];
};

struct series_set;

struct series_set *series_set_new(size_t k, bool keep_text);
void series_set_free(struct series_set *s);
struct series *series_get(struct series_set *s, const char *key, bool has_id);
int series_add(struct series *se, const struct point *p, bool keep_text,
    char *why, size_t whylen);
void series_mark_bad(
    struct series *se, const char *src, size_t line, const char *why);
size_t series_count(const struct series_set *s);
size_t series_set_bytes(const struct series_set *s);
struct series *series_at(struct series_set *s, size_t i);
void series_drop_points(struct series *se);
double *series_column(const struct series *se, size_t j);

#endif
