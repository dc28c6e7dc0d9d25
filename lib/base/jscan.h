/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * A non-allocating scanner for the common NDJSON record: one JSON object
 * whose members are split into (key, raw value text) spans pointing into
 * the line, so that a filter can check, rewrite and copy a record without
 * building a tree.  It validates what it reads (JSON grammar, UTF-8,
 * escapes, integer range, duplicate keys); anything it does not handle
 * itself (escaped keys, nested values) it declines, and the caller takes
 * the slow path through jansson (ndjson_parse), which also gives the
 * reason text for lines that are not JSON.
 */
#ifndef JSCAN_H
#define JSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum jscan_type {
	JSCAN_STRING,
	JSCAN_NUMBER,
	JSCAN_TRUE,
	JSCAN_FALSE,
	JSCAN_NULL,
	JSCAN_OBJECT,
	JSCAN_ARRAY,
};

/* One top-level member; every span points into the scanned line. */
struct jscan_member {
	const char *key; /* key bytes between the quotes, escapes as written */
	size_t keylen;
	const char *val; /* value text as written; strings keep their quotes */
	size_t vallen;
	enum jscan_type type;
	bool integer; /* a number without fraction or exponent */
	bool escaped; /* a string holding a backslash escape */
};

/*
 * The flags of a scanned line: what it holds besides ASCII text and
 * numbers seen at a glance to fit an int64 or a double (all of it valid
 * JSON), so that a caller can choose which lines it copies as written.
 */
enum {
	JSCAN_UTF8 = 1 << 0,	/* a byte >= 0x80 in a string */
	JSCAN_UESCAPE = 1 << 1, /* a \u escape in a string */
	JSCAN_BIGNUM = 1 << 2,	/* more than 18 integer or 2 exponent digits */
};

/*
 * What jscan_object() says about a line: OK, not valid JSON (or valid in
 * a way the scanner cannot vouch for), or valid but needing the slow path.
 */
enum jscan_result {
	JSCAN_OK = 0,
	JSCAN_INVALID = -1,
	JSCAN_DECLINED = -2,
};

struct jscan_sep {
	size_t off, len;       /* in tmpl */
	size_t keyoff, keylen; /* the key's bytes, from the text's start */
};

struct jscan {
	struct jscan_member *m; /* members in input order */
	size_t n, cap;
	unsigned flags; /* JSCAN_UTF8 | ..., for the whole line */
	bool nested_ok; /* accept nested values (line is known good) */
	bool escaped_keys_ok;
	/*
	 * same_shape: the keys are those of the last line scanned with
	 * JSCAN_OK, in the same order (the usual case in a stream), so
	 * callers may reuse per-position lookups made for that line.  Its
	 * keys are kept in shape.
	 */
	bool same_shape;
	char *shape;
	size_t shapelen, shapecap, shape_n;
	size_t *shape_off; /* shape_n + 1 offsets into shape */
	size_t shape_offcap;
	bool shape_plain; /* no key of the shape has an escape or UTF-8 */
	/*
	 * The template of the last line scanned with JSCAN_OK, when its
	 * values were all scalars: the text before each value (whitespace,
	 * '{' or ',', the quoted key, ':') and after the last one, kept in
	 * tmpl, with each key's place in its text.  A line that has the
	 * same text there holds valid keys that are those of the shape, so
	 * only its values need scanning.
	 */
	char *tmpl;
	size_t tmplcap;
	struct jscan_sep *sep; /* tmpl_n + 1: the last is the tail */
	size_t sepcap, tmpl_n;
	unsigned tmpl_flags; /* of the keys */
	bool tmpl_ok;
	/* duplicate-key check: open addressing over member indices */
	uint32_t *slot, *stamp;
	size_t nslots;
	uint32_t gen;
	bool indexed; /* the keys of this line are in the table */
};

void jscan_init(struct jscan *s);
void jscan_release(struct jscan *s);
enum jscan_result jscan_object(struct jscan *s, const char *line, size_t len);
const struct jscan_member *jscan_find(
    const struct jscan *s, const char *key, size_t keylen);
double jscan_number(const char *val, size_t vallen);
bool jscan_is_number(const char *s, size_t n, bool integer_only);

#endif
