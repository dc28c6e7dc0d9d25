/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * NDJSON: one JSON object per line.  ndjson_parse() turns one line into a
 * jansson object or says why it is not one; ndjson_dump() writes a value
 * compactly, in field order, with shortest round-trip reals.
 */
#ifndef NDJSON_H
#define NDJSON_H

#include <jansson.h>

#include "base/ad.h"
#include "base/buf.h"
#include "io/sink.h"

json_t *ndjson_parse(const char *line, size_t len, char *why, size_t whylen);
void ndjson_dump(struct buf *b, const json_t *v);
int ndjson_write(struct sink *snk, struct buf *scratch, const json_t *rec,
    struct ad_err *err);
int ndjson_write_text(
    struct sink *snk, const char *line, size_t len, struct ad_err *err);

#endif
