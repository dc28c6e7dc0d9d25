/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * A fast scanner for the common NDJSON record: one flat JSON object of
 * plain ASCII.  It validates the line (JSON grammar, no duplicate keys)
 * and returns the top-level fields as spans into the line, without
 * building a tree.  Anything it does not handle on the fast path (non-ASCII
 * bytes, escapes in keys, more fields than the caller's array, very long
 * integers) makes it return -1, and the caller falls back to jansson,
 * which also gives the exact error message for a line that is bad.
 */
#ifndef FLATJSON_H
#define FLATJSON_H

#include <stdbool.h>
#include <stddef.h>

enum flatjson_type {
	FLATJSON_NUMBER,
	FLATJSON_STRING,
	FLATJSON_TRUE,
	FLATJSON_FALSE,
	FLATJSON_NULL,
	FLATJSON_NESTED, /* an object or an array */
};

/* One top-level field; key and val point into the scanned line. */
struct flatjson_field {
	const char *key;
	size_t keylen;
	const char *val; /* strings: inside the quotes */
	size_t vallen;
	enum flatjson_type type;
	bool escaped;  /* a string value holding a backslash escape */
	unsigned hash; /* of the key */
};

int flatjson_scan(
    const char *line, size_t len, struct flatjson_field *f, size_t max);
unsigned flatjson_hash(const char *s, size_t n);
int flatjson_number(const char *s, size_t n, double *out);

#endif
