/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Record schemas for ad-clean: a list of fields, each with a type (int,
 * number, string, bool) and required or optional.  The built-in one is
 * the KDD Cup 1999 record (lib/kdd); others are read from a text file,
 * one field per line:
 *
 *	# comment
 *	name  type  [required|optional]
 *
 * schema_check() checks a scanned record (lib/jscan) against a schema and
 * says how to coerce what can be coerced: numeric strings become numbers
 * ("12" -> 12), integral reals become integers for int fields, "true" and
 * "false" become booleans.  It never allocates per record.
 */
#ifndef SCHEMA_H
#define SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "base/ad.h"
#include "base/buf.h"
#include "base/jscan.h"

enum schema_type {
	SCHEMA_INT,
	SCHEMA_NUMBER,
	SCHEMA_STRING,
	SCHEMA_BOOL,
};

struct schema_field {
	char *name;
	size_t namelen;
	enum schema_type type;
	bool required;
};

/* Why a record failed its check, for the -v summary. */
enum schema_problem {
	SCHEMA_MISSING, /* a required field is absent */
	SCHEMA_WRONG_TYPE,
	SCHEMA_NOT_FINITE, /* NaN or Infinity where a number is needed */
	SCHEMA_NPROBLEMS
};

/* A coerced value: member index and replacement text in the check's buf. */
struct schema_edit {
	size_t member;
	size_t off, len;
};

/* The outcome of one check, reused from record to record. */
struct schema_check {
	struct schema_edit *edit;
	size_t nedit, capedit;
	struct buf text; /* replacement texts */
	long *at;	 /* per field: its member index, or -1 */
	enum schema_problem problem;
	long *pos_field; /* per member position of the shape: field or -1 */
	size_t pos_cap;
	bool pos_valid;
};

struct schema {
	struct schema_field *f;
	size_t n;
	bool none;		   /* accept any object */
	long src_bytes, dst_bytes; /* field indices, or -1 */
	long *slot;		   /* name lookup: field index + 1, 0 empty */
	size_t nslots;
};

struct schema *schema_kdd(void);
struct schema *schema_none(void);
struct schema *schema_load(const char *path, struct ad_err *err);
struct schema *schema_open(const char *spec, struct ad_err *err);
void schema_free(struct schema *sc);
long schema_lookup(const struct schema *sc, const char *name, size_t len);

void schema_check_init(struct schema_check *ck, const struct schema *sc);
void schema_check_release(struct schema_check *ck);
int schema_check(const struct schema *sc, const struct jscan *js,
    struct schema_check *ck, char *why, size_t whylen);
const char *schema_value(const struct schema_check *ck, const struct jscan *js,
    size_t member, size_t *len);
const char *schema_type_name(enum schema_type t);

#endif
