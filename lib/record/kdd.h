/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The KDD Cup 1999 connection record: 41 features and a label, named and
 * typed after kddcup.names (symbolic text fields are strings, 0/1 flags
 * and counts are integers, rates are reals).
 */
#ifndef KDD_H
#define KDD_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

#define KDD_NCOLUMNS 42
#define KDD_LABEL_COLUMN 41

enum kdd_type {
	KDD_INT,
	KDD_REAL,
	KDD_STRING,
};

struct kdd_column {
	const char *name;
	size_t namelen;
	enum kdd_type type;
};

extern const struct kdd_column kdd_columns[KDD_NCOLUMNS];

int kdd_column_index(const char *name);
int kdd_row_to_json(struct buf *b, char *const *field, const size_t *len,
    size_t nfields, char *why, size_t whylen);

#endif
