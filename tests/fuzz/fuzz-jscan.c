/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * libFuzzer target: the flat-record scanner (lib/jscan), checked against
 * jansson.  The input is one line, or two split at the first newline and
 * scanned in turn by one scanner, so that the second is checked against
 * the shape kept from the first; the last line is scanned once more.
 * Whatever jscan_object() accepts, jansson must accept too, with the same
 * members, types, string bytes and numbers (jscan_number() equal to
 * jansson's value), and the flags must tell the truth.  A line jansson
 * accepts must not be called invalid, unless it holds a number of 64
 * characters or more, which the scanner leaves to jansson, or a NUL byte
 * (jansson 2.14 skips one right after a number: {"a":1<NUL>}).
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/jscan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
is_numchar(char c)
{
	return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' ||
	       c == '+' || c == '-';
}

/* Whether line holds a run of 64 or more number characters. */
static bool
long_number(const char *line, size_t len)
{
	size_t run = 0;

	for (size_t i = 0; i < len; i++) {
		run = is_numchar(line[i]) ? run + 1 : 0;
		if (run >= 64)
			return true;
	}
	return false;
}

/* The flags a string member's text (quotes included) should add. */
static unsigned
string_flags(const struct jscan_member *m, bool *escaped)
{
	unsigned f = 0;

	*escaped = false;
	for (size_t i = 1; i + 1 < m->vallen; i++) {
		unsigned char c = (unsigned char)m->val[i];

		if (c >= 0x80)
			f |= JSCAN_UTF8;
		if (c == '\\') {
			*escaped = true;
			if (m->val[i + 1] == 'u')
				f |= JSCAN_UESCAPE;
			i++;
		}
	}
	return f;
}

/* JSCAN_BIGNUM for a number with over 18 integer or 2 exponent digits. */
static unsigned
number_flags(const struct jscan_member *m)
{
	const char *p = m->val, *e = m->val + m->vallen;
	size_t digits = 0, expdigits = 0;

	if (*p == '-')
		p++;
	while (p < e && *p >= '0' && *p <= '9')
		p++, digits++;
	while (p < e && *p != 'e' && *p != 'E')
		p++;
	while (p < e)
		expdigits += *p >= '0' && *p <= '9', p++;
	return digits > 18 || expdigits > 2 ? JSCAN_BIGNUM : 0;
}

/* Check member k of an accepted line against jansson's object v. */
static unsigned
check_member(const struct jscan *s, size_t k, json_t *v)
{
	const struct jscan_member *m = &s->m[k];
	json_t *jv = json_object_getn(v, m->key, m->keylen);
	unsigned f = 0;
	bool escaped;

	if (jv == NULL || jscan_find(s, m->key, m->keylen) != m)
		abort();
	for (size_t i = 0; i < m->keylen; i++)
		if ((unsigned char)m->key[i] >= 0x80)
			f |= JSCAN_UTF8;
	switch (m->type) {
	case JSCAN_STRING:
		f |= string_flags(m, &escaped);
		if (!json_is_string(jv) || escaped != m->escaped)
			abort();
		if (!escaped && (json_string_length(jv) != m->vallen - 2 ||
				    memcmp(json_string_value(jv), m->val + 1,
					m->vallen - 2) != 0))
			abort();
		break;
	case JSCAN_NUMBER:
		f |= number_flags(m);
		if (m->integer ? !json_is_integer(jv) : !json_is_real(jv))
			abort();
		if (jscan_number(m->val, m->vallen) != json_number_value(jv))
			abort();
		break;
	case JSCAN_TRUE:
		if (!json_is_true(jv))
			abort();
		break;
	case JSCAN_FALSE:
		if (!json_is_false(jv))
			abort();
		break;
	case JSCAN_NULL:
		if (!json_is_null(jv))
			abort();
		break;
	default:
		abort(); /* nested values are declined */
	}
	return f;
}

/* Whether s's members have the keys of prev (n keys, back to back). */
static bool
same_keys(
    const struct jscan *s, const char *prev, const size_t *prevlen, size_t n)
{
	if (s->n != n)
		return false;
	for (size_t k = 0; k < n; k++) {
		if (s->m[k].keylen != prevlen[k] ||
		    memcmp(s->m[k].key, prev, prevlen[k]) != 0)
			return false;
		prev += prevlen[k];
	}
	return true;
}

/*
 * Scan line with s and check the result.  prev, prevlen, *prevn: the keys
 * of the last line accepted (*prevn = SIZE_MAX: none), updated.
 */
static void
check_line(struct jscan *s, const char *line, size_t len, char *prev,
    size_t *prevlen, size_t *prevn)
{
	enum jscan_result r = jscan_object(s, line, len);
	json_error_t e;
	json_t *v = json_loadb(line, len, JSON_REJECT_DUPLICATES, &e);
	unsigned flags = 0;

	if (r == JSCAN_INVALID && json_is_object(v) &&
	    !long_number(line, len) && memchr(line, '\0', len) == NULL)
		abort(); /* jansson takes what the scanner calls invalid */
	if (r != JSCAN_OK) {
		json_decref(v);
		return;
	}
	if (!json_is_object(v) || json_object_size(v) != s->n)
		abort();
	for (size_t k = 0; k < s->n; k++)
		flags |= check_member(s, k, v);
	if (flags != s->flags)
		abort();
	if (s->same_shape != (*prevn != SIZE_MAX && s->n > 0 &&
				 same_keys(s, prev, prevlen, *prevn)))
		abort();
	*prevn = s->n;
	for (size_t k = 0; k < s->n; k++) {
		memcpy(prev, s->m[k].key, s->m[k].keylen);
		prev += s->m[k].keylen;
		prevlen[k] = s->m[k].keylen;
	}
	json_decref(v);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *line = (const char *)data;
	const char *nl = memchr(line, '\n', size);
	char *prev = malloc(size + 1);
	size_t *prevlen = calloc(size + 1, sizeof(*prevlen));
	size_t prevn = SIZE_MAX;
	struct jscan s;

	jscan_init(&s);
	if (nl != NULL) {
		check_line(
		    &s, line, (size_t)(nl - line), prev, prevlen, &prevn);
		size -= (size_t)(nl + 1 - line);
		line = nl + 1;
	}
	check_line(&s, line, size, prev, prevlen, &prevn);
	check_line(&s, line, size, prev, prevlen, &prevn);
	jscan_release(&s);
	free(prev);
	free(prevlen);
	return 0;
}
