/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Metric points from NDJSON lines: the key (--id), the time (--time) and
 * the numeric value fields (--field) of one record, plus the record's
 * compact text without its closing brace, so that a program can append
 * fields to it without building a JSON tree.
 *
 * Flat records (an object of strings, numbers, booleans and nulls, with no
 * blank and no non-ASCII byte) are scanned directly (jscan_object()); any
 * other line goes through jansson (ndjson_parse()), so that what is
 * accepted and the messages for what is not are the same as everywhere.
 */
#ifndef POINT_H
#define POINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/jscan.h"
#include "base/timefmt.h"

#define POINT_MAX_FIELDS 16

struct point_conf {
	const char *id_field;	/* NULL: every record is one series */
	const char *time_field; /* NULL: no time */
	const char *fields[POINT_MAX_FIELDS];
	size_t nfields;
	bool need_time; /* a record without the time field is bad */
};

struct point {
	const char *text; /* record text up to (not with) its final '}' */
	size_t textlen;
	bool empty;	 /* the record is {} (no field to put a comma after) */
	const char *key; /* key text (a string id's characters, else JSON) */
	size_t keylen;
	bool has_id;
	bool has_time;
	int64_t t_ms;
	struct time_form form;
	double v[POINT_MAX_FIELDS];
	bool has_field[POINT_MAX_FIELDS]; /* present (may be null) */
	bool is_null[POINT_MAX_FIELDS];	  /* present as null: a gap */
};

struct point_parser {
	const struct point_conf *conf;
	struct jscan js;
	struct buf text, key, tmp;
	struct timefmt_day day; /* the date of the last time read */
};

void point_parser_init(struct point_parser *pp, const struct point_conf *c);
void point_parser_release(struct point_parser *pp);
bool point_is_gap(const struct point *p);
int point_parse(struct point_parser *pp, const char *line, size_t len,
    struct point *p, char *why, size_t whylen);

#endif
