/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * An in-memory table of checked KDD CSV rows, for drawing rows at random:
 * each row is kept as its 42 field texts, NUL-separated in one arena
 * (about 150 bytes a row, so the 10% file takes some 75 MB).
 */
#ifndef KDDROWS_H
#define KDDROWS_H

#include <stddef.h>

#include "base/buf.h"
#include "record/kdd.h"

struct kddrows {
	struct buf arena;
	size_t *start; /* arena offset of each row */
	size_t *index; /* the row's position in its file, from 0 */
	size_t n, cap;
};

void kddrows_init(struct kddrows *t);
void kddrows_add(
    struct kddrows *t, char *const *field, const size_t *len, size_t index);
void kddrows_get(const struct kddrows *t, size_t i, char **field, size_t *len);
void kddrows_release(struct kddrows *t);

#endif
