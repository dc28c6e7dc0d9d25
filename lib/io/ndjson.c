/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * NDJSON records.  Parsing is jansson's json_loadb() (which rejects
 * invalid UTF-8, NaN literals and trailing garbage) plus the rule that a
 * record is an object.  Writing is our own walk of the value so that
 * reals come out short ("0.05", as written) and fields in order.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

#include "base/jscan.h"
#include "io/ndjson.h"

/* Whether the integer text s (n bytes, maybe '-') fits an int64. */
static bool
fits_int64(const char *s, size_t n)
{
	char tmp[24];

	if (n >= sizeof(tmp))
		return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	errno = 0;
	(void)strtoll(tmp, NULL, 10);
	return errno != ERANGE;
}

/*
 * Copy line to b with every integer that does not fit an int64 given an
 * exponent ("18446744073709551616" -> "18446744073709551616e0"), so that
 * jansson reads it as a double, as JSON allows, instead of failing with
 * "too big integer".  Strings are copied untouched.
 */
static void
widen_integers(struct buf *b, const char *line, size_t len)
{
	size_t i = 0;

	while (i < len) {
		char c = line[i];

		if (c == '"') {
			size_t j = i + 1;

			while (j < len && line[j] != '"')
				j += line[j] == '\\' ? 2 : 1;
			j = j < len ? j + 1 : len;
			buf_add(b, line + i, j - i);
			i = j;
		} else if (c == '-' || (c >= '0' && c <= '9')) {
			size_t j = i + (c == '-'), nd;
			bool frac;

			while (j < len && line[j] >= '0' && line[j] <= '9')
				j++;
			nd = j - i - (c == '-');
			frac = j < len && (line[j] == '.' || line[j] == 'e' ||
					      line[j] == 'E');
			buf_add(b, line + i, j - i);
			/* int64 holds every 18-digit integer, no 20-digit */
			if (!frac && nd >= 19 && !fits_int64(line + i, j - i))
				buf_add(b, "e0", 2);
			i = j;
		} else {
			buf_addc(b, c);
			i++;
		}
	}
}

/*
 * Parse one line into a JSON object.  Returns a new reference, or NULL
 * with a reason in why (e.g. "invalid JSON at column 7: ...").
 */
json_t *
ndjson_parse(const char *line, size_t len, char *why, size_t whylen)
{
	json_error_t jerr;
	json_t *v;
	const size_t flags = JSON_REJECT_DUPLICATES | JSON_DECODE_ANY;

	if (len == 0) {
		snprintf(why, whylen, "empty line");
		return NULL;
	}
	v = json_loadb(line, len, flags, &jerr);
	if (v == NULL &&
	    json_error_code(&jerr) == json_error_numeric_overflow &&
	    strstr(jerr.text, "too big") != NULL) {
		struct buf b;

		buf_init(&b);
		widen_integers(&b, line, len);
		v = json_loadb(b.data, b.len, flags, &jerr);
		buf_release(&b);
	}
	if (v == NULL && strstr(jerr.text, "JSON_ALLOW_NUL") != NULL) {
		snprintf(why, whylen,
		    "invalid JSON at column %d: NUL character in a string "
		    "(\\u0000)",
		    jerr.column);
		return NULL;
	}
	if (v == NULL) {
		snprintf(why, whylen, "invalid JSON at column %d: %s",
		    jerr.column, jerr.text);
		return NULL;
	}
	if (!json_is_object(v)) {
		snprintf(why, whylen, "expected a JSON object, got %s",
		    json_is_array(v)	 ? "an array"
		    : json_is_string(v)	 ? "a string"
		    : json_is_null(v)	 ? "null"
		    : json_is_boolean(v) ? "a boolean"
					 : "a number");
		json_decref(v);
		return NULL;
	}
	return v;
}

/* Append v to b as compact JSON (no newline). */
void
ndjson_dump(struct buf *b, const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		const char *key;
		json_t *val;
		bool first = true;

		buf_addc(b, '{');
		json_object_foreach((json_t *)v, key, val) {
			if (!first)
				buf_addc(b, ',');
			first = false;
			buf_add_json_string(b, key, strlen(key));
			buf_addc(b, ':');
			ndjson_dump(b, val);
		}
		buf_addc(b, '}');
		break;
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *val;

		buf_addc(b, '[');
		json_array_foreach(v, i, val) {
			if (i > 0)
				buf_addc(b, ',');
			ndjson_dump(b, val);
		}
		buf_addc(b, ']');
		break;
	}
	case JSON_STRING:
		buf_add_json_string(
		    b, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		buf_add_long(b, json_integer_value(v));
		break;
	case JSON_REAL:
		buf_add_double(b, json_real_value(v));
		break;
	case JSON_TRUE:
		buf_add(b, "true", 4);
		break;
	case JSON_FALSE:
		buf_add(b, "false", 5);
		break;
	case JSON_NULL:
		buf_add(b, "null", 4);
		break;
	}
}

/*
 * Write rec as one line to snk, keyed by the sink's key field when it has
 * one (a string value is the key as is; any other value its JSON text).
 * scratch is reused between calls.  Returns 0 or -1 with err set.
 */
int
ndjson_write(struct sink *snk, struct buf *scratch, const json_t *rec,
    struct ad_err *err)
{
	const char *field = sink_key_field(snk);
	size_t keyoff = 0, keylen = 0;
	const char *key = NULL;

	buf_reset(scratch);
	ndjson_dump(scratch, rec);
	if (field != NULL) {
		json_t *kv = json_object_get(rec, field);

		if (json_is_string(kv)) {
			key = json_string_value(kv);
			keylen = json_string_length(kv);
		} else if (kv != NULL) {
			keyoff = scratch->len;
			ndjson_dump(scratch, kv);
			keylen = scratch->len - keyoff;
			key = scratch->data + keyoff;
			scratch->len = keyoff;
		}
	}
	return sink_write(snk, scratch->data, scratch->len, key, keylen, err);
}

/*
 * Write one record already encoded as text (line, len bytes, no newline)
 * to snk, keyed like ndjson_write() when the sink has a key field: the
 * field's string value, or the JSON text of any other value.  Flat records
 * are scanned in place; others are parsed with jansson.  Returns 0 or -1
 * with err set.
 */
int
ndjson_write_text(
    struct sink *snk, const char *line, size_t len, struct ad_err *err)
{
	const char *field = sink_key_field(snk);
	const struct jscan_member *m;
	struct jscan js;
	struct buf keytext;
	json_t *rec, *kv;
	int rc;

	if (field == NULL)
		return sink_write(snk, line, len, NULL, 0, err);
	jscan_init(&js);
	if (jscan_object(&js, line, len) == JSCAN_OK &&
	    (m = jscan_find(&js, field, strlen(field))) != NULL &&
	    m->type == JSCAN_STRING && !m->escaped) {
		rc = sink_write(snk, line, len, m->val + 1, m->vallen - 2, err);
		jscan_release(&js);
		return rc;
	}
	jscan_release(&js);
	/* Nested, escaped or not a string: let jansson say what the key is. */
	rec = json_loadb(line, len, 0, NULL);
	kv = json_object_get(rec, field);
	buf_init(&keytext);
	if (json_is_string(kv))
		buf_add(
		    &keytext, json_string_value(kv), json_string_length(kv));
	else if (kv != NULL)
		ndjson_dump(&keytext, kv);
	rc = sink_write(
	    snk, line, len, kv ? keytext.data : NULL, keytext.len, err);
	buf_release(&keytext);
	json_decref(rec);
	return rc;
}
