/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Id value to key text, from a jansson value or straight from a scanned
 * member (no tree built).  Both give the same text for the same value: a
 * number scanned as written ("1.50", "1E2", "-0") is converted as jansson
 * would read it and written as ndjson_dump() writes that value ("1.5",
 * "100.0", "0"), so a record's key does not depend on which path read it.
 */
#include <stdlib.h>

#include "io/ndjson.h"
#include "record/idkey.h"

/*
 * Append the key text of v (borrowed) to b: a string's characters, any
 * other value its JSON text; NULL appends nothing.  b stays
 * NUL-terminated (its data is never NULL afterwards).
 */
void
idkey_text(struct buf *b, const json_t *v)
{
	buf_grow(b, 0);
	b->data[b->len] = '\0';
	if (json_is_string(v))
		buf_add(b, json_string_value(v), json_string_length(v));
	else if (v != NULL)
		ndjson_dump(b, v);
}

/*
 * Append the key text of the scanned member m to b, as idkey_text() would
 * for the same value.  Returns false, appending nothing, for a string
 * with escapes and for objects and arrays: the caller then parses the
 * value and calls idkey_text().
 */
bool
idkey_scanned(struct buf *b, const struct jscan_member *m)
{
	buf_grow(b, 0);
	b->data[b->len] = '\0';
	switch (m->type) {
	case JSCAN_STRING:
		if (m->escaped)
			return false;
		buf_add(b, m->val + 1, m->vallen - 2);
		return true;
	case JSCAN_NUMBER:
		if (m->integer)
			buf_add_long(b, strtoll(m->val, NULL, 10));
		else
			buf_add_double(b, jscan_number(m->val, m->vallen));
		return true;
	case JSCAN_TRUE:
	case JSCAN_FALSE:
	case JSCAN_NULL:
		buf_add(b, m->val, m->vallen);
		return true;
	default:
		return false;
	}
}
