/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * ad-clean's record mode, one line at a time: scan (lib/jscan, with
 * jansson as the slow path and the judge of bad JSON), check and coerce
 * (lib/schema), drop repeats (lib/dedup), and write the record back with
 * total_bytes = src_bytes + dst_bytes added, fields in input order,
 * values as written unless coerced.  No allocation per record once the
 * buffers have grown to the size of the longest line.  recclean_run() is
 * the loop over a whole input, recclean_summary() its -v line.
 */
#ifndef RECCLEAN_H
#define RECCLEAN_H

#include <stdbool.h>
#include <stddef.h>

#include "base/ad.h"
#include "base/buf.h"
#include "record/dedup.h"
#include "base/jscan.h"
#include "record/schema.h"

struct recin;
struct sink;

enum recclean_result {
	RECCLEAN_OK,
	RECCLEAN_DUPLICATE,
	RECCLEAN_REJECT,
};

/* Why a line was rejected, for the -v summary. */
enum recclean_reason {
	RECCLEAN_INVALID_JSON,
	RECCLEAN_MISSING,
	RECCLEAN_WRONG_TYPE,
	RECCLEAN_NOT_FINITE,
	RECCLEAN_NREASONS
};

struct recclean_conf {
	const struct schema *schema; /* borrowed */
	const char *dedup_field;     /* NULL: no de-duplication */
	size_t dedup_window;
	const char *key_field; /* sink key (Kafka key=FIELD), or NULL */
};

struct recclean {
	struct recclean_conf conf;
	struct jscan js;
	struct schema_check ck;
	struct dedup *dd;
	struct buf canon; /* the slow path's re-serialised line */
	bool add_total;
};

/* What a run did, for the -v summary. */
struct recclean_counts {
	size_t written, duplicates;
	size_t reason[RECCLEAN_NREASONS]; /* rejected lines, by reason */
};

void recclean_init(struct recclean *rc, const struct recclean_conf *conf);
void recclean_release(struct recclean *rc);
enum recclean_result recclean_line(struct recclean *rc, const char *line,
    size_t len, struct buf *out, const char **key, size_t *keylen,
    enum recclean_reason *reason, char *why, size_t whylen);
const char *recclean_reason_name(enum recclean_reason r);
int recclean_run(const struct recclean_conf *conf, struct recin *in,
    struct sink *out, struct recclean_counts *n, struct ad_err *err);
void recclean_summary(struct buf *b, const struct recclean_counts *n,
    size_t nread, size_t nrejected);

#endif
