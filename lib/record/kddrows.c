/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * KDD row table.  Rows are added already checked (kdd_row_to_json()), so
 * getting one back is just finding its 42 NUL-terminated fields.
 */
#include <stdlib.h>
#include <string.h>

#include "base/ad.h"
#include "record/kddrows.h"

/* Make t empty. */
void
kddrows_init(struct kddrows *t)
{
	memset(t, 0, sizeof(*t));
	buf_init(&t->arena);
}

/* Append a copy of a 42-field row that came from line index of its file. */
void
kddrows_add(
    struct kddrows *t, char *const *field, const size_t *len, size_t index)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 4096;
		t->start = xreallocarray(t->start, t->cap, sizeof(*t->start));
		t->index = xreallocarray(t->index, t->cap, sizeof(*t->index));
	}
	t->start[t->n] = t->arena.len;
	t->index[t->n] = index;
	for (int i = 0; i < KDD_NCOLUMNS; i++) {
		buf_add(&t->arena, field[i], len[i]);
		buf_addc(&t->arena, '\0');
	}
	t->n++;
}

/*
 * Point field[0..41] at row i's texts (borrowed from t) and fill len.
 * i must be below t->n.
 */
void
kddrows_get(const struct kddrows *t, size_t i, char **field, size_t *len)
{
	char *p = t->arena.data + t->start[i];

	for (int f = 0; f < KDD_NCOLUMNS; f++) {
		field[f] = p;
		len[f] = strlen(p);
		p += len[f] + 1;
	}
}

/* Free what t owns. */
void
kddrows_release(struct kddrows *t)
{
	buf_release(&t->arena);
	free(t->start);
	free(t->index);
	memset(t, 0, sizeof(*t));
}
