/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The key text of a record's id field, the one rule by which every
 * program turns an id value into the string that names its series (per-key
 * state, plot panels, state files): a string is its characters, unquoted
 * and unescaped; any other value is its JSON text as ndjson_dump() writes
 * it (42, 1.5, true).  Which types an id may have is each caller's rule.
 */
#ifndef IDKEY_H
#define IDKEY_H

#include <jansson.h>
#include <stdbool.h>

#include "base/buf.h"
#include "base/jscan.h"

void idkey_text(struct buf *b, const json_t *v);
bool idkey_scanned(struct buf *b, const struct jscan_member *m);

#endif
