/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The fields ad-eval reads from a scored record: the key (--id), the time
 * (--time), the score (--score), the truth (--truth) and the predicted
 * class (--class), each optional by configuration.  Flat records are
 * scanned in place (jscan_object()); any other line goes through jansson
 * (ndjson_parse()), so that what is accepted and the messages for what
 * is not are those of every other program.  Key, truth and class values
 * become text by the one id rule (record/idkey): a string is its
 * characters, anything else its JSON text.
 */
#ifndef EVREC_H
#define EVREC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/jscan.h"
#include "base/timefmt.h"

struct evrec_conf {
	const char *id;	   /* key field, or NULL */
	const char *time;  /* time field, or NULL */
	const char *score; /* score field, or NULL */
	const char *truth; /* truth field, or NULL */
	const char *cls;   /* predicted class field, or NULL */
};

struct evrec {
	const char *key, *truth, *cls; /* NUL-terminated, borrowed */
	size_t keylen, truthlen, clslen;
	int64_t t_ms;
	double score;
};

enum evrec_field {
	EVREC_SCORE,
	EVREC_ID,
	EVREC_TIME,
	EVREC_TRUTH,
	EVREC_CLASS,
	EVREC_NFIELDS,
};

struct evrec_parser {
	const struct evrec_conf *conf;
	struct jscan js;
	/*
	 * Each field's member index + 1 in the last line scanned in place
	 * (0: unknown), reused while jscan says the keys are the same.
	 */
	size_t pos[EVREC_NFIELDS];
	struct timefmt_day day; /* the date of the last time read */
	struct buf key, truth, cls, tmp;
};

void evrec_parser_init(struct evrec_parser *pp, const struct evrec_conf *c);
void evrec_parser_release(struct evrec_parser *pp);
int evrec_parse(struct evrec_parser *pp, const char *line, size_t len,
    struct evrec *r, char *why, size_t whylen);

#endif
